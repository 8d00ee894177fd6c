"""List pages run a fixed number of queries, however many rows they show (no N+1)."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from workbench.demo import DEMO_PASSWORD


@contextmanager
def counting(db):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _grow(db, demo, n):
    """n more projects, actions, FMEA rows and causes on the noise team's side."""
    from workbench.actions import services as actions
    from workbench.fishbone import services as fishbone
    from workbench.fmea import services as fmea
    from workbench.teams.services import save_project

    project = demo["project"]
    diagram = fishbone.diagram_of(project)
    for i in range(n):
        save_project(None, demo["qm"], {"title": f"Extra {i}", "team_id": project.team_id, "process_owner": "sales"})
        actions.save_action(None, project, {"title": f"Action {i}", "type": "corrective", "owner_id": demo["insider"].id,
                                            "due_date": date.today() - timedelta(days=3)})
        fmea.create_row(project, {"failure_mode": f"Mode {i}", "severity": 7, "occurrence": 4, "detection": 3,
                                  "responsible_id": demo["insider"].id})
        fishbone.add_cause(diagram, demo["insider"], {"category_id": diagram.categories[i % 3].id, "text": f"Cause {i}"})
    db.session.commit()


def _pages(pid):
    return ["/", "/projects", "/teams", "/dashboard", "/notifications", f"/projects/{pid}", f"/projects/{pid}/actions",
            f"/projects/{pid}/fmea", f"/projects/{pid}/fishbone", f"/projects/{pid}/trace", f"/projects/{pid}/lifecycle",
            f"/projects/{pid}/effectiveness", "/api/v1/projects", "/api/v1/teams", f"/api/v1/projects/{pid}/actions",
            f"/api/v1/projects/{pid}/fmea/rows", f"/api/v1/projects/{pid}/fishbone", "/api/v1/dashboard"]


def _counts(client, db, pid):
    counts = {}
    for url in _pages(pid):
        with counting(db) as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(statements)
    return counts


@pytest.mark.parametrize("who", ["insider", "qm"])
def test_list_pages_do_not_query_per_row(client, login, db, demo, who):
    login(demo[who], DEMO_PASSWORD)
    pid = demo["ids"]["project_id"]
    first = _counts(client, db, pid)  # also warms caches (translations, settings)
    before = _counts(client, db, pid)
    _grow(db, demo, 12)
    # Renderings are cached per revision: the first visit after a change builds (compare with the
    # first visit before), later visits read the cache (compare with the second).
    first_after = _counts(client, db, pid)
    after = _counts(client, db, pid)
    grown = {url: (first[url], first_after[url]) for url in first if first_after[url] > first[url] + 2}
    grown |= {url: (before[url], after[url]) for url in before if after[url] > before[url] + 2}
    assert grown == {}
