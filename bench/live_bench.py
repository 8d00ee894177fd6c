"""What a change costs the server per open fishbone page, in CPU, without the noise of a load test.

In one process (SQLite, and Redis when ``LIVE_BENCH_REDIS_URL`` names a database to use), a page
of a 60-cause fishbone polls its watch address. Figures are CPU milliseconds per request through
the app's WSGI callable (the HTTP server's own share is not counted), renderings already cached:

- a 304 poll (nothing changed): the baseline;
- a change, as the page takes it now: one poll answered with the diagram and its SVG;
- a change, as the page took it before: the poll's bare revision, then the diagram JSON, then
  the SVG (three requests);
- drawing the SVG once for a new revision (graphviz kept running, and a neato run alone).

Run: ``.venv/bin/python bench/live_bench.py``
"""

import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from workbench import create_app  # noqa: E402
from workbench.extensions import db  # noqa: E402

PASSWORD = "bench-live-password"


def cpu_ms(fn, repeat: int) -> float:
    """CPU milliseconds per call of ``fn`` (process time: other processes' load does not count)."""
    fn()
    start = time.process_time()
    for _ in range(repeat):
        fn()
    return 1000 * (time.process_time() - start) / repeat


def prepare(app) -> tuple[str, int]:
    """A team of two, a project with a 60-cause fishbone; the leader's email and the project."""
    from workbench.audit import acting_as
    from workbench.fishbone import services
    from workbench.models import User
    from workbench.process_owners import ensure_default_process_owners
    from workbench.teams.services import save_project, save_team

    with app.app_context(), acting_as("bench"):
        upgrade()
        ensure_default_process_owners()
        people = []
        for n in range(2):
            user = User(email=f"live{n}@example.org", name=f"Live {n}", role="member", locale="en")
            user.set_password(PASSWORD)
            db.session.add(user)
            people.append(user)
        db.session.flush()
        team = save_team(None, "Live team", people[0].id, [{"user_id": u.id, "role": "process_expert"} for u in people])
        db.session.flush()
        project = save_project(None, people[0], {"title": "Live", "team_id": team.id, "problem_statement": "Late deliveries"})
        db.session.flush()
        diagram = services.create_diagram(project, "6m", "en")
        for n in range(60):
            services.add_cause(diagram, people[0], {"text": f"cause {n} late supplier route", "category_id": diagram.categories[n % 6].id})
        db.session.commit()
        return people[0].email, project.id


def main() -> None:
    folder = tempfile.mkdtemp(prefix="live-bench-")
    config = {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(folder, "bench.sqlite"),
              "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False, "RENDER_CACHE_FOLDER": os.path.join(folder, "cache")}
    redis_url = os.environ.get("LIVE_BENCH_REDIS_URL")
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        config["REDIS_URL"] = redis_url
    app = create_app(config)
    email, project_id = prepare(app)
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    page = client.get(f"/projects/{project_id}/fishbone").get_data(as_text=True)
    watch = re.search(r'data-live="([^"]+)"', page).group(1).replace("&amp;", "&")
    # The project's FMEA page watches the same revision with a bare token (answered with the revision only), as
    # the fishbone page did before.
    fmea = client.get(f"/projects/{project_id}/fmea").get_data(as_text=True)
    bare = re.search(r'"live":\{"url":"([^"]+)"', fmea).group(1)
    cookie = f"session={client.get_cookie('session').value}"
    # As a browser: the compressed answer's ETag ("7:br") is what the page sends back.
    etag = client.get(watch, headers={"Accept-Encoding": "gzip, deflate, br"}).headers["ETag"]

    def request(path: str, **headers) -> str:
        environ = EnvironBuilder(path=path, headers={"Cookie": cookie, "Accept-Encoding": "gzip, deflate, br", **headers}).get_environ()
        seen = []
        body = app(environ, lambda status, _headers, _exc=None: seen.append(status))
        b"".join(body)
        getattr(body, "close", lambda: None)()
        return seen[0]

    assert request(watch, **{"If-None-Match": etag}).startswith("304")
    unchanged = cpu_ms(lambda: request(watch, **{"If-None-Match": etag}), 2000)
    stale = '"1"'  # a page that has not seen the last change: answered 200
    now = cpu_ms(lambda: request(watch, **{"If-None-Match": stale}), 300)
    assert request(bare, **{"If-None-Match": stale}).startswith("200")
    before = cpu_ms(lambda: (request(bare, **{"If-None-Match": stale}),
                             request(f"/api/v1/projects/{project_id}/fishbone"),
                             request(f"/projects/{project_id}/fishbone.svg", **{"If-None-Match": stale})), 300)
    print(f"Live bench: one open fishbone page, 60 causes, revisions in {'Redis' if redis_url else 'the database'}")
    print(f"{'poll, nothing changed (304), baseline':<58}{unchanged:7.2f} ms CPU")
    print(f"{'a change, now: one poll answered with diagram and SVG':<58}{now:7.2f} ms CPU   ×{now / unchanged:.1f} baseline")
    print(f"{'a change, before: poll + diagram JSON + SVG (3 requests)':<58}{before:7.2f} ms CPU   ×{before / unchanged:.1f} baseline")

    from workbench.fishbone import render, services
    from workbench.teams.models import ImprovementProject

    with app.test_request_context("/"):
        diagram = services.diagram_of(db.session.get(ImprovementProject, project_id))
        dot_resident = _graphviz_cpu(lambda: render.draw(diagram, "svg"))
        resident, render._RESIDENT["svg"] = render._RESIDENT["svg"], None
        try:
            dot_alone = _graphviz_cpu(lambda: render.draw(diagram, "svg"))
        finally:
            render._RESIDENT["svg"] = resident
    print(f"{'SVG of a new revision, graphviz kept running':<58}{dot_resident:7.2f} ms CPU (app and graphviz)")
    print(f"{'SVG of a new revision, a neato run of its own':<58}{dot_alone:7.2f} ms CPU   ×{dot_alone / dot_resident:.1f}")


def _graphviz_cpu(draw, repeat: int = 20) -> float:
    """CPU ms per drawing: this process, plus the graphviz it ran (waited for, or kept running)."""
    import resource

    from workbench.fishbone import render

    def graphviz_now() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        total = children.ru_utime + children.ru_stime
        resident = render._RESIDENT.get("svg")
        if resident is not None and resident.process is not None:
            fields = Path(f"/proc/{resident.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    draw()
    start_self, start_children = time.process_time(), graphviz_now()
    for _ in range(repeat):
        draw()
    return 1000 * ((time.process_time() - start_self) + (graphviz_now() - start_children)) / repeat


if __name__ == "__main__":
    main()
