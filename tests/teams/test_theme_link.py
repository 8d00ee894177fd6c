"""One theme ↔ project link: chosen from a list, started from a theme with exactly its complaints,
read by every page, and no page view writes."""

import re
from datetime import date, timedelta

from sqlalchemy import func, insert, select

from workbench.audit import acting_as
from workbench.complaint_import.models import Complaint, Theme
from workbench.models import AuditLog
from workbench.teams.models import ImprovementProject, ProjectComplaint

TODAY = date.today()


def _theme(db, name, days_ago: list[int], owner=None, prefix=None):
    """A theme whose complaints were received ``days_ago`` days before today."""
    theme = Theme(name=name, size=len(days_ago), process_owner_id=owner.id if owner else None)
    db.session.add(theme)
    db.session.flush()
    prefix = prefix or f"{name[:10]}-{theme.id}"
    db.session.execute(insert(Complaint), [
        {"source": "crm", "external_id": f"{prefix}-{n}", "received_at": TODAY - timedelta(days=d), "text": f"{name} {n}",
         "theme_id": theme.id, "process_owner_id": owner.id if owner else None}
        for n, d in enumerate(days_ago)
    ])
    db.session.commit()
    return theme


def _linked(db, project_id) -> set[int]:
    return set(db.session.scalars(select(ProjectComplaint.complaint_id).where(ProjectComplaint.project_id == project_id)))


def _of_theme(db, theme_id) -> set[int]:
    return set(db.session.scalars(select(Complaint.id).where(Complaint.theme_id == theme_id)))


def test_start_from_a_theme_links_exactly_its_complaints_with_the_right_counts(client, login, make_team, owners, db):
    # Last 90 days (today included): 0, 10, 89 days ago; the 90 before: 90, 120, 179; 180 and 400 are older.
    days = [0, 10, 89, 90, 120, 179, 180, 400]
    theme = _theme(db, "Food arrives cold", days, owners["service"])
    other = _theme(db, "Rude courier", [1, 2, 3], owners["service"])
    team = make_team()
    login(team.memberships[0].user)
    form = client.get(f"/themes/{theme.id}/project").get_data(as_text=True)
    assert 'value="Food arrives cold"' in form  # the theme's name is the title
    assert "8 complaints about: Food arrives cold" in form
    assert "Last 90 days: 3; the 90 days before: 3." in form
    assert db.session.scalar(select(func.count(ImprovementProject.id))) == 0  # the form wrote nothing
    created = client.post(f"/themes/{theme.id}/project", data={"title": "Food arrives cold", "team_id": str(team.id), "process_owner": "service"})
    assert created.status_code == 302, created.get_data(as_text=True)
    project = db.session.scalar(select(ImprovementProject))
    assert project.theme_id == theme.id and project.team_id == team.id
    assert _linked(db, project.id) == _of_theme(db, theme.id) and len(_of_theme(db, theme.id)) == 8
    assert not _linked(db, project.id) & _of_theme(db, other.id)
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "8 linked complaints" in page and "Theme: \u2068Food arrives cold" in page
    listed = client.get(f"/complaints?project={project.id}").get_data(as_text=True)
    assert "Food arrives cold 7" in listed and "Rude courier" not in listed


def test_no_team_is_preset_when_the_user_has_several(client, login, make_team, make_user, owners, db):
    theme = _theme(db, "Late delivery", [1, 2], owners["service"])
    person, second, third = make_user(), make_user(), make_user()
    first_team = make_team(members=[person, second])
    second_team = make_team(members=[person, third])
    make_team()  # a team the person is not in
    login(person)
    form = client.get(f"/themes/{theme.id}/project").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="(\d*)"[^>]*>', form.split('name="team_id"')[1].split("</select>")[0])
    assert options == ["", str(first_team.id), str(second_team.id)]  # a blank first; only the person's teams
    refused = client.post(f"/themes/{theme.id}/project", data={"title": "Late delivery", "team_id": ""})
    assert refused.status_code == 400 and "Choose the team that owns the project." in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ImprovementProject.id))) == 0
    assert db.session.scalar(select(func.count()).select_from(ProjectComplaint)) == 0


def test_the_only_team_is_the_choice(client, login, make_team, owners, db):
    theme = _theme(db, "Late delivery", [1, 2], owners["service"])
    team = make_team()
    login(team.memberships[1].user)
    form = client.get(f"/themes/{theme.id}/project").get_data(as_text=True)
    select_html = form.split('name="team_id"')[1].split("</select>")[0]
    assert re.findall(r'value="(\d*)"', select_html) == [str(team.id)]


def test_viewers_cannot_start_a_project(client, login, make_user, owners, db):
    theme = _theme(db, "Late delivery", [1, 2], owners["service"])
    login(make_user(role="viewer"))
    assert client.get(f"/themes/{theme.id}/project").status_code == 403
    assert client.post(f"/themes/{theme.id}/project", data={"title": "x"}).status_code == 403
    assert "Start a project from this theme" not in client.get("/complaints/themes").get_data(as_text=True)


def test_the_project_form_picks_the_theme_from_a_list_of_names(client, login, make_project, owners, db):
    cold = _theme(db, "Food arrives cold", [1, 2, 3], owners["service"])
    rude = _theme(db, "Rude courier", [4, 5], owners["service"])
    project = make_project()
    login(db.session.get(type(project.leader), project.leader_id))
    form = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    theme_select = form.split('name="theme_id"')[1].split("</select>")[0]
    assert "Food arrives cold (3 complaints)" in theme_select and "Rude courier (2 complaints)" in theme_select
    assert 'type="number"' not in form.split('name="theme_id"')[0][-200:]
    def version() -> str:
        db.session.expire_all()
        return str(db.session.get(ImprovementProject, project.id).version)

    data = {"title": project.title, "team_id": str(project.team_id), "process_owner": "sales", "theme_id": str(cold.id)}
    assert client.post(f"/projects/{project.id}/edit", data={**data, "version": version()}).status_code == 302
    assert _linked(db, project.id) == _of_theme(db, cold.id)
    # Choosing another theme replaces the linked complaints by exactly the new theme's.
    assert client.post(f"/projects/{project.id}/edit", data={**data, "theme_id": str(rude.id), "version": version()}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ImprovementProject, project.id).theme_id == rude.id
    assert _linked(db, project.id) == _of_theme(db, rude.id)
    # The lifecycle page, the 8D report context and the trace read the same link.
    lifecycle = client.get(f"/api/v1/projects/{project.id}/lifecycle").get_json()
    assert lifecycle["theme_id"] == rude.id
    trace = client.get(f"/api/v1/projects/{project.id}/trace").get_json()
    assert {n["label"] for n in trace["nodes"]} >= {"Theme: Rude courier", "2 complaints"}
    # A number that is no theme is refused, and nothing changes.
    bad = client.post(f"/projects/{project.id}/edit", data={**data, "theme_id": "424242", "version": version()})
    assert bad.status_code == 400 and "No theme with id 424242." in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ImprovementProject, project.id).theme_id == rude.id
    assert _linked(db, project.id) == _of_theme(db, rude.id)
    # "None" unlinks.
    assert client.post(f"/projects/{project.id}/edit", data={**data, "theme_id": "", "version": version()}).status_code == 302
    assert _linked(db, project.id) == set()


def _counts(db) -> dict:
    return {
        table.__tablename__: db.session.scalar(select(func.count()).select_from(table))
        for table in (ImprovementProject, ProjectComplaint, Theme, Complaint, AuditLog)
    }


def test_page_views_write_nothing(client, login, make_team, owners, db):
    theme = _theme(db, "Food arrives cold", [1, 2, 3], owners["service"])
    team = make_team()
    user = team.memberships[0].user
    login(user)
    created = client.post(f"/themes/{theme.id}/project", data={"title": "Food arrives cold", "team_id": str(team.id)})
    project_id = int(created.headers["Location"].rsplit("/", 1)[1])
    with acting_as("test"):
        db.session.commit()
    before = _counts(db)
    linked_before = _linked(db, project_id)
    for url in (f"/projects/{project_id}", "/complaints/themes", f"/themes/{theme.id}/project", f"/projects/{project_id}/edit",
                f"/complaints?project={project_id}", f"/projects/{project_id}/lifecycle", f"/projects/{project_id}/trace",
                f"/api/v1/projects/{project_id}/lifecycle", "/projects/new", f"/projects/{project_id}/report.pdf"):
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        db.session.expire_all()
        assert _counts(db) == before, url
        assert _linked(db, project_id) == linked_before, url


def test_the_project_list_of_complaints_is_scoped(client, login, make_team, make_user, owners, db):
    theme = _theme(db, "Food arrives cold", [1, 2, 3], owners["service"])
    team = make_team()
    login(team.memberships[0].user)
    created = client.post(f"/themes/{theme.id}/project", data={"title": "Food arrives cold", "team_id": str(team.id)})
    project_id = int(created.headers["Location"].rsplit("/", 1)[1])
    client.post("/logout")
    login(make_user(role="member"))
    assert client.get(f"/complaints?project={project_id}").status_code == 404
    assert client.get("/complaints?project=abc").status_code == 400


def _found(response) -> list[str]:
    assert response.status_code == 200
    return [item["text"] for item in response.get_json()["results"]]


def test_the_theme_picker_searches_current_themes_by_name_twenty_at_most(client, login, make_user, owners, db):
    from workbench.complaint_import import themes

    db.session.add_all([Theme(name=f"Cold food {n:02d}", size=n) for n in range(25)])
    db.session.add(Theme(name="غذا سرد رسید", size=4))
    db.session.add(Theme(name="Cold food retired", size=99, active=False))
    db.session.commit()
    assert client.get("/complaints/themes/search.json?q=cold").status_code == 302  # signed-in people only
    login(make_user(role="viewer"))  # as the themes page: everyone signed in
    found = _found(client.get("/complaints/themes/search.json?q=COLD"))
    assert len(found) == themes.SEARCH_LIMIT == 20
    assert found[0] == "Cold food 24 (24 complaints)" and "Cold food retired (99 complaints)" not in found
    assert _found(client.get("/complaints/themes/search.json?q=سرد")) == ["غذا سرد رسید (4 complaints)"]
    db.session.add(Theme(name="Food arrived cold", size=5, mix={"names": {"fa": "غذا یخ کرده بود"}}))
    db.session.commit()
    client.post("/logout")
    login(make_user(locale="fa"))  # a theme is also found, and named, by its name in the page's language
    assert _found(client.get("/complaints/themes/search.json?q=یخ کرده")) == ["غذا یخ کرده بود (۵ شکایت)"]
    assert _found(client.get("/complaints/themes/search.json?q=")) == []
    assert _found(client.get("/complaints/themes/search.json?q=%25_")) == []  # wildcards are searched for, not used


def test_the_project_form_renders_the_biggest_themes_and_its_own_the_picker_finds_the_rest(client, login, make_project, db):
    from workbench.teams import theme_link

    many = [Theme(name=f"Theme {n:03d}", size=1000 - n) for n in range(theme_link.INLINE_THEMES + 30)]
    db.session.add_all(many)
    db.session.commit()
    small = many[-1]
    project = make_project()
    login(db.session.get(type(project.leader), project.leader_id))
    form = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    theme_select = form.split('name="theme_id"')[0].rsplit("<select", 1)[1] + form.split('name="theme_id"')[1].split("</select>")[0]
    assert theme_select.count("<option") == theme_link.INLINE_THEMES + 1  # "None" and the biggest
    assert 'data-picker-url="/complaints/themes/search.json"' in theme_select
    assert f'value="{small.id}"' not in theme_select
    data = {"title": project.title, "team_id": str(project.team_id), "process_owner": "", "theme_id": str(small.id),
            "version": str(project.version)}
    assert client.post(f"/projects/{project.id}/edit", data=data).status_code == 302  # picked by search, saved
    db.session.expire_all()
    assert db.session.get(ImprovementProject, project.id).theme_id == small.id
    form = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{small.id}">Theme {small.name[-3:]} (' in form  # the project's own theme is offered
