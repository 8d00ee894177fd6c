"""Complaint import benchmark: the CLI as a user runs it, against both databases, each beside its baseline.

Generates one export of N complaints (default 1,000,000) whose texts are all
different (Persian and English composed from many fragments, order numbers,
amounts, product names and dates), with columns as messy as real exports:
Jalali dates with Persian or Latin digits, an ISO date and other extra
columns, multi-line texts and a few bad rows. Then, in one run:

- SQLite: ``pandas.read_csv`` + ``DataFrame.to_sql`` through a plain
  ``sqlite3`` connection (baseline), then
  ``flask --app wsgi import-complaints FILE --source bench --skip-bad-rows``
  in a subprocess against a scratch SQLite file (goal: at most 3x);
- PostgreSQL: a plain ``COPY`` of the same file into an unindexed table of
  text columns (baseline), then the same CLI against a scratch database
  ``wb_bench_import_<pid>`` that the bench creates and drops (goal: at most 4x).

It prints seconds, ratios and peak RSS (the sum over the process and its
children, sampled every 20 ms; goal under 1 GB). ``DATABASE_URL`` is never
used: the scratch databases are passed to the children explicitly.

    .venv/bin/python bench/import_bench.py [--rows 1000000] [--dates jalali] [--pg postgresql://postgres@127.0.0.1:5432] [--keep] [--reuse FILE]
"""

import argparse
import csv
import hashlib
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# One scratch database per run: two runs side by side on a shared machine must not drop each other's.
PG_DATABASE = f"wb_bench_import_{os.getpid()}"
HEADERS = ["Complaint ID", "Date received", "Description", "Channel", "Product", "Customer", "Region", "Closed on", "Agent"]

OPENINGS_FA = ("سلام،", "با سلام و احترام،", "متاسفانه", "چند بار تماس گرفتم و", "از خرید خود راضی نیستم،", "", "لطفا پیگیری کنید،")
OPENINGS_EN = ("Hello,", "Dear team,", "Unfortunately", "I called several times and", "I am not happy with my purchase:", "", "Please follow up:")
PROBLEMS_FA = (
    "یخچال بعد از {n} هفته صدای زیادی می‌دهد", "درب ماشین لباسشویی درست بسته نمی‌شود", "سفارش شماره {order} با {n} روز تاخیر تحویل شد",
    "مبلغ فاکتور {amount} تومان بیشتر از قیمت اعلام شده بود", "گارانتی دستگاه را قبول نکردند با اینکه تا {date} اعتبار دارد",
    "تلفن پشتیبانی را کسی جواب نمی‌دهد", "کارشناس تعمیر سر وقت نیامد", "دستگاه شکسته و با خط و خش تحویل شد", "کمپرسور بعد از {n} روز از کار افتاد",
    "هزینه ارسال دو بار از حساب من کم شد", "برخورد فروشنده بسیار بد بود", "قطعه {part} ناقص بود", "از آب‌ریزی زیر {product} خسته شدم",
    "رنگ بدنه بعد از {n} ماه پوسته شد", "پیامک تایید سفارش {order} نیامد", "منتظر تماس کارشناس هستم",
)
PROBLEMS_EN = (
    "the {product} compressor is noisy after {n} weeks", "order {order} was delivered {n} days late", "the invoice was {amount} higher than the quote",
    "the warranty claim was rejected although it is valid until {date}", "nobody answers the support hotline", "the technician did not show up on {date}",
    "the unit arrived broken and was obviously not inspected", "the door seal of my {product} leaks", "I was charged twice for shipping",
    "the {part} was missing from the box", "the staff were rude when I called back", "the paint started to rust after {n} months",
    "my refund of {amount} has not arrived", "the {product} stopped working after {n} days", "the delivery date moved {n} times",
)
DETAILS_FA = (
    "این بار {n}ام است که تماس می‌گیرم.", "شماره پیگیری {order} است.", "در تاریخ {date} خرید کردم.", "لطفا سریع‌تر رسیدگی کنید.",
    "از فروشگاه {city} خریدم.", "هنوز هیچ پاسخی نگرفته‌ام.", "مدل دستگاه {product} است.", "",
)
DETAILS_EN = (
    "This is the {n}th time I am calling.", "My ticket number is {order}.", "I bought it on {date}.", "Please handle this faster.",
    "I bought it at the {city} store.", "I still have had no answer.", "The model is {product}.", "",
)
PRODUCTS = ("Refrigerator R-400", "Washing machine W-7", "Gas stove G-5", "Dishwasher D-12", "یخچال ساید بای ساید", "جاروبرقی V-9",
            "Microwave M-3", "کولر گازی AC-18", "Freezer F-200", "ماشین ظرفشویی D-14", "Oven O-60", "تلویزیون T-55")
PARTS = ("shelf", "hose", "remote", "قفسه", "شیلنگ", "کنترل", "filter", "فیلتر", "screw set", "پیچ")
CITIES = ("Tehran", "Shiraz", "Tabriz", "تهران", "اصفهان", "مشهد", "Karaj", "رشت")
CHANNELS = ("phone", "email", "sms", "web", "chat", "in person", "تلفنی", "ایمیل", "حضوری", "وب سایت")
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        n=rng.randrange(2, 40), order=rng.randrange(100000, 9999999), amount=f"{rng.randrange(5, 900) * 1000:,}",
        date=f"{rng.randrange(1401, 1404)}/{rng.randrange(1, 13):02d}/{rng.randrange(1, 30):02d}", product=rng.choice(PRODUCTS),
        part=rng.choice(PARTS), city=rng.choice(CITIES),
    )


def complaint_text(rng: random.Random) -> str:
    """One complaint: 1-4 sentences in Persian, English or both, with numbers, products and dates."""
    persian = rng.random() < 0.6
    openings, problems, details = (OPENINGS_FA, PROBLEMS_FA, DETAILS_FA) if persian else (OPENINGS_EN, PROBLEMS_EN, DETAILS_EN)
    parts = [rng.choice(openings), _fill(rng.choice(problems), rng)]
    for _ in range(rng.randrange(0, 4)):
        parts.append(_fill(rng.choice(problems if rng.random() < 0.4 else details), rng))
    if rng.random() < 0.15:  # mixed: a product code or an English phrase inside a Persian complaint, and the other way round
        parts.append(_fill(rng.choice(PROBLEMS_EN if persian else PROBLEMS_FA), rng))
    text = " ".join(p for p in parts if p)
    if persian and rng.random() < 0.3:
        text = text.translate(FA_DIGITS)
    if rng.random() < 0.05:
        text = text.replace(" ", "\n", 1)  # a quoted line break, as CRM exports have
    return text


DATE_STYLES = ("jalali", "iso-time", "jalali-time")


def _timed_date(number: int, style: str) -> str:
    """Date-heavy columns where nearly every cell differs (each is parsed once)."""
    import jdatetime

    moment = datetime(2023, 1, 1) + timedelta(seconds=number * 61)
    if style == "iso-time":
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return jdatetime.datetime.fromgregorian(datetime=moment).strftime("%Y/%m/%d %H:%M:%S").translate(FA_DIGITS)


def generate(path: Path, rows: int, seed: int = 42, date_style: str = "jalali") -> dict:
    """Write the export; every complaint text differs from every other. Returns counts of what was written."""
    rng = random.Random(seed)
    seen: set[bytes] = set()
    bad = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        batch = []
        for number in range(1, rows + 1):
            while True:
                text = complaint_text(rng)
                digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
                if digest not in seen:
                    seen.add(digest)
                    break
            year, month, day = rng.randrange(1401, 1404), rng.randrange(1, 13), rng.randrange(1, 30)
            received = f"{year}/{month:02d}/{day:02d}"
            if rng.random() < 0.3:
                received = received.translate(FA_DIGITS)
            if date_style != "jalali":
                received = _timed_date(number, date_style)
            external_id = f"C-{number:07d}"
            if number % 5000 == 17:  # a few bad rows: impossible date, formula, over-long ID
                bad += 1
                kind = number // 5000 % 3
                if kind == 0:
                    received = f"{year}/13/{day:02d}"
                elif kind == 1:
                    text = "=HYPERLINK(\"http://example.org\")"
                else:
                    external_id = "X" * 130
            closed = f"20{rng.randrange(22, 25)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}" if rng.random() < 0.7 else ""
            batch.append((external_id, received, text, rng.choice(CHANNELS), rng.choice(PRODUCTS), f"Customer {rng.randrange(1, 200000)}",
                          f"R{rng.randrange(1, 30)}", closed, rng.choice(("", "Sara", "John", "مریم", "علی"))))
            if len(batch) >= 10000:
                writer.writerows(batch)
                batch.clear()
        writer.writerows(batch)
    return {"rows": rows, "bad": bad, "distinct_texts": len(seen)}


class PeakMemory:
    """Samples the RSS of a process and all its descendants (from /proc) and keeps the largest sum."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _tree(pid: int) -> list[int]:
        found, todo = [], [pid]
        while todo:
            current = todo.pop()
            found.append(current)
            try:
                for task in os.listdir(f"/proc/{current}/task"):
                    with open(f"/proc/{current}/task/{task}/children") as handle:
                        todo.extend(int(c) for c in handle.read().split())
            except OSError:
                continue
        return found

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(self._rss(p) for p in self._tree(self.pid)))
            self._stop.wait(0.02)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(command: list[str], env: dict | None = None) -> tuple[float, float, str, float]:
    """Run a command; (seconds, peak RSS MB of it and its children, output, CPU seconds of it and its children). Fails loudly on a non-zero exit."""
    cpu = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    memory = PeakMemory(process.pid)
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    peak = memory.stop()
    if process.returncode != 0:
        sys.stderr.write(output[-5000:])
        raise SystemExit(f"failed: {' '.join(command)}")
    return seconds, peak, output, _children_cpu() - cpu


def _child_env(database_url: str, folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HUEY_REDIS_URL")}
    env.update(DATABASE_URL=database_url, SECRET_KEY="bench", HUEY_SQLITE_PATH=str(folder / "huey.sqlite"), HUEY_IMMEDIATE="1")
    return env


def run_cli(database_url: str, csv_path: Path, folder: Path) -> dict:
    """Migrate the scratch database (untimed), then time ``flask import-complaints`` exactly as a user types it."""
    env = _child_env(database_url, folder)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    run_measured([*flask, "db", "upgrade"], env)
    startup, _peak, _output, startup_cpu = run_measured([*flask, "import-complaints", "--help"], env)  # what every run pays before the first row
    seconds, peak, output, cpu = run_measured([*flask, "import-complaints", str(csv_path), "--source", "bench", "--skip-bad-rows"], env)
    summary = [line for line in output.splitlines() if line.startswith(("Imported", "Would import"))]
    return {"seconds": seconds, "peak_mb": peak, "cpu": cpu, "summary": summary[-1] if summary else output[-300:], "startup": startup, "startup_cpu": startup_cpu}


PROFILE = """
import cProfile, pstats, sys, time
from workbench import create_app
from workbench.complaint_import import importer
from workbench.extensions import db
importer.PIPELINE_BYTES = float("inf")  # one process, so the profile sees every step
app = create_app()
with app.app_context():
    profile = cProfile.Profile(time.process_time)  # CPU seconds: other work on a shared machine does not count
    profile.enable()
    importer.run_import(sys.argv[1], "complaints.csv", importer.ImportOptions(source="bench", skip_bad_rows=True))
    db.session.commit()
    profile.disable()
    profile.dump_stats(sys.argv[2])
"""
# The steps of an import and the function whose cumulative time each one is.
STEPS = (
    ("read (csv rows)", "reading.py", "csv_rows"),
    ("check (row shape, formulas)", "rows.py", "check_row"),
    ("normalise (dates, channel, JSON, hash)", "rows.py", "__call__"),
    ("normalise texts (whole chunks)", "textnorm.py", "normalise_many"),
    ("classify (ClassifyStep, whole chunks)", "flow.py", "__call__"),
    ("  words of the chunk", "chunk_rules.py", "chunk_words"),
    ("  phrases found and scored", "chunk_rules.py", "scores"),
    ("store: write chunks", "storing.py", "write"),
    ("store: finish (index rebuild on SQLite)", "storing.py", "finish"),
    ("commit", "default.py", "do_commit"),
)


def profile_steps(database_url: str, csv_path: Path, folder: Path, output: Path) -> None:
    """Profile the import in one process (no second process) and print the time of each step."""
    import pstats

    env = _child_env(database_url, folder)
    run_measured([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], env)
    run_measured([sys.executable, "-c", PROFILE, str(csv_path), str(output)], env)
    stats = pstats.Stats(str(output)).stats
    total = max(ct for (_f, _l, name), (_cc, _nc, _tt, ct, _callers) in stats.items() if name == "run_import")
    print(f"cProfile, one process ({database_url.split(':')[0]}): run_import {total:.1f} CPU s (profiler overhead included), written to {output}")
    for label, filename, function in STEPS:
        seconds = sum(ct for (f, _l, name), (_cc, _nc, _tt, ct, _callers) in stats.items() if f.endswith(filename) and name == function)
        print(f"  {label:<48} {seconds:7.1f} CPU s  {100 * seconds / total:5.1f} %")


BASELINE_SQLITE = """
import sqlite3, sys, pandas
frame = pandas.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
connection = sqlite3.connect(sys.argv[2])
frame.to_sql("complaints", connection, index=False)
connection.commit()
print(len(frame))
"""

BASELINE_COPY = """
import sys, psycopg
with psycopg.connect(sys.argv[2]) as connection, connection.cursor() as cursor:
    cursor.execute("CREATE TABLE plain_copy (" + ", ".join(f"c{i} text" for i in range(int(sys.argv[3]))) + ")")
    with open(sys.argv[1], "rb") as source, cursor.copy("COPY plain_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
        while block := source.read(1 << 20):
            copy.write(block)
    print(cursor.execute("SELECT count(*) FROM plain_copy").fetchone()[0])
"""


def bench_sqlite(csv_path: Path, folder: Path) -> dict:
    baseline_seconds, baseline_peak, _, _ = run_measured([sys.executable, "-c", BASELINE_SQLITE, str(csv_path), str(folder / "baseline.sqlite")])
    result = run_cli(f"sqlite:///{folder / 'workbench.sqlite'}", csv_path, folder)
    stored = sqlite3.connect(folder / "workbench.sqlite").execute("SELECT count(*), count(DISTINCT text) FROM complaints").fetchone()
    return {"baseline": baseline_seconds, "baseline_peak_mb": baseline_peak, **result, "stored": stored}


def bench_postgres(csv_path: Path, folder: Path, server: str) -> dict | None:
    import psycopg

    try:
        admin = psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL at {server} not reachable ({error}); skipped.")
        return None
    url = f"{server}/{PG_DATABASE}"
    with admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        admin.execute(f"CREATE DATABASE {PG_DATABASE}")
        try:
            baseline_seconds, baseline_peak, _, _ = run_measured([sys.executable, "-c", BASELINE_COPY, str(csv_path), url, str(len(HEADERS))])
            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute("DROP TABLE plain_copy")
                connection.execute("CHECKPOINT")
            result = run_cli(url, csv_path, folder)
            with psycopg.connect(url) as connection:
                stored = connection.execute("SELECT count(*), count(DISTINCT text) FROM complaints").fetchone()
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    return {"baseline": baseline_seconds, "baseline_peak_mb": baseline_peak, **result, "stored": stored}


def report(name: str, baseline_name: str, figures: dict, goal: float) -> None:
    ratio = figures["seconds"] / figures["baseline"]
    print(f"{name}: {baseline_name} {figures['baseline']:.1f} s (peak RSS {figures['baseline_peak_mb']:.0f} MB)")
    print(f"{name}: flask import-complaints {figures['seconds']:.1f} s ({figures['cpu']:.1f} s CPU in the CLI's processes), peak RSS {figures['peak_mb']:.0f} MB (goal < 1024 MB) "
          f"{'OK' if figures['peak_mb'] < 1024 else 'MISSED'}; {figures['summary']}")
    print(f"{name}: of which start-up (the CLI up to the import command, measured alone) {figures['startup']:.1f} s ({figures['startup_cpu']:.1f} s CPU)")
    print(f"{name}: stored {figures['stored'][0]:,} complaints, {figures['stored'][1]:,} distinct texts")
    print(f"{name}: ratio import / baseline {ratio:.2f}x (goal <= {goal:g}x) {'OK' if ratio <= goal else 'MISSED'}; load average now {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server (without database) for the scratch database")
    parser.add_argument("--dates", choices=DATE_STYLES, default="jalali",
                        help="the date column: Jalali dates, 30%% with Persian digits (default), or date-heavy columns with a time: iso-time, jalali-time")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="measure one database only")
    parser.add_argument("--profile", type=Path, help="also profile the import (SQLite, one process, untimed), print each step's share and keep the cProfile file here")
    parser.add_argument("--keep", action="store_true", help="keep the generated file and databases")
    parser.add_argument("--reuse", type=Path, help="an export an earlier run generated (--keep), instead of generating it again (minutes at 1M rows)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="wb-bench-"))
    csv_path = folder / "complaints.csv"
    print(f"Load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work on the machine slows every figure)")
    started = time.perf_counter()
    if args.reuse:
        csv_path.symlink_to(args.reuse.resolve())
        print(f"Reused {args.reuse} ({csv_path.stat().st_size / 2**20:.1f} MB): the rows of the run that generated it")
    else:
        written = generate(csv_path, args.rows, date_style=args.dates)
        print(f"Generated {args.rows:,} rows ({args.dates} dates, {written['distinct_texts']:,} distinct texts, {written['bad']} bad rows), "
              f"{csv_path.stat().st_size / 2**20:.1f} MB in {time.perf_counter() - started:.1f} s ({csv_path})")
    if args.only != "postgresql":
        report("SQLite", "pandas.read_csv + to_sql (plain sqlite3)", bench_sqlite(csv_path, folder), 3)
    if args.only != "sqlite":
        figures = bench_postgres(csv_path, folder, args.pg.rstrip("/"))
        if figures:
            report("PostgreSQL", "plain COPY into an unindexed table", figures, 4)
    if args.profile:
        (folder / "workbench.sqlite").unlink(missing_ok=True)
        profile_steps(f"sqlite:///{folder / 'profiled.sqlite'}", csv_path, folder, args.profile.resolve())
    if not args.keep:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
