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


@pytest.fixture
def make_causes(db):
    """Real fishbone causes of ``project`` (the FMEA links to them by foreign key): returns their ids."""
    from workbench.fishbone import services as fishbone

    def make(project, user, texts):
        diagram = fishbone.diagram_of(project) or fishbone.create_diagram(project)
        db.session.flush()
        category = diagram.categories[0].id
        ids = [fishbone.add_cause(diagram, user, {"text": text, "category_id": category}).id for text in texts]
        db.session.commit()
        return ids

    return make
