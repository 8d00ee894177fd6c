import pytest

from workbench.models import User


@pytest.fixture
def team_project(db, make_team, make_project):
    """A project of a team of three; returns ``(project, leader, members)``."""
    team = make_team()
    project = make_project(team=team, title="Compressor noise")
    leader = db.session.get(User, team.leader_id)
    members = [m.user for m in team.memberships]
    return project, leader, members


@pytest.fixture
def api(client):
    """JSON calls on the signed-in test client: ``api("post", url, {...})``."""

    def call(method, url, body=None):
        return getattr(client, method)(url, json=body)

    return call


def fishbone_causes(db, project, *texts):
    """Real causes on ``project``'s fishbone (an FMEA row may only come from its own project's causes); their ids."""
    from workbench.fishbone import services as fishbone

    diagram = fishbone.diagram_of(project) or fishbone.create_diagram(project, "6m", "en")
    db.session.flush()
    ids = [fishbone.add_cause(diagram, None, {"category_id": diagram.categories[0].id, "text": text}).id for text in texts]
    db.session.commit()
    return ids
