"""Fixtures for corrective actions: a frozen clock and a project with its team."""

from datetime import UTC, date, datetime

import pytest

FROZEN = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def evidence_folder(app, tmp_path):
    app.config["EVIDENCE_FOLDER"] = str(tmp_path / "evidence")


@pytest.fixture
def frozen(app):
    """Freeze the package clock at 2026-03-10 09:00 UTC; ``frozen.set(date)`` moves it."""

    class Clock:
        value = FROZEN

        def __call__(self):
            return self.value

        def set(self, day: date):
            self.value = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)

    clock = Clock()
    app.config["ACTIONS_CLOCK"] = clock
    return clock


@pytest.fixture
def setup(db, make_user, make_team, make_project, frozen):
    """A team of three with a project, a quality manager, a viewer and an outsider in another team."""
    members = [make_user(name=f"Member {n}") for n in range(3)]
    team = make_team(members=members)
    project = make_project(team=team, title="Late deliveries")
    other_team = make_team()
    outsider = db.session.get(type(members[0]), other_team.leader_id)
    return {
        "team": team,
        "project": project,
        "leader": members[0],
        "member": members[1],
        "qm": make_user(role="quality_manager", name="Maryam QM"),
        "viewer": make_user(role="viewer"),
        "outsider": outsider,
    }


@pytest.fixture
def add_action(client):
    """POST an action through the API as the signed-in user; returns the response JSON."""

    def add(project, owner, title="Fix the dispatch list", due="2026-03-20", kind="corrective", status=201):
        response = client.post(
            f"/api/v1/projects/{project.id}/actions",
            json={"title": title, "type": kind, "owner_id": owner.id, "due_date": due},
        )
        assert response.status_code == status, response.get_json()
        return response.get_json()

    return add
