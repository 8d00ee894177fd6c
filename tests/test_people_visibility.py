"""Members see only the people of their own teams, by name; emails are for admins and quality managers."""


def _ids(response):
    return {u["id"] for u in response.get_json()["items"]}


def test_a_member_lists_only_team_mates_without_emails(client, login, make_user, make_team):
    mine = make_team(size=3)
    other = make_team(size=3)
    stranger = make_user(email="stranger@corp.local")
    me = mine.memberships[1].user
    login(me)
    response = client.get("/api/v1/users")
    assert response.status_code == 200
    assert _ids(response) == {m.user_id for m in mine.memberships}
    for item in response.get_json()["items"]:
        if item["id"] == me.id:
            assert item["email"] == me.email  # one's own account
        else:
            assert "email" not in item and "locale" not in item and item["name"]
    body = response.get_data(as_text=True)
    assert stranger.email not in body and all(m.user.email not in body for m in other.memberships)
    # One user: a team mate by name, anyone else "not found".
    mate = mine.memberships[0].user
    assert client.get(f"/api/v1/users/{mate.id}").get_json() == {"id": mate.id, "name": mate.name, "role": mate.role, "active": True}
    assert client.get(f"/api/v1/users/{stranger.id}").status_code == 404
    assert client.get(f"/api/v1/users/{other.memberships[0].user_id}").status_code == 404


def test_a_member_in_no_team_sees_only_themself(client, login, make_user, make_team):
    make_team()
    loner = make_user()
    login(loner)
    assert _ids(client.get("/api/v1/users")) == {loner.id}


def test_managers_see_everyone_with_emails_and_viewers_without(client, login, make_user, make_team):
    team = make_team()
    stranger = make_user(email="stranger@corp.local")
    for role, emails in (("quality_manager", True), ("admin", True), ("viewer", False)):
        client.post("/logout")
        boss = make_user(role=role)
        login(boss)
        items = client.get("/api/v1/users?per_page=500").get_json()["items"]
        ids = {u["id"] for u in items}
        assert stranger.id in ids and {m.user_id for m in team.memberships} <= ids
        others = [u for u in items if u["id"] != boss.id]
        assert all(("email" in u) is emails for u in others), role


def test_team_form_shows_a_leader_names_but_not_emails(client, login, make_team):
    team = make_team(size=3)
    leader = team.memberships[0].user
    login(leader)
    page = client.get(f"/teams/{team.id}/edit").get_data(as_text=True)
    assert leader.name in page
    assert all(m.user.email not in page for m in team.memberships[1:])


def test_stage_history_names_the_actor_for_members(client, login, make_project, db):
    from workbench.models import User
    from workbench.teams.stages import change_stage

    project = make_project()
    leader = db.session.get(User, project.team.leader_id)
    change_stage(project, leader, "contain")
    db.session.commit()
    member = project.team.memberships[1].user
    login(member)
    changes = client.get(f"/api/v1/projects/{project.id}/lifecycle").get_json()["stage_changes"]
    assert changes[-1]["actor"] == leader.name and changes[-1]["actor_id"] == leader.id
    page = client.get(f"/projects/{project.id}/lifecycle").get_data(as_text=True)
    assert leader.name in page and leader.email not in page
