import pytest

from workbench.models import User


@pytest.fixture
def team_project(db, make_project):
    """A project of a new team, and its leader (a member)."""
    project = make_project(title="Late deliveries", problem_statement="Orders arrive late")
    leader = db.session.get(User, project.leader_id)
    return project, leader


@pytest.fixture
def fishbone(db, team_project):
    """A 6M fishbone on ``team_project``; returns (project, leader, diagram)."""
    from workbench.fishbone import services

    project, leader = team_project
    diagram = services.create_diagram(project, "6m", "en")
    db.session.commit()
    return project, leader, diagram


@pytest.fixture
def api(client, login):
    """Sign a user in and return a small JSON caller: ``api("POST", url, json)``."""

    def call(method, url, json=None, user=None):
        if user is not None:
            login(user)
        return client.open(url, method=method, json=json)

    return call
