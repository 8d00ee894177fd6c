"""Recurring themes within each owner, and starting an improvement project from one."""

from sqlalchemy import func, select

from workbench.audit import acting_as
from workbench.complaint_import import themes
from workbench.complaint_import.models import Complaint, Theme
from workbench.models import User
from workbench.teams.models import ImprovementProject


def _demo(db):
    from workbench.demo import load_demo

    with acting_as("demo"):
        load_demo(complaints=420)
    db.session.commit()


def test_demo_goes_through_the_import(db):
    _demo(db)
    assert db.session.scalar(select(func.count(Complaint.id))) == 420
    assert db.session.scalar(select(func.count(Complaint.id)).where(Complaint.text_norm.is_(None))) == 0
    assert db.session.scalar(select(func.count(Complaint.id)).where(Complaint.confirmed.is_(True))) == 105


def test_themes_have_readable_names_sizes_and_trend(db):
    _demo(db)
    count = themes.rebuild()
    db.session.commit()
    assert count >= 4
    all_themes = list(db.session.scalars(select(Theme)))
    assert all(t.name and t.size >= themes.MIN_THEME and t.process_owner_id for t in all_themes)
    for theme in all_themes:  # every complaint of a theme belongs to the theme's owner
        owners = set(db.session.scalars(select(Complaint.process_owner_id).where(Complaint.theme_id == theme.id)))
        assert owners == {theme.process_owner_id}
        assert db.session.scalar(select(func.count(Complaint.id)).where(Complaint.theme_id == theme.id)) == theme.size
    names = " ".join(t.name for t in all_themes)
    assert "گارانتی" in names or "warranty" in names


def test_start_a_project_from_a_theme_links_its_complaints(client, login, db):
    _demo(db)
    themes.rebuild()
    db.session.commit()
    theme = db.session.scalar(select(Theme).order_by(Theme.size.desc()))
    user = db.session.scalar(select(User).where(User.email == "john@demo.example"))
    login(user, password="demo-password")
    page = client.get("/complaints/themes").get_data(as_text=True)
    assert theme.name in page and "Start a project from this theme" in page
    response = client.get(f"/complaints/themes/{theme.id}/start")
    assert response.status_code == 302 and "/projects/new?" in response.headers["Location"]
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reduce complaints" in form and f"{theme.size} complaints" in form
    from urllib.parse import parse_qs, urlparse

    query = parse_qs(urlparse(response.headers["Location"]).query)
    from workbench.teams.models import TeamMembership

    team_id = user_team = db.session.scalar(select(TeamMembership.team_id).where(TeamMembership.user_id == user.id))
    created = client.post(
        "/projects/new",
        data={"title": query["title"][0], "problem_statement": query["problem_statement"][0], "team_id": str(user_team), "process_owner": query["process_owner"][0]},
    )
    assert created.status_code == 302, created.get_data(as_text=True)
    project_page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert f"{theme.size} linked complaints" in project_page
    project = db.session.scalar(select(ImprovementProject).where(ImprovementProject.title == query["title"][0]))
    assert project.team_id == team_id
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).project_id == project.id
    assert db.session.scalar(select(func.count(Complaint.id)).where(Complaint.project_id == project.id)) == theme.size
    listed = client.get(f"/complaints?project={project.id}").get_data(as_text=True)
    assert f"({theme.size})" in listed


def test_link_theme_needs_write_access_to_the_project(client, login, make_user, db, make_project):
    _demo(db)
    themes.rebuild()
    db.session.commit()
    theme = db.session.scalar(select(Theme))
    project = make_project()
    outsider = make_user(role="member")
    login(outsider)
    assert client.post(f"/complaints/themes/{theme.id}/link", data={"project_id": project.id}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).project_id is None
