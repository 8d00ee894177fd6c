"""Load bench (issue 12): the production set-up (``make serve``: gunicorn on PostgreSQL and Redis)
under people in fishbone meetings and leadership readers, driven by locust (bench/load_locustfile.py).

It WIPES the PostgreSQL database and the Redis database it is given, loads the demo organisation
and, for the editors, teams of five with a project and a fishbone each (15 causes), then starts
``make serve`` on 127.0.0.1 and runs locust headless against it, bounded in time. Statistics are
taken once every user has signed in (sign-ins are not measured). For each number of users it prints
throughput, p50/p95/p99 per endpoint and the errors; ``--search`` tries growing numbers and names
the largest whose p95 (all requests) stays under 500 ms. The baseline in the same run is the first
(smallest) step. The app server's CPU per request counts the gunicorn workers and the programs
they ran (graphviz). ``--profile`` runs every gunicorn worker under cProfile during the measured
seconds (bench/load_profiler.py) and prints the CPU per kind of request and where the time went;
the profiler slows the workers, so take throughput and p95 from a run without it.

Run::

    LOAD_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/wb_load \\
    LOAD_BENCH_REDIS_URL=redis://127.0.0.1:6379/6 \\
    .venv/bin/python bench/load_bench.py --users 70 --editors 20 --users 1000

Everything stays on 127.0.0.1; each locust run stops by itself after ``--ramp`` + ``--duration``.
Load figures taken while other heavy processes share the cores are pessimistic: the load average
at the start and end of each run is printed beside the figures.
"""

import argparse
import csv
import io
import json
import os
import pstats
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PASSWORD = "bench-load-password"
TEAM_SIZE = 5
P95_LIMIT_MS = 500


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reset_stores(database_url: str, redis_url: str | None) -> None:
    """Empty the bench's PostgreSQL schema and Redis database."""
    import psycopg

    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()


def flask(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare(env: dict, editors: int, viewers: int, plan_path: Path) -> dict:
    """Migrate, load the demo, then add the bench's people, teams, projects and fishbones."""
    flask(env, "db", "upgrade")
    flask(env, "demo")
    code = f"""
import json, random, sys
from sqlalchemy import select
from workbench import create_app
from workbench.audit import acting_as
from workbench.extensions import db
from workbench.models import User
from workbench.teams.models import ImprovementProject
from workbench.teams.services import save_project, save_team
from workbench.fishbone import services as fishbone

editors, viewers, size = {editors}, {viewers}, {TEAM_SIZE}
app = create_app()
random.seed(12)
with app.app_context(), acting_as("bench"):
    probe = User(email="probe@bench.example", name="probe")
    probe.set_password({PASSWORD!r})
    hashed = probe.password_hash
    qm = db.session.scalar(select(User).where(User.email == "qm@demo.example"))
    people = []
    for n in range(editors):
        user = User(email=f"editor{{n}}@bench.example", name=f"Editor {{n}}", role="member",
                    locale="fa" if n % 2 else "en", password_hash=hashed)
        db.session.add(user); people.append(user)
    readers = []
    for n in range(viewers):
        user = User(email=f"viewer{{n}}@bench.example", name=f"Viewer {{n}}", role="viewer",
                    locale="fa" if n % 2 else "en", password_hash=hashed)
        db.session.add(user); readers.append(user.email)
    db.session.flush()
    plan = {{"password": {PASSWORD!r}, "editors": [], "viewers": readers}}
    for start in range(0, editors, size):
        members = people[start:start + size]
        if len(members) < 2:
            members = people[start - 1:start + 1]
        team = save_team(None, f"Meeting team {{start // size + 1}}", members[0].id,
                         [{{"user_id": m.id, "role": "customer_affairs" if i == 0 else "process_expert",
                            **({{}} if i == 0 else {{"process_owner": "production"}})}} for i, m in enumerate(members)])
        db.session.flush()
        project = save_project(None, qm, {{"title": f"Meeting project {{start // size + 1}}", "team_id": team.id,
                                           "process_owner": "production", "problem_statement": "Late deliveries"}})
        db.session.flush()
        diagram = fishbone.create_diagram(project, template="6m", locale="en")
        db.session.flush()
        categories = [c.id for c in diagram.categories]
        for k in range(15):
            fishbone.add_cause(diagram, members[0], {{"text": f"Seed cause {{k}}", "category_id": categories[k % len(categories)]}})
        for m in people[start:start + size]:
            plan["editors"].append({{"email": m.email, "project": project.id, "categories": categories}})
    db.session.commit()
    plan["projects"] = list(db.session.scalars(select(ImprovementProject.id)))
    json.dump(plan, open(sys.argv[1], "w"))
"""
    subprocess.run([str(BIN / "python"), "-c", code, str(plan_path)], cwd=ROOT, env=env, check=True)
    return json.loads(plan_path.read_text())


def start_server(env: dict, port: int, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "w")
    server = subprocess.Popen(["make", "-s", "serve", f"SERVE_PORT={port}"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 180
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"make serve stopped (exit {server.returncode}); see {log_path}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
            return server
        except OSError:
            time.sleep(1)
    stop_server(server)
    raise SystemExit(f"make serve did not answer within 180 s; see {log_path}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def worker_pids(server: subprocess.Popen) -> list[int]:
    """The gunicorn worker processes of the server we started (children of its arbiter)."""
    out = subprocess.run(["ps", "-o", "pid=,ppid=,args=", "-g", str(server.pid)], capture_output=True, text=True).stdout
    rows = [line.split(None, 2) for line in out.splitlines() if line.strip()]
    # The make recipe's shell names gunicorn too: only Python processes running bin/gunicorn count.
    gunicorns = {pid: ppid for pid, ppid, args in rows
                 if args.split()[0].rsplit("/", 1)[-1].startswith("python") and "bin/gunicorn" in args}
    arbiters = {pid for pid, ppid in gunicorns.items() if ppid not in gunicorns}
    return [int(pid) for pid, ppid in gunicorns.items() if ppid in arbiters]


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time used so far by these processes, the children they waited for and
    the children still running (graphviz), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", ",".join(map(str, pids))], capture_output=True, text=True).stdout.split()
    for pid in pids + [int(c) for c in children]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        except (OSError, IndexError, ValueError):
            pass
    return total / ticks


def run_locust(host: str, plan_path: Path, editors: int, viewers: int, ramp: int, duration: int,
               out: Path, workers: list[int], profile: bool) -> dict:
    users = editors + viewers
    prefix = out / f"u{users}"
    grace = 10  # sign-ins still running at the end of the ramp finish before measuring starts
    measure_at = time.time() + ramp + grace
    marker = out / f"measuring-{users}"
    env = {**os.environ, "LOAD_BENCH_PLAN": str(plan_path), "LOAD_BENCH_EDITORS": str(editors),
           "LOAD_BENCH_VIEWERS": str(viewers), "LOAD_BENCH_MEASURE_AT": str(measure_at),
           "LOAD_BENCH_MEASURE_FILE": str(marker), "LOAD_BENCH_DURATION": str(duration)}
    spawn_rate = max(1.0, users / ramp)
    # Locust stops itself after the measured seconds; -t only bounds a run whose sign-ins never end.
    command = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "load_locustfile.py"), "--headless",
               "--host", host, "-u", str(users), "-r", f"{spawn_rate:.2f}", "-t", f"{ramp + grace + 300 + duration + 30}s",
               "--csv", str(prefix), "--only-summary", "--stop-timeout", "5",
               "--exit-code-on-error", "0", "--loglevel", "WARNING"]
    locust = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(out / f"locust-{users}.log", "w"))
    while not marker.exists() and locust.poll() is None:
        time.sleep(0.2)
    before, cpu_before, started = load_average(), cpu_seconds(workers), time.time()
    if profile:
        (out / "label").write_text(f"u{users}")  # the workers profile the measured part of the run only
    locust.wait(timeout=ramp + grace + 300 + duration + 120)
    cpu, elapsed = cpu_seconds(workers) - cpu_before, time.time() - started
    if profile:
        (out / "label").write_text("")
    return {"stats": read_stats(Path(f"{prefix}_stats.csv")), "failures": read_failures(Path(f"{prefix}_failures.csv")),
            "load_before": before, "load_after": load_average(), "elapsed": elapsed, "cpu": cpu}


def read_stats(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def read_failures(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def print_run(editors: int, viewers: int, result: dict) -> dict:
    rows = result["stats"]
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(f"\n== {editors + viewers} users ({editors} editors, {viewers} viewers); load average "
          f"{result['load_before']} -> {result['load_after']}")
    print(f"{'endpoint':<18}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}  (ms)")
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        if row["Name"] in ("sign in", "sign in page"):
            continue
        name = "ALL" if row["Name"] == "Aggregated" else row["Name"]
        print(f"{name:<18}{row['Request Count']:>9}{row['Failure Count']:>8}{float(row['Requests/s']):>8.1f}"
              f"{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}")
    for failure in result["failures"][:10]:
        print(f"   error: {failure.get('Method')} {failure.get('Name')}: {failure.get('Error')} ×{failure.get('Occurrences')}")
    p95 = float(total["95%"])
    requests = int(total["Request Count"])
    cpu_ms = 1000 * result["cpu"] / requests if requests else 0.0
    summary = {"users": editors + viewers, "throughput": float(total["Requests/s"]), "p95": p95, "cpu_ms": cpu_ms,
               "errors": int(total["Failure Count"]), "ok": p95 < P95_LIMIT_MS and int(total["Failure Count"]) == 0}
    print(f"throughput {summary['throughput']:.1f} req/s, p95 {p95:.0f} ms, errors {summary['errors']}: "
          f"{'p95 under' if summary['ok'] else 'NOT under'} {P95_LIMIT_MS} ms without errors; "
          f"app server CPU {cpu_ms:.1f} ms per request ({result['cpu']:.0f} CPU s in {result['elapsed']:.0f} s)")
    return summary


def print_profile(out: Path, users: int, top: int = 25) -> None:
    """What the workers gathered under cProfile during one run: CPU per kind of request, then functions."""
    label = f"u{users}"
    totals: dict[str, list[float]] = {}
    for path in sorted(out.glob(f"endpoints-{label}-*.json")):
        for name, (count, cpu, wall) in json.loads(path.read_text()).items():
            row = totals.setdefault(name, [0, 0.0, 0.0])
            row[0] += count
            row[1] += cpu
            row[2] += wall
    paths = sorted(out.glob(f"profile-{label}-*.pstats"))
    if not totals or not paths:
        print(f"profile of {users} users: nothing gathered")
        return
    all_cpu = sum(r[1] for r in totals.values())
    print(f"\nprofile of {users} users (under cProfile, slower than without): thread CPU of the requests per kind")
    print(f"{'request':<58}{'count':>7}{'CPU ms':>8}{'wall ms':>9}{'CPU share':>10}")
    for name, (count, cpu, wall) in sorted(totals.items(), key=lambda kv: -kv[1][1])[:top]:
        print(f"{name[:57]:<58}{count:>7}{1000 * cpu / count:>8.1f}{1000 * wall / count:>9.1f}{100 * cpu / all_cpu:>9.0f}%")
    stats = pstats.Stats(*[str(p) for p in paths], stream=io.StringIO())
    stats.total_tt = stats.total_tt or 1e-9
    rows = []
    for (filename, line, function), (_cc, calls, own, inclusive, _callers) in stats.stats.items():
        rows.append((own, inclusive, calls, _short(filename, line, function)))
    print(f"  own time (of {stats.total_tt:.1f} profiled s):")
    for own, _inclusive, calls, name in sorted(rows, reverse=True)[:top]:
        print(f"    {100 * own / stats.total_tt:5.1f}%  {calls:>8}  {name}")
    print("  inclusive (workbench code):")
    shown = [r for r in sorted(rows, key=lambda r: -r[1]) if "workbench/" in r[3]][:top]
    for _own, inclusive, calls, name in shown:
        print(f"    {100 * inclusive / stats.total_tt:5.1f}%  {calls:>8}  {name}")


def _short(filename: str, line: int, function: str) -> str:
    for marker in ("site-packages/", "/lib/python3"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
    filename = filename.replace(str(ROOT) + "/", "")
    return f"{function} ({filename}:{line})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, action="append", help="simultaneous users (repeat for several runs); default 70")
    parser.add_argument("--editors", type=int, action="append",
                        help="editors among them, per --users in order (default: one in five, as 200 of 1,000 in the issue)")
    parser.add_argument("--search", action="store_true", help="also grow the users (×1.5) until p95 reaches 500 ms or errors appear")
    parser.add_argument("--max-users", type=int, default=2000, help="the search stops here")
    parser.add_argument("--ramp", type=int, default=0,
                        help="seconds to start and sign in all users, not measured (default: 10 sign-ins a second, at least 20 s)")
    parser.add_argument("--duration", type=int, default=60, help="measured seconds per run")
    parser.add_argument("--profile", action="store_true",
                        help="run the gunicorn workers under cProfile and print where their time went (slows them)")
    parser.add_argument("--database-url", default=os.environ.get("LOAD_BENCH_DATABASE_URL"),
                        help="PostgreSQL database to WIPE and use (or LOAD_BENCH_DATABASE_URL)")
    parser.add_argument("--redis-url", default=os.environ.get("LOAD_BENCH_REDIS_URL"),
                        help="Redis database to WIPE and use (or LOAD_BENCH_REDIS_URL); without it the set-up runs without Redis")
    parser.add_argument("--keep", action="store_true", help="keep the data of a previous run (no wipe, no demo)")
    args = parser.parse_args()
    if not (args.database_url or "").startswith(("postgresql://", "postgres://")):
        print("load_bench: skipped. It wipes and uses a PostgreSQL database: set LOAD_BENCH_DATABASE_URL "
              "(and LOAD_BENCH_REDIS_URL) or pass --database-url.")
        return
    steps = args.users or [70]
    shares = args.editors or []
    runs = [(users, shares[i] if i < len(shares) else max(1, users // 5)) for i, users in enumerate(steps)]
    largest_editors = max(e for _u, e in runs) if not args.search else max(max(e for _u, e in runs), args.max_users // 5)
    largest_viewers = max(u - e for u, e in runs) if not args.search else max(max(u - e for u, e in runs), args.max_users)

    out = Path(tempfile.mkdtemp(prefix="load-bench-"))
    plan_path = out / "plan.json"
    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_DEBUG", "HUEY_IMMEDIATE")}
    # Plain HTTP on 127.0.0.1: cookies must not be HTTPS-only here.
    env.update(SESSION_COOKIE_SECURE="0", REMEMBER_COOKIE_SECURE="0")
    env.update(DATABASE_URL=args.database_url, SECRET_KEY=env.get("SECRET_KEY") or "load-bench-secret-" + os.urandom(8).hex())
    if args.profile:
        env["WORKBENCH_PROFILE_DIR"] = str(out)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    print(f"load bench: {os.cpu_count()} cores, load average {load_average()}, PostgreSQL {args.database_url}, "
          f"Redis {args.redis_url or 'none'}; output in {out}")
    if not args.keep:
        reset_stores(args.database_url, args.redis_url)
        started = time.time()
        plan = prepare(env, largest_editors, largest_viewers, plan_path)
        print(f"prepared {len(plan['editors'])} editors in {len(plan['editors']) // TEAM_SIZE} meeting projects, "
              f"{len(plan['viewers'])} viewers, {len(plan['projects'])} projects in {time.time() - started:.0f} s")
    port = free_port()
    server = start_server(env, port, out / "server.log")
    host = f"http://127.0.0.1:{port}"
    summaries = []
    try:
        expected = int(env.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) + 1)
        deadline = time.time() + 120
        while len(workers := worker_pids(server)) < expected and time.time() < deadline:
            time.sleep(1)
        print(f"make serve: gunicorn with {len(workers)} workers on {host}")
        queue = list(runs)
        while queue:
            users, editors = queue.pop(0)
            ramp = args.ramp or max(20, users // 10)
            result = run_locust(host, plan_path, editors, users - editors, ramp, args.duration, out, workers, args.profile)
            summary = print_run(editors, users - editors, result)
            summaries.append(summary)
            if args.search and not queue and summary["ok"] and users < args.max_users:
                bigger = min(args.max_users, int(users * 1.5))
                queue.append((bigger, max(1, bigger // 5)))
    finally:
        stop_server(server)
    if args.profile:  # the workers write the last run's profile when they stop
        for s in summaries:
            print_profile(out, s["users"])
    baseline = summaries[0]
    print("\nusers  req/s   p95 ms  errors  CPU ms/request  (p95 × the first run's)")
    for s in summaries:
        print(f"{s['users']:>5} {s['throughput']:>7.1f} {s['p95']:>8.0f} {s['errors']:>7} {s['cpu_ms']:>14.1f}  "
              f"×{s['p95'] / max(baseline['p95'], 1):.1f}")
    passing = [s["users"] for s in summaries if s["ok"]]
    print(f"largest number of users with p95 < {P95_LIMIT_MS} ms and no errors: {max(passing) if passing else 'none of those tried'}")


if __name__ == "__main__":
    sys.exit(main())
