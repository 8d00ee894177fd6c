"""Page views (issue 12): app CPU and SQL statements per render of the pages leadership reads, and per
revalidation (If-None-Match answered 304), in one process, against a baseline revision in the same run.

It loads the demo organisation into a fresh database (SQLite in a temporary folder, or the PostgreSQL
database of ``--database-url``, which it WIPES), signs in as the demo viewer and opens the dashboard,
a project page, its FMEA, the complaint list and the Pareto ``-n`` times each, in English and in
Persian, with the test client (no HTTP, no compression: the app's own CPU). With ``--baseline REV``
the same measurement runs first on that revision (a temporary git worktree with the same .venv), and
the table gives the ratio. Figures are CPU milliseconds (process time); take the load average printed
beside them into account.

Run::

    .venv/bin/python bench/pages_bench.py --baseline 8ec40e3 \\
        --database-url postgresql://postgres@127.0.0.1:5432/wb_pages --redis-url redis://127.0.0.1:6379/8
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PAGES = ("dashboard", "project", "fmea", "complaints", "pareto")

MEASURE = r'''
import json, os, re, sys, time
from sqlalchemy import event, select, text
from workbench import create_app
from workbench.extensions import db

app = create_app({"WTF_CSRF_ENABLED": True})
n = int(sys.argv[1])
statements = [0]
with app.app_context():
    project = db.session.execute(text("SELECT min(id) FROM projects")).scalar()
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))
urls = {"dashboard": "/dashboard", "project": f"/projects/{project}", "fmea": f"/projects/{project}/fmea",
        "complaints": "/complaints", "pareto": "/complaints/analysis"}
found = {}
for lang in ("en", "fa"):
    with app.app_context():
        db.session.execute(text("UPDATE users SET locale = :l WHERE email = 'viewer@demo.example'"), {"l": lang})
        db.session.commit()
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"email": "viewer@demo.example", "password": "demo-password", "csrf_token": token}).status_code == 302
    for name, url in urls.items():
        first = client.get(url)
        assert first.status_code == 200, (url, first.status_code)
        statements[0] = 0
        client.get(url)
        sql = statements[0]
        started = time.process_time()
        for _ in range(n):
            client.get(url)
        render = (time.process_time() - started) / n * 1000
        etag, again, again_sql = first.headers.get("ETag"), None, None
        if etag:
            statements[0] = 0
            assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
            again_sql = statements[0]
            started = time.process_time()
            for _ in range(n):
                client.get(url, headers={"If-None-Match": etag})
            again = (time.process_time() - started) / n * 1000
        found[f"{name} {lang}"] = {"render": render, "sql": sql, "304": again, "304_sql": again_sql}
print(json.dumps(found))
'''


def prepare(tree: Path, env: dict) -> None:
    """Empty the database, migrate it and load the demo with the code of ``tree``."""
    url = env["DATABASE_URL"]
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
    if env.get("REDIS_URL"):
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    for args in (["db", "upgrade"], ["demo"]):
        subprocess.run([str(PYTHON), "-m", "flask", "--app", "wsgi", *args], cwd=tree, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure(tree: Path, env: dict, n: int) -> dict:
    prepare(tree, env)
    out = subprocess.run([str(PYTHON), "-c", MEASURE, str(n)], cwd=tree, env={**env, "PYTHONPATH": str(tree)},
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", help="a git revision to measure first, in a temporary worktree")
    parser.add_argument("-n", type=int, default=40, help="renders per page and language")
    parser.add_argument("--database-url", default=os.environ.get("PAGES_BENCH_DATABASE_URL"),
                        help="PostgreSQL database to WIPE and use (default: SQLite in a temporary folder)")
    parser.add_argument("--redis-url", default=os.environ.get("PAGES_BENCH_REDIS_URL"), help="Redis database to flush and use")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    env = {**os.environ, "SECRET_KEY": "pages-bench", "COMPRESS_RESPONSES": "0",
           "DATABASE_URL": args.database_url or f"sqlite:///{folder / 'bench.sqlite'}"}
    env.pop("REDIS_URL", None)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    print(f"pages bench: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {env['DATABASE_URL']}, "
          f"Redis {args.redis_url or 'none'}, {args.n} renders per page and language")
    results = {}
    if args.baseline:
        base = folder / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), args.baseline], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            subprocess.run([str(PYTHON), "scripts/compile_translations.py"], cwd=base, check=True, stdout=subprocess.DEVNULL)
            results["baseline"] = measure(base, env, args.n)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    results["now"] = measure(ROOT, env, args.n)
    print(f"{'page':<16}{'baseline ms':>12}{'SQL':>5}{'now ms':>9}{'SQL':>5}{'× baseline':>11}{'304 ms':>9}{'SQL':>5}{'× render':>11}")
    for key, now in results["now"].items():
        base = results.get("baseline", {}).get(key)
        before = f"{base['render']:12.2f}{base['sql']:5d}" if base else f"{'':12}{'':5}"
        ratio = f"{now['render'] / base['render']:11.2f}" if base else f"{'':11}"
        again = (f"{now['304']:9.2f}{now['304_sql']:5d}{now['304'] / now['render']:11.2f}" if now["304"] is not None
                 else f"{'—':>9}{'':5}{'':11}")
        print(f"{key:<16}{before}{now['render']:9.2f}{now['sql']:5d}{ratio}{again}")
    total = {k: sum(r["render"] for r in v.values()) for k, v in results.items()}
    if "baseline" in total:
        print(f"all pages: {total['baseline']:.1f} -> {total['now']:.1f} ms per round ({total['now'] / total['baseline']:.2f}×); "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    sys.exit(main())
