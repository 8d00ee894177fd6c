"""The demo organisation's two teams and their projects (a demo step added by ``workbench.teams.init_app``)."""

from datetime import date, timedelta

from sqlalchemy import func, select

from workbench.complaint_import import themes
from workbench.demo import demo_user
from workbench.extensions import db
from workbench.teams.models import ImprovementProject, Team
from workbench.teams.services import save_project, save_team
from workbench.teams.theme_link import link_theme

# The problem each demo project took on: the biggest theme of this owner and expectation.
PROBLEMS = {"کاهش تأخیر در تحویل سفارش‌ها": ("sales", "delivery_speed"), "Refrigerator R-400 compressor noise": ("production", "product_quality")}


def _theme_for(owner: str, category: str):
    for theme in themes.current_themes():  # biggest first
        categories = (theme.mix or {}).get("categories") or {}
        if theme.process_owner and theme.process_owner.key == owner and categories and max(categories, key=categories.get) == category:
            return theme
    return None


def demo_teams(context: dict) -> dict[str, int]:
    """Create the teams and projects once; put every project in ``context["projects"]`` by title."""
    if db.session.scalar(select(func.count(Team.id))) == 0:
        delivery = save_team(
            None,
            "تیم تحویل به موقع",
            demo_user("sara@demo.example").id,
            [
                {"user_id": demo_user("sara@demo.example").id, "role": "customer_affairs"},
                {"user_id": demo_user("ali@demo.example").id, "role": "process_expert", "process_owner": "sales"},
                {"user_id": demo_user("omid@demo.example").id, "role": "process_expert", "process_owner": "production"},
            ],
        )
        quality = save_team(
            None,
            "Fridge noise team",
            demo_user("john@demo.example").id,
            [
                {"user_id": demo_user("neda@demo.example").id, "role": "customer_affairs"},
                {"user_id": demo_user("john@demo.example").id, "role": "process_expert", "process_owner": "production"},
                {"user_id": demo_user("omid@demo.example").id, "role": "process_expert", "process_owner": "quality"},
            ],
        )
        db.session.flush()
        qm = demo_user("qm@demo.example")
        save_project(
            None,
            qm,
            {
                "title": "کاهش تأخیر در تحویل سفارش‌ها",
                "problem_statement": "۳۵٪ شکایت‌های فروش در ۶ ماه گذشته درباره تأخیر در تحویل سفارش است.",
                "team_id": delivery.id,
                "process_owner": "sales",
                "started_on": date.today() - timedelta(days=40),
                "target_date": date.today() + timedelta(days=50),
            },
        )
        save_project(
            None,
            qm,
            {
                "title": "Refrigerator R-400 compressor noise",
                "problem_statement": "Noise complaints about the R-400 doubled since the new compressor supplier.",
                "team_id": quality.id,
                "process_owner": "production",
                "started_on": date.today() - timedelta(days=20),
                "target_date": date.today() + timedelta(days=70),
            },
        )
        db.session.flush()
        # Started from a theme, as a team would: the project answers for exactly its complaints (the trace,
        # the 8D report and the effectiveness check measure them).
        for project in db.session.scalars(select(ImprovementProject)):
            theme = _theme_for(*PROBLEMS[project.title]) if project.title in PROBLEMS else None
            if theme is not None:
                link_theme(project, theme.id)
    db.session.flush()
    projects = {p.title: p for p in db.session.scalars(select(ImprovementProject))}
    context["projects"] = projects
    return {"teams": db.session.scalar(select(func.count(Team.id))), "projects": len(projects)}
