"""Recurring themes within each owner, and starting an improvement project from one."""

import re

from sqlalchemy import func, select

from workbench import progress
from workbench.audit import acting_as
from workbench.complaint_import import themes
from workbench.complaint_import.models import Complaint, Theme
from workbench.models import ProcessOwner, User
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
    all_themes = themes.current_themes()
    assert len(all_themes) == count
    texts = set(db.session.scalars(select(Complaint.text)))
    for theme in all_themes:
        assert theme.name in texts or theme.name.rstrip("…") in " ".join(texts)  # named by a real complaint
        assert db.session.scalar(select(func.count(Complaint.id)).where(Complaint.theme_id == theme.id)) == theme.size >= themes.MIN_THEME
        assert sum(theme.mix["owners"].values()) == theme.size == sum(theme.mix["categories"].values())
        assert len(themes.examples(theme)) == 3
    themed = db.session.scalar(select(func.count(Complaint.id)).where(Complaint.theme_id.is_not(None)))
    assert themed == sum(t.size for t in all_themes) and themed >= 400


def _complaints(db, texts: list[str], owner=None, category=None, prefix="t"):
    from datetime import date

    from sqlalchemy import insert

    from workbench.complaint_import.textnorm import normalise

    start = db.session.scalar(select(func.count(Complaint.id)))
    db.session.execute(insert(Complaint), [
        {"source": "test", "external_id": f"{prefix}-{start + n}", "received_at": date(2026, 1, 1), "text": text,
         "text_norm": normalise(text), "process_owner_id": owner, "category": category}
        for n, text in enumerate(texts)
    ])
    db.session.commit()


def test_themes_include_unclassified_complaints_in_persian_and_english(db):
    cold_fa = [f"غذا کاملا سرد رسید سفارش شماره {n}" for n in range(30)]
    late_en = [f"my parcel arrived two weeks late, order {n}" for n in range(30)]
    card_en = [f"credit report shows incorrect information on account {n}" for n in range(30)]
    _complaints(db, cold_fa, prefix="fa")  # no owner, no category: unclassified
    _complaints(db, late_en, prefix="en")
    _complaints(db, card_en, prefix="cr")
    assert themes.rebuild() >= 3
    db.session.commit()
    by_text = dict(db.session.execute(select(Complaint.text, Complaint.theme_id)).all())
    for group in (cold_fa, late_en, card_en):
        assert len({by_text[t] for t in group}) == 1 and by_text[group[0]] is not None  # each problem is one theme
    assert len({by_text[cold_fa[0]], by_text[late_en[0]], by_text[card_en[0]]}) == 3
    persian = db.session.get(Theme, by_text[cold_fa[0]])
    assert persian.name.startswith("غذا کاملا سرد رسید") and persian.mix["owners"] == {"": 30}
    # The themes page shows the unclassified theme with its typical complaints.


def test_a_new_build_keeps_the_theme_a_project_points_to(db, make_project):
    _complaints(db, [f"the courier was rude to me, order {n}" for n in range(20)] + [f"refund never arrived for order {n}" for n in range(20)])
    themes.rebuild()
    db.session.commit()
    theme = themes.current_themes()[0]
    project = make_project(theme_id=theme.id)
    themes.rebuild()
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Theme, theme.id)
    assert kept is not None and not kept.active and db.session.get(ImprovementProject, project.id).theme_id == theme.id
    assert all(t.active for t in themes.current_themes()) and kept not in themes.current_themes()


def test_a_second_build_moves_every_complaint_to_a_current_theme_with_exact_counts(db):
    _complaints(db, [f"the courier was rude to me, order {n}" for n in range(40)] + [f"refund never arrived for order {n}" for n in range(40)])
    themes.rebuild()
    db.session.commit()
    first = {t.id for t in themes.current_themes()}
    _complaints(db, [f"the fridge is leaking water, ticket {n}" for n in range(40)], prefix="n")
    themes.rebuild()
    db.session.commit()
    current = themes.current_themes()
    assert first.isdisjoint(t.id for t in current) and db.session.scalar(select(func.count(Theme.id))) == len(current)
    counts = dict(db.session.execute(select(Complaint.theme_id, func.count()).group_by(Complaint.theme_id)).all())
    assert counts.pop(None, 0) + sum(counts.values()) == 120
    assert counts == {t.id: t.size for t in current}  # nobody left on a retired theme; sizes are the stored links


def test_start_a_project_from_a_theme_links_its_complaints(client, login, db):
    _demo(db)
    themes.rebuild()
    db.session.commit()
    theme = themes.current_themes()[0]  # the biggest on the themes page (the demo's projects keep their own, retired ones)
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
    assert f"Project: \u2068{theme.name}\u2069" in client.get("/complaints/themes").get_data(as_text=True)


def test_the_demo_builds_themes_a_new_user_sees_with_their_owner_and_category_mix(client, login, db):
    _demo(db)  # no "Find themes again" pressed
    built = themes.current_themes()
    assert built, "the demo leaves themes for a new user"
    login(db.session.scalar(select(User).where(User.email == "qm@demo.example")), password="demo-password")
    page = client.get("/complaints/themes?lang=en").get_data(as_text=True)
    biggest = built[0]
    assert biggest.name in page
    owner_key, owner_count = next(iter(biggest.mix["owners"].items()))
    owner = db.session.scalar(select(ProcessOwner).where(ProcessOwner.key == owner_key)) if owner_key else None
    share = f"{round(100 * owner_count / biggest.size)}%"
    assert "Owners:" in page and "Categories:" in page and f"{owner.name_en if owner else 'Unclassified'} {share}" in page
    assert f"Themes found after the latest import or request: {len(built)}" in page
    # The trend mark beside the last 90 days is one every font has: "=" when nothing changed (a full-width
    # "＝" showed as an empty box), ▲ or ▼ otherwise.
    biggest.recent = biggest.previous = 7
    db.session.commit()
    page = client.get("/complaints/themes?lang=en").get_data(as_text=True)
    assert "last 90 days: 7 (= 7)" in page and "＝" not in page


def test_the_page_shows_how_far_a_theme_build_got(client, login, db, make_user):
    login(make_user(role="quality_manager"))
    themes.mark_queued()
    page = client.get("/complaints/themes").get_data(as_text=True)
    assert "Finding themes: waiting for a worker" in page and "Find themes again" not in page
    progress.write(themes.JOB, "running", done=5000, total=20000)
    page = client.get("/complaints/themes").get_data(as_text=True)
    assert 'value="25"' in page
    assert re.search(r'id="theme-done" data-progress-done>5,?000<', page) and re.search(r'id="theme-total" data-progress-total>20,?000<', page)
    assert client.get("/complaints/themes/progress").get_json() == {"status": "running", "done": 5000, "total": 20000, "percent": 25}
    _complaints(db, [f"the screen of my phone cracked {i}" for i in range(8)])
    themes.rebuild()
    db.session.commit()
    assert client.get("/complaints/themes/progress").get_json()["status"] == "done"
    assert "Find themes again" in client.get("/complaints/themes").get_data(as_text=True)


def test_another_app_server_shows_how_far_the_build_in_the_worker_got(app, db, make_user):
    """Two app servers behind a proxy: the one that did not start the build still shows its progress, then its themes."""
    from workbench import create_app

    user = make_user(role="quality_manager")
    _complaints(db, [f"the screen of my phone cracked {i}" for i in range(10)] + [f"delivery was two weeks late {i}" for i in range(10)])
    keys = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "SERVER_NAME", "PASSWORD_HASH_METHOD")
    other = create_app({k: app.config[k] for k in keys})
    other.test_client_class = app.test_client_class
    client = other.test_client()
    try:
        assert client.post("/login", data={"email": user.email, "password": "correct horse battery"}).status_code == 302
        seen = []
        count = themes.rebuild(lambda done, total: seen.append(client.get("/complaints/themes/progress").get_json()))
        assert seen and seen[-1] == {"status": "running", "done": 20, "total": 20, "percent": 100}
        db.session.commit()
        page = client.get("/complaints/themes").get_data(as_text=True)
        assert count >= 2 and f"Themes found after the latest import or request: {count}" in page
        assert "the screen of my phone cracked" in page
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
