"""Dashboard and complaint-analysis server time with 2,000 projects, 20,000 actions and 1,000,000 complaints.

Run: ``python bench/dashboard_bench.py`` (SQLite in a temporary folder) or with
``BENCH_DATABASE_URL=postgresql://...`` (the database is emptied first). Goal: ≤ 200 ms for the
dashboard; the complaint-analysis page (Pareto and monthly trend of one dimension) and the Pareto and
trend API, for every dimension, all time and one year: well under a second.
The complaints spread over two years, four owners and unclassified, five categories and none,
60 products, six channels and none, 40 themes and none.
Prints the median of repeated requests and the ratio to a baseline request
(``GET /api/v1/me``) measured in the same run, and the load average.
``--keep FILE`` (SQLite) keeps the database in FILE and ``--reuse`` times it again without building
(on PostgreSQL the database is kept anyway): the same data before and after a change.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402

PROJECTS, ACTIONS, COMPLAINTS, TEAMS, THEMES = 2_000, 20_000, 1_000_000, 40, 40
REPEAT = 15


def build(app):
    from flask_migrate import upgrade

    from workbench.actions.models import CorrectiveAction, EffectivenessCheck
    from workbench.complaint_import.models import Complaint, Theme
    from workbench.complaint_import.search_index import BulkIndexing
    from workbench.extensions import db
    from workbench.models import User
    from workbench.process_owners import ensure_default_process_owners, list_process_owners
    from workbench.teams.models import STAGES, ImprovementProject, Team, TeamMembership

    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.session.commit()
    upgrade()
    ensure_default_process_owners()
    viewer = User(email="viewer@bench.example", name="Viewer", role="viewer")
    viewer.set_password("bench-password")
    db.session.add(viewer)
    db.session.commit()
    owners = [o.id for o in list_process_owners()]
    rng = random.Random(1)
    now = datetime.now(UTC)
    today = date.today()
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    db.session.execute(insert(User), [{"email": f"u{i}@bench.example", "name": f"User {i}", "role": "member", "locale": "en",
                                       "active": True, "password_hash": "", "session_token": f"tok{i}", **stamp} for i in range(TEAMS * 3)])
    user_ids = [u for (u,) in db.session.execute(text("SELECT id FROM users WHERE email LIKE 'u%@bench.example' ORDER BY id"))]
    db.session.execute(insert(Team), [{"name": f"Team {t}", "leader_id": user_ids[3 * t], **stamp} for t in range(TEAMS)])
    team_ids = [t for (t,) in db.session.execute(text("SELECT id FROM teams ORDER BY id"))]
    db.session.execute(insert(TeamMembership), [{"team_id": team_ids[t], "user_id": user_ids[3 * t + k], "role": "process_expert", **stamp}
                                                for t in range(TEAMS) for k in range(3)])
    projects = []
    for p in range(PROJECTS):
        stage = rng.choice(STAGES)
        started = today - timedelta(days=rng.randrange(20, 400))
        closed = datetime.combine(started + timedelta(days=rng.randrange(10, 19)), datetime.min.time(), tzinfo=UTC) if stage == "closed" else None
        t = rng.randrange(TEAMS)
        projects.append({"title": f"Project {p}", "problem_statement": "", "team_id": team_ids[t], "process_owner_id": rng.choice(owners),
                         "leader_id": user_ids[3 * t], "stage": stage, "started_on": started, "closed_at": closed, **stamp})
    db.session.execute(insert(ImprovementProject), projects)
    rows = list(db.session.execute(text("SELECT id, team_id, stage FROM projects ORDER BY id")))
    actions = []
    for a in range(ACTIONS):
        pid, team_id, stage = rows[rng.randrange(PROJECTS)]
        due = today + timedelta(days=rng.randrange(-120, 60))
        status = rng.choice(("open", "in_progress", "done", "verified", "reopened"))
        done = due + timedelta(days=rng.randrange(-10, 10)) if status in ("done", "verified") else None
        actions.append({"project_id": pid, "title": f"Action {a}", "type": "corrective", "owner_id": user_ids[3 * team_ids.index(team_id)],
                        "due_date": due, "status": status, "completed_on": done, "evidence_text": "",
                        **stamp, "created_at": now - timedelta(days=rng.randrange(0, 150))})
    db.session.execute(insert(CorrectiveAction), actions)
    checks = [{"project_id": pid, "criteria": "bench", "actions_on": today - timedelta(days=90), "check_date": today,
               "before_count": rng.randrange(20, 80), "after_count": rng.randrange(0, 40), "p_value": 0.01, "measured_at": now,
               "decision": "accepted", "decision_note": "", **stamp} for pid, _t, stage in rows if stage == "closed"]
    db.session.execute(insert(EffectivenessCheck), checks)
    db.session.commit()
    start = today - timedelta(days=730)
    batch = []
    db.session.execute(insert(Theme), [{"name": f"Theme {t}", "terms": [], "size": 0, "recent": 0, "previous": 0, "active": True,
                                        "mix": {}, "example_ids": [], **stamp} for t in range(THEMES)])
    theme_ids = [t for (t,) in db.session.execute(text("SELECT id FROM themes ORDER BY id"))]
    categories = [None, "product_quality", "delivery_speed", "price", "warranty", "responsiveness"]
    channels = [None, "phone", "email", "sms", "web", "chat", "in_person"]
    indexing = BulkIndexing(COMPLAINTS)  # SQLite: the search index written once at the end, as a big import does
    indexing.pause()
    for n in range(COMPLAINTS):
        batch.append({"source": "bench", "external_id": str(n), "received_at": start + timedelta(days=n % 730), "text": "late",
                      "product": f"W-{rng.randrange(60)}", "channel": rng.choice(channels), "theme_id": rng.choice([None, *theme_ids]),
                      "process_owner_id": rng.choice([None, *owners]), "category": rng.choice(categories), **stamp})
        if len(batch) == 50_000 or n == COMPLAINTS - 1:
            db.session.execute(insert(Complaint), batch)
            batch = []
    indexing.resume()
    db.session.commit()
    # Fresh statistics, as autovacuum / a nightly ANALYZE keeps them in production.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return viewer


def timed(client, url, repeat=REPEAT):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main():
    global COMPLAINTS  # noqa: PLW0603
    from workbench import create_app

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", help="SQLite: keep the database in this file")
    parser.add_argument("--reuse", action="store_true", help="time the database already built (with --keep, or BENCH_DATABASE_URL)")
    parser.add_argument("--complaints", type=int, default=COMPLAINTS)
    args = parser.parse_args()
    COMPLAINTS = args.complaints
    url = os.environ.get("BENCH_DATABASE_URL")
    folder = tempfile.mkdtemp(prefix="dashboard-bench-")
    url = url or f"sqlite:///{args.keep or folder + '/bench.sqlite'}"
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        t0 = time.perf_counter()
        if args.reuse:
            from workbench.extensions import db
            from workbench.models import User

            email = db.session.scalar(select(User.email).where(User.email == "viewer@bench.example"))
        else:
            email = build(app).email
            print(f"built {PROJECTS} projects, {ACTIONS} actions, {COMPLAINTS} complaints in {time.perf_counter() - t0:.1f} s")
        print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}; load average {os.getloadavg()[0]:.1f}")
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": "bench-password"}).status_code == 302
    timed(client, "/api/v1/dashboard", 2)  # warm caches
    baseline = timed(client, "/api/v1/me")
    api = timed(client, "/api/v1/dashboard")
    filtered = timed(client, "/api/v1/dashboard?owner_id=1&from=2025-01-01&to=2026-12-31")
    page = timed(client, "/dashboard")
    print(f"baseline GET /api/v1/me            {baseline:8.1f} ms")
    print(f"GET /api/v1/dashboard               {api:8.1f} ms  ({api / baseline:.1f}x baseline)  goal <= 200 ms: {'met' if api <= 200 else 'MISSED'}")
    print(f"GET /api/v1/dashboard (filtered)    {filtered:8.1f} ms  ({filtered / baseline:.1f}x baseline)")
    print(f"GET /dashboard (HTML page)          {page:8.1f} ms  ({page / baseline:.1f}x baseline)")
    year = f"from={date.today() - timedelta(days=365)}&to={date.today()}"
    slowest = 0.0
    for by in ("process_owner", "category", "theme", "product", "channel"):
        for period in ("", year):
            for url in (f"/complaints/analysis?by={by}&{period}", f"/api/v1/complaints/pareto?by={by}&{period}",
                        f"/api/v1/complaints/trend?by={by}&{period}"):
                ms = timed(client, url, 5)
                slowest = max(slowest, ms)
                print(f"GET {url:<80} {ms:8.1f} ms  ({ms / baseline:.1f}x baseline)")
    print(f"slowest complaint-analysis request {slowest:.0f} ms (goal: well under 1,000 ms); load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
