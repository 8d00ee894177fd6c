"""What the home page shows, gathered from each capability's services."""

from sqlalchemy import func, select

from workbench.extensions import db
from workbench.models import User
from workbench.registry import HOME_CARDS
from workbench.teams import services as teams


def home_summary(user: User) -> dict:
    """Projects by stage, the user's teams and each capability's cards."""
    from workbench.teams.models import ImprovementProject

    projects_stmt = teams.projects_for(user)
    projects = list(db.session.scalars(projects_stmt.limit(8)))
    counts_stmt = teams.team_scope(
        select(ImprovementProject.stage, func.count()).group_by(ImprovementProject.stage),
        ImprovementProject.team_id,
        user,
    )
    by_stage = dict(db.session.execute(counts_stmt).all())
    cards = [card for card in (f(user) for f in HOME_CARDS.all()) if card]
    return {"projects": projects, "by_stage": by_stage, "teams": teams.teams_for(user), "cards": cards}
