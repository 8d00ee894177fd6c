import pytest

from workbench.teams.models import Team
from workbench.teams.services import save_team
from workbench.validation import InvalidInput


def _members(users):
    return [{"user_id": u.id, "role": "customer_affairs" if i == 0 else "process_expert"} for i, u in enumerate(users)]


@pytest.mark.parametrize("size", [2, 6])
def test_teams_of_two_to_six_are_accepted(db, make_user, owners, size):
    users = [make_user() for _ in range(size)]
    team = save_team(None, "Delivery", users[0].id, _members(users))
    db.session.commit()
    assert len(team.memberships) == size


@pytest.mark.parametrize("size", [1, 7])
def test_teams_of_one_or_seven_are_refused_with_a_clear_message(db, make_user, owners, size):
    users = [make_user() for _ in range(size)]
    with pytest.raises(InvalidInput) as error:
        save_team(None, "Delivery", users[0].id, _members(users))
    assert f"this one has {size}" in error.value.errors["members"]
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Team.id))) == 0


def test_api_team_size_rule(client, make_user, login, owners):
    qm = make_user(role="quality_manager")
    login(qm)
    users = [make_user() for _ in range(7)]
    for size, status in ((1, 400), (7, 400), (2, 201), (6, 201)):
        body = {"name": f"T{size}", "leader_id": users[0].id, "members": _members(users[:size])}
        response = client.post("/api/v1/teams", json=body)
        assert response.status_code == status, (size, response.get_json())
        if status == 400:
            assert "members" in response.get_json()["errors"]


def test_form_team_size_rule(client, make_user, login, owners):
    admin = make_user(role="admin")
    login(admin)
    users = [make_user() for _ in range(7)]
    data = {"name": "Form team", "leader_id": str(users[0].id), "members-0-user_id": str(users[0].id), "members-0-role": "customer_affairs"}
    response = client.post("/teams/new", data=data)
    assert response.status_code == 400
    assert "A team has 2 to 6 members; this one has 1." in response.get_data(as_text=True)
    data.update({"members-1-user_id": str(users[1].id), "members-1-role": "process_expert", "members-1-process_owner": "quality"})
    response = client.post("/teams/new", data=data)
    assert response.status_code == 302
    team = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Form team" in team and users[1].name in team


def test_leader_must_be_a_member(db, make_user, owners):
    users = [make_user() for _ in range(3)]
    with pytest.raises(InvalidInput) as error:
        save_team(None, "X", users[2].id, _members(users[:2]))
    assert "leader" in error.value.errors["leader_id"]


def test_unknown_member_role_is_named(db, make_user, owners):
    users = [make_user() for _ in range(2)]
    with pytest.raises(InvalidInput) as error:
        save_team(None, "X", users[0].id, [{"user_id": users[0].id, "role": "boss"}, {"user_id": users[1].id}])
    assert "Member 1" in error.value.errors["members"]


def test_members_only_by_quality_manager_or_admin_via_api(client, make_user, login, owners):
    member = make_user()
    login(member)
    others = [make_user() for _ in range(2)]
    response = client.post("/api/v1/teams", json={"name": "N", "leader_id": others[0].id, "members": _members(others)})
    assert response.status_code == 403


def test_user_text_is_escaped_in_pages(client, make_user, login, make_team, make_project):
    team = make_team(name="<script>alert(1)</script>")
    make_project(team=team, title="</td><img src=x onerror=alert(1)>")
    login(make_user(role="quality_manager"))
    for url in ("/teams", "/projects", "/"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page or "&lt;/td&gt;" in page


def test_project_form_prefilled_from_a_theme_link_and_saved(client, login, make_team, db):
    team = make_team()
    login(team.memberships[0].user)
    page = client.get("/projects/new?title=Late%20deliveries&process_owner=sales&problem_statement=35%25").get_data(as_text=True)
    assert 'value="Late deliveries"' in page and "35%" in page
    response = client.post("/projects/new", data={"title": "Late deliveries", "team_id": str(team.id), "process_owner": "sales", "problem_statement": "35%"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Late deliveries" in page and "35%" in page
    response = client.post("/projects/new", data={"title": "", "team_id": str(team.id)})
    assert response.status_code == 400


def test_target_date_typed_in_jalali_with_persian_digits(client, login, make_team, db):
    from workbench.teams.models import ImprovementProject

    team = make_team()
    login(team.memberships[0].user)
    data = {"title": "Jalali", "team_id": str(team.id), "target_date": "۱۴۰۳/۰۵/۱۲"}
    assert client.post("/projects/new", data=data).status_code == 302
    project = db.session.scalar(db.select(ImprovementProject).where(ImprovementProject.title == "Jalali"))
    assert project.target_date.isoformat() == "2024-08-02"
    bad = client.post("/projects/new", data={**data, "target_date": "1403/13/40"})
    assert bad.status_code == 400 and "1403/13/40" in bad.get_data(as_text=True)
    edit = client.get(f"/projects/{project.id}/edit?lang=fa").get_data(as_text=True)
    assert 'value="۱۴۰۳/۰۵/۱۲"' in edit  # in Persian digits, as the page writes dates
    assert client.post(f"/projects/{project.id}/edit", data={**data, "version": str(project.version), "target_date": "1403/05/13"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ImprovementProject, project.id).target_date.isoformat() == "2024-08-03"  # Latin digits still read
    edit = client.get(f"/projects/{project.id}/edit?lang=en").get_data(as_text=True)
    assert 'value="2024-08-03"' in edit
