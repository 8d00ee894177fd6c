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
    form = client.get(f"/themes/{theme.id}/project").get_data(as_text=True)
    assert f"{theme.size} complaints about" in form
    from workbench.teams.models import TeamMembership

    team_id = db.session.scalar(select(TeamMembership.team_id).where(TeamMembership.user_id == user.id))
    created = client.post(f"/themes/{theme.id}/project", data={"title": theme.name, "team_id": str(team_id)})
    assert created.status_code == 302, created.get_data(as_text=True)
    project_page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert f"{theme.size} linked complaints" in project_page
    project = db.session.scalar(select(ImprovementProject).where(ImprovementProject.theme_id == theme.id))
    assert project.team_id == team_id and project.title == theme.name
    listed = client.get(f"/complaints?project={project.id}").get_data(as_text=True)
    assert f"({theme.size})" in listed
    assert f"Project: {theme.name}" in client.get("/complaints/themes").get_data(as_text=True)
