"""Fishbone speed: a 300-cause diagram rendered to SVG, and add-cause round trips through the API.

Targets (issue 4): SVG in at most 150 ms server time, add-cause round trip in at most 50 ms.
Baselines measured in the same run: an empty diagram rendered to SVG, and GET of the
cheap "changed since" endpoint (the floor of any API round trip here).
Run: ``.venv/bin/python bench/fishbone_bench.py``
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from workbench import create_app  # noqa: E402
from workbench.extensions import db  # noqa: E402


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, times: list[float], target: float | None = None, baseline: float | None = None) -> None:
    median = statistics.median(times)
    line = f"{name:<44} median {median:7.1f} ms   p90 {sorted(times)[int(len(times) * 0.9) - 1]:7.1f} ms"
    if target is not None:
        line += f"   target ≤{target:.0f} ms {'OK' if median <= target else 'MISSED'}"
    if baseline:
        line += f"   ×{median / baseline:.1f} baseline"
    print(line)


def main() -> None:
    folder = tempfile.mkdtemp(prefix="fishbone-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or "sqlite:///" + os.path.join(folder, "bench.sqlite")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        from workbench.fishbone import render, services
        from workbench.models import User
        from workbench.process_owners import ensure_default_process_owners
        from workbench.teams.services import save_project, save_team

        ensure_default_process_owners()
        users = []
        for n in range(3):
            user = User(email=f"bench{n}@example.org", name=f"Bench {n}", role="member")
            user.set_password("bench-password")
            db.session.add(user)
            users.append(user)
        db.session.flush()
        team = save_team(None, "Bench team", users[0].id, [{"user_id": u.id, "role": "process_expert"} for u in users])
        db.session.flush()
        project = save_project(None, users[0], {"title": "Bench", "team_id": team.id, "problem_statement": "Late deliveries"})
        empty_project = save_project(None, users[0], {"title": "Empty", "team_id": team.id})
        db.session.flush()
        diagram = services.create_diagram(project, "custom", "en", categories=[f"Category {n}" for n in range(8)])
        empty = services.create_diagram(empty_project, "6m", "en")
        rng = random.Random(4)
        words = "supplier late driver route warehouse stock planning forecast customer call تأخیر راننده انبار برنامه‌ریزی".split()
        pool = {c.id: [] for c in diagram.categories}
        for n in range(300):
            category = diagram.categories[n % 8]
            parent = rng.choice(pool[category.id]) if pool[category.id] and rng.random() < 0.6 else (None, 1)
            text = " ".join(rng.choice(words) for _ in range(rng.randint(2, 12)))
            cause = services.add_cause(diagram, users[0], {"text": text, "category_id": category.id, "parent_id": parent[0]})
            if parent[1] < 3:
                pool[category.id].append((cause.id, parent[1] + 1))
        db.session.commit()
        print("Fishbone bench: 8 categories, 300 causes (3 levels), database:", url.split(":")[0])
        from workbench.fishbone import layout

        def cold():
            layout.MEASURED.clear()  # every label measured by pango again, as after a restart
            render.draw(diagram, "svg")

        render.draw(diagram, "svg")  # warm fontconfig caches
        cold_svg = timed(cold, 7)
        base_svg = timed(lambda: render.draw(empty, "svg"), 15)
        big_svg = timed(lambda: render.draw(diagram, "svg"), 15)
        report("SVG, empty 6M diagram (baseline)", base_svg)
        report("SVG, 300 causes (labels measured before)", big_svg, 150, statistics.median(base_svg))
        report("SVG, 300 causes, every label measured anew", cold_svg, 150, statistics.median(base_svg))
        report("PNG, 300 causes (for reference)", timed(lambda: render.draw(diagram, "png"), 5))
        email, project_id, category_id = users[0].email, project.id, diagram.categories[0].id
        db.session.remove()

        client = app.test_client()
        client.post("/login", data={"email": email, "password": "bench-password"})
        poll_url = f"/api/v1/projects/{project_id}/fishbone/changes?since=1"
        base_api = timed(lambda: client.get(poll_url), 50)
        counter = iter(range(10_000))

        def add():
            response = client.post(f"/api/v1/projects/{project_id}/fishbone/causes", json={"text": f"bench cause {next(counter)}", "category_id": category_id})
            assert response.status_code == 201, response.get_data(as_text=True)

        adds = timed(add, 50)
        report("GET changes-since poll (baseline)", base_api)
        report("POST add cause, round trip through the API", adds, 50, statistics.median(base_api))


if __name__ == "__main__":
    main()
