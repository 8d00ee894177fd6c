"""A project follows its problem through later theme builds: the complaints imported since, that a new
build puts with the project's own, join the set its effectiveness check measures; nothing else does."""

from datetime import date, timedelta

from sqlalchemy import func, insert, select, update

from workbench.complaint_import import themes
from workbench.complaint_import.models import Complaint, Theme
from workbench.complaint_import.textnorm import normalise
from workbench.teams import theme_link
from workbench.teams.models import ImprovementProject, ProjectComplaint

TODAY = date.today()


def _add(db, texts: list[str], days_ago: int, prefix: str, theme_id=None) -> list[int]:
    """Complaints with these texts, received ``days_ago`` days ago; returns their ids (in insertion order)."""
    first = db.session.scalar(select(func.coalesce(func.max(Complaint.id), 0)))
    db.session.execute(insert(Complaint), [
        {"source": "crm", "external_id": f"{prefix}-{n}", "received_at": TODAY - timedelta(days=days_ago), "text": text,
         "text_norm": normalise(text), "theme_id": theme_id}
        for n, text in enumerate(texts)
    ])
    db.session.commit()
    return list(db.session.scalars(select(Complaint.id).where(Complaint.id > first).order_by(Complaint.id)))


def _linked(db, project_id) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(ProjectComplaint.complaint_id).where(ProjectComplaint.project_id == project_id)))


def _theme_of(db, complaint_id) -> int:
    db.session.expire_all()
    return db.session.get(Complaint, complaint_id).theme_id


COLD = ["غذا کاملا سرد رسید سفارش شماره {n}", "the food arrived cold again, order {n}"]
LATE = ["my parcel arrived two weeks late, tracking {n}"]
RUDE = ["the courier was rude and shouted at me, ticket {n}"]


def _texts(patterns, numbers):
    return [p.format(n=n) for n in numbers for p in patterns]


def test_a_later_import_and_theme_build_adds_the_new_complaints_of_the_projects_problem_only(client, login, make_team, db):
    cold = _add(db, _texts(COLD, range(20)), 150, "cold")
    late = _add(db, _texts(LATE, range(30)), 150, "late")
    assert themes.rebuild() >= 2
    db.session.commit()
    cold_theme, late_theme = _theme_of(db, cold[0]), _theme_of(db, late[0])
    assert {_theme_of(db, c) for c in cold} == {cold_theme} and cold_theme != late_theme

    team = make_team()
    login(team.memberships[0].user)
    for theme_id, title in ((cold_theme, "Food arrives cold"), (late_theme, "Late parcels")):
        created = client.post(f"/themes/{theme_id}/project", data={"title": title, "team_id": str(team.id), "process_owner": "service"})
        assert created.status_code == 302, created.get_data(as_text=True)
    project, closed = db.session.scalars(select(ImprovementProject).order_by(ImprovementProject.id)).all()
    assert _linked(db, project.id) == set(cold) and _linked(db, closed.id) == set(late)
    db.session.execute(update(ImprovementProject).where(ImprovementProject.id == closed.id).values(stage="closed"))
    db.session.commit()

    # The next month's export: the same two problems in new words and numbers, and a new one.
    cold_new = _add(db, _texts(COLD, range(100, 110)), 10, "cold2")
    late_new = _add(db, _texts(LATE, range(100, 110)), 10, "late2")
    rude_new = _add(db, _texts(RUDE, range(30)), 10, "rude")
    assert themes.rebuild() >= 3
    db.session.commit()
    assert _theme_of(db, cold_new[0]) == _theme_of(db, cold[0]) != _theme_of(db, rude_new[0])

    assert _linked(db, project.id) == set(cold) | set(cold_new)  # the new cold-food complaints, nothing else
    assert _linked(db, closed.id) == set(late)  # a closed project keeps the set it was closed on
    assert not _linked(db, project.id) & (set(late_new) | set(rude_new))
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "60 linked complaints (20 of them from later imports)" in page
    # The team sees where its problem went, and the new theme's card says a project already works on it.
    successor = db.session.get(Theme, _theme_of(db, cold_new[0]))
    assert "replaced by a newer theme build" in page and f"now followed in: «\u2068{successor.name_in('en')[:40]}" in page
    cards = client.get("/complaints/themes").get_data(as_text=True)
    following = theme_link.following_themes(db.session.get(ImprovementProject, project.id))
    assert successor in following and all(t.active for t in following)
    assert cards.count("Project: \u2068Food arrives cold\u2069 (follows its problem into this theme)") == len(following)
    assert "Project: Late parcels (follows" not in cards  # a closed project follows nothing
    assert f'href="/projects/{project.id}"' in cards
    listed = client.get(f"/complaints?project={project.id}&per_page=100").get_data(as_text=True)
    assert "order 105" in listed and "tracking" not in listed

    # The project's first theme is retired: its page no longer offers to start a project that would link nothing.
    retired = db.session.get(Theme, cold_theme)
    assert retired is not None and not retired.active
    before = db.session.scalar(select(func.count(ImprovementProject.id)))
    refused = client.post(f"/themes/{cold_theme}/project", data={"title": "Again", "team_id": str(team.id), "process_owner": "service"})
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/complaints/themes")
    assert "replaced by a newer theme build" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count(ImprovementProject.id))) == before


def _theme(db, name) -> int:
    theme = Theme(name=name, size=0)
    db.session.add(theme)
    db.session.commit()
    return theme.id


def _put(db, ids, theme_id) -> None:
    db.session.execute(update(Complaint).where(Complaint.id.in_(ids)).values(theme_id=theme_id))
    db.session.commit()


def test_a_theme_that_merged_the_problem_into_a_bigger_one_brings_nothing(make_project, db):
    other = _add(db, [f"other old {n}" for n in range(6)], 120, "other")
    mine = _add(db, [f"mine {n}" for n in range(4)], 100, "mine")
    split = _add(db, [f"split {n}" for n in range(6)], 100, "split")
    first, second = _theme(db, "mine"), _theme(db, "split")
    _put(db, mine, first)
    _put(db, split, second)
    merged_project, split_project = make_project(title="Merged"), make_project(title="Split")
    theme_link.link_theme(merged_project, first)
    theme_link.link_theme(split_project, second)
    db.session.commit()

    newer = _add(db, [f"newer {n}" for n in range(9)], 5, "newer")
    # The new build: "mine" went into a theme where 6 older complaints were not the project's (4 of 10): a
    # bigger problem; "split" split in two halves of 3, each with new complaints; 2 of them stay alone.
    big, half_a, half_b = _theme(db, "big"), _theme(db, "half a"), _theme(db, "half b")
    _put(db, other + mine + newer[:3], big)
    _put(db, split[:3] + newer[3:5], half_a)
    _put(db, split[3:] + newer[5:7], half_b)

    taken = theme_link.follow_themes()
    db.session.commit()
    assert taken == {split_project.id: 4}
    assert _linked(db, merged_project.id) == set(mine)
    assert _linked(db, split_project.id) == set(split) | set(newer[3:7])
    # Run again (another build with the same answer): nothing is linked twice.
    assert theme_link.follow_themes() == {}
    assert _linked(db, split_project.id) == set(split) | set(newer[3:7])


def test_a_retired_theme_cannot_be_chosen_for_a_project(client, login, make_project, db):
    ids = _add(db, [f"retired {n}" for n in range(3)], 30, "ret")
    theme_id = _theme(db, "retired")
    _put(db, ids, theme_id)
    db.session.execute(update(Theme).where(Theme.id == theme_id).values(active=False))
    db.session.commit()
    project = make_project()
    login(db.session.get(type(project.leader), project.leader_id))
    data = {"title": project.title, "team_id": str(project.team_id), "process_owner": "sales", "theme_id": str(theme_id),
            "version": str(project.version)}
    refused = client.post(f"/projects/{project.id}/edit", data=data)
    assert refused.status_code == 400 and "replaced by a newer theme build" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ImprovementProject, project.id).theme_id is None and _linked(db, project.id) == set()
