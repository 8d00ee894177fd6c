"""A member of team A never sees team B's records: pages, API and lists."""

import pytest


@pytest.fixture
def two_teams(make_team, make_project):
    team_a, team_b = make_team(name="A"), make_team(name="B")
    return team_a, team_b, make_project(team=team_a, title="Project A"), make_project(team=team_b, title="Project B")


def _member_of(team, db):
    from workbench.models import User

    return db.session.get(User, team.memberships[1].user_id)


def test_member_of_a_cannot_open_b_pages(client, login, db, two_teams):
    team_a, team_b, project_a, project_b = two_teams
    login(_member_of(team_a, db))
    assert client.get(f"/projects/{project_a.id}").status_code == 200
    assert client.get(f"/projects/{project_b.id}").status_code == 404
    assert client.get(f"/teams/{team_b.id}").status_code == 404
    assert client.get(f"/projects/{project_b.id}/edit").status_code == 404
    listing = client.get("/projects").get_data(as_text=True)
    assert "Project A" in listing and "Project B" not in listing


def test_member_of_a_cannot_reach_b_through_the_api(client, login, db, two_teams):
    team_a, team_b, project_a, project_b = two_teams
    login(_member_of(team_a, db))
    assert client.get(f"/api/v1/projects/{project_b.id}").status_code == 404
    assert client.patch(f"/api/v1/projects/{project_b.id}", json={"title": "hijack"}).status_code == 404
    assert client.get(f"/api/v1/teams/{team_b.id}").status_code == 404
    titles = [p["title"] for p in client.get("/api/v1/projects").get_json()["items"]]
    assert titles == ["Project A"]
    teams = [t["name"] for t in client.get("/api/v1/teams").get_json()["items"]]
    assert teams == ["A"]
    response = client.post("/api/v1/projects", json={"title": "Sneaky", "team_id": team_b.id})
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["viewer", "quality_manager", "admin"])
def test_leadership_and_quality_see_every_team(client, login, make_user, two_teams, role):
    login(make_user(role=role))
    titles = {p["title"] for p in client.get("/api/v1/projects").get_json()["items"]}
    assert titles == {"Project A", "Project B"}


def test_viewer_reads_but_never_writes(client, login, make_user, two_teams):
    _, _, project_a, _ = two_teams
    login(make_user(role="viewer"))
    assert client.get(f"/projects/{project_a.id}").status_code == 200
    assert client.patch(f"/api/v1/projects/{project_a.id}", json={"title": "x"}).status_code == 403
    assert client.get(f"/projects/{project_a.id}/edit").status_code == 403


def test_members_create_projects_in_their_team_and_edit_them(client, login, db, two_teams):
    team_a, *_ = two_teams
    login(_member_of(team_a, db))
    response = client.post(
        "/api/v1/projects",
        json={"title": "تأخیر در تحویل", "problem_statement": "۳۰٪ شکایت‌ها", "team_id": team_a.id, "process_owner": "sales"},
    )
    assert response.status_code == 201, response.get_json()
    project = response.get_json()
    assert project["process_owner"] == "sales" and project["stage"] == "define" and project["status"] == "open"
    assert project["leader_id"] == team_a.leader_id
    response = client.patch(f"/api/v1/projects/{project['id']}", json={"title": "Late deliveries", "version": project["version"]})
    assert response.status_code == 200
    assert response.get_json()["version"] == project["version"] + 1
    stale = client.patch(f"/api/v1/projects/{project['id']}", json={"title": "Stale", "version": project["version"]})
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["current"]["title"] == "Late deliveries" and body["submitted"]["title"] == "Stale"


def test_project_input_errors_name_the_field(client, login, db, two_teams):
    team_a, *_ = two_teams
    login(_member_of(team_a, db))
    response = client.post("/api/v1/projects", json={"team_id": team_a.id})
    assert response.status_code == 400 and "title" in response.get_json()["errors"]
    response = client.post("/api/v1/projects", json={"title": "x", "team_id": team_a.id, "process_owner": "marketing"})
    assert response.status_code == 400 and "marketing" in response.get_json()["errors"]["process_owner"]
    response = client.post("/api/v1/projects", data="not json", content_type="text/plain")
    assert response.status_code == 400


def test_the_dashboard_reads_the_readers_teams_once(app, client, login, db, two_teams):
    from sqlalchemy import event

    team_a, *_ = two_teams
    login(_member_of(team_a, db))
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731  (conn, cursor, statement, ...)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = client.get("/dashboard")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert page.status_code == 200
    assert sum("from team_memberships" in s.lower() for s in statements) == 1


def test_a_membership_changed_in_a_request_is_seen_in_the_same_request(app, db, two_teams):
    from workbench.teams.access import visible_team_ids
    from workbench.teams.models import TeamMembership

    team_a, team_b, *_ = two_teams
    member = _member_of(team_a, db)
    with app.test_request_context("/"):
        assert visible_team_ids(member) == {team_a.id}
        db.session.add(TeamMembership(team_id=team_b.id, user_id=member.id, role="process_expert"))
        db.session.flush()
        assert visible_team_ids(member) == {team_a.id, team_b.id}
        db.session.delete(db.session.scalar(db.select(TeamMembership).filter_by(team_id=team_a.id, user_id=member.id)))
        db.session.flush()
        assert visible_team_ids(member) == {team_b.id}
        db.session.rollback()
