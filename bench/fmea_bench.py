"""FMEA speed: table page server time and SQL queries at 500 and 5,000 rows; Excel export of 5,000 rows.

Targets (issue 5): a 5,000-row page in at most 300 ms server time with a query count that does not
grow with rows; the Excel export of 5,000 rows in at most 3 s. Prints figures and ratios against the
500-row baseline measured in the same run. Uses a scratch SQLite file unless BENCH_DATABASE_URL is set;
that database's schema is dropped and rebuilt, so point it only at a scratch database.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert, text  # noqa: E402

from workbench import create_app  # noqa: E402
from workbench.extensions import db  # noqa: E402

PASSWORD = "bench-password-1"


def build_app():
    url = os.environ.get("BENCH_DATABASE_URL") or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade

        if url.startswith("postgres"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
    return app


def seed(app):
    from workbench.models import User
    from workbench.process_owners import ensure_default_process_owners
    from workbench.teams.services import save_project, save_team

    with app.app_context():
        ensure_default_process_owners()
        users = []
        for n in range(3):
            user = User(email=f"bench{n}@example.org", name=f"Bench {n}", role="member", locale="en")
            user.set_password(PASSWORD)
            db.session.add(user)
            users.append(user)
        db.session.flush()
        team = save_team(None, "Bench team", users[0].id, [{"user_id": u.id, "role": "process_expert", "process_owner": "production"} for u in users])
        db.session.flush()
        projects = [save_project(None, users[0], {"title": f"Bench {n}", "team_id": team.id}) for n in (500, 5000)]
        db.session.commit()
        return users[0].email, [p.id for p in projects]


def fill(app, project_id: int, count: int) -> None:
    """Insert ``count`` rated rows in one executemany (the bench measures reading, not writing)."""
    from workbench.fmea import services
    from workbench.fmea.models import FmeaRow
    from workbench.fmea.priority import action_priority
    from workbench.teams.models import ImprovementProject

    rng = random.Random(count)
    with app.app_context():
        document = services.ensure_document(db.session.get(ImprovementProject, project_id))
        rows = []
        for n in range(count):
            s, o, d = rng.randint(1, 10), rng.randint(1, 10), rng.randint(1, 10)
            rows.append(
                {
                    "document_id": document.id, "position": n + 1, "process_item": f"Line {n // 200}", "process_step": f"Step {n // 20}",
                    "work_element": f"Element {n // 5}", "work_element_type": "machine", "function": "Keep the part within tolerance",
                    "failure_effect": f"Effect {n % 40}", "severity": s, "failure_mode": f"Mode {n}", "failure_cause": f"Cause {n} «علت»",
                    "prevention_control": "Work instruction", "occurrence": o, "detection_control": "Visual check", "detection": d,
                    "rpn": s * o * d, "action_priority": action_priority(s, o, d), "special_characteristic": "", "filter_code": "",
                    "prevention_action": "Fixture" if n % 3 == 0 else "", "detection_action": "", "action_status": "open", "action_taken": "",
                    "evidence": "", "remarks": "", "version": 1,
                }
            )
        db.session.execute(insert(FmeaRow), rows)
        db.session.commit()


def measure_page(app, client, project_id: int, repeat: int = 5) -> tuple[float, int, int]:
    """Median server time (ms) of GET /projects/<id>/fmea, its SQL query count and response size."""
    counter = {"n": 0}
    with app.app_context():
        engine = db.engine

    def count(*_args, **_kwargs):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    times, queries, size = [], [], 0
    try:
        for _ in range(repeat):
            counter["n"] = 0
            start = time.perf_counter()
            response = client.get(f"/projects/{project_id}/fmea")
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
            queries.append(counter["n"])
            size = len(response.data)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return statistics.median(times), max(queries), size


def measure_export(client, project_id: int, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(f"/projects/{project_id}/fmea.xlsx")
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    return statistics.median(times)


def main() -> int:
    app = build_app()
    email, (small_id, large_id) = seed(app)
    fill(app, small_id, 500)
    fill(app, large_id, 5000)
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    client.get(f"/projects/{small_id}/fmea")  # warm up templates and caches

    small_ms, small_q, small_size = measure_page(app, client, small_id)
    large_ms, large_q, large_size = measure_page(app, client, large_id)
    export_small = measure_export(client, small_id)
    export_large = measure_export(client, large_id)

    print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")
    print(f"page   500 rows: {small_ms:7.1f} ms server time, {small_q} SQL queries, {small_size / 1024:.0f} KiB")
    print(f"page 5,000 rows: {large_ms:7.1f} ms server time, {large_q} SQL queries, {large_size / 1024:.0f} KiB")
    print(f"  ratio 5,000/500: time x{large_ms / small_ms:.1f}, queries x{large_q / small_q:.2f} (rows x10)")
    print(f"xlsx export   500 rows: {export_small:5.2f} s")
    print(f"xlsx export 5,000 rows: {export_large:5.2f} s (ratio x{export_large / export_small:.1f})")
    checks = {
        "page 5,000 rows <= 300 ms": large_ms <= 300,
        "queries do not grow with rows": large_q == small_q,
        "xlsx 5,000 rows <= 3 s": export_large <= 3,
    }
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'MISS'}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
