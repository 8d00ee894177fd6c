"""Complaint import benchmark: 1,000,000 mixed Persian/English rows (~100 MB).

Prints, from one run:
- baseline: ``pandas.read_csv(...).to_sql(...)`` into SQLite;
- the real import (detect, parse, check every row, normalise, classify, store in one transaction) into SQLite;
- their ratio (goal: at most 3x) and each one's peak RSS (goal for the import: under 1 GB);
- server time of ``GET /api/v1/complaints/pareto`` on the imported rows (goal: at most 150 ms).

Each phase runs in its own process so peak memory is measured per phase.

    /work/main/.venv/bin/python bench/import_bench.py [--rows 1000000] [--dates iso] [--keep]

``--dates`` chooses how the date column is written: ``iso`` (2024-08-02, a few
hundred distinct values), or date-heavy columns where nearly every cell differs
(each is parsed once): ``iso-time`` (2024-08-02 14:05:09) and ``jalali-time``
(Jalali with Persian digits, ۱۴۰۳/۰۵/۱۲ ۱۴:۰۵:۰۹).
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXTS = (
    "یخچال بعد از دو هفته صدای زیادی می‌دهد",
    "درب ماشین لباسشویی از روز اول درست بسته نمی‌شود",
    "سفارش من سه هفته دیر تحویل شد",
    "قیمت نهایی با قیمت اعلام شده فرق داشت",
    "گارانتی را قبول نکردند با اینکه هنوز اعتبار داشت",
    "تلفن پشتیبانی را کسی جواب نمی‌دهد",
    "The fridge compressor is very noisy after two weeks",
    "My order was delivered three weeks late",
    "Warranty claim was rejected although still valid",
    "Nobody answers the support hotline",
    "The unit arrived broken, obviously not inspected",
    "The final invoice was higher than the quoted price",
)
CHANNELS = ("phone", "email", "sms", "web", "chat", "in_person")
PRODUCTS = ("Refrigerator R-400", "Washing machine W-7", "Gas stove G-5", "Dishwasher D-12", "یخچال ساید بای ساید")


def peak_rss_mb() -> float:
    """Peak RSS of this process plus the largest of its children (the import's reading process).

    The two peaks need not coincide and shared pages count twice, so this is an upper bound.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


DATE_STYLES = ("iso", "iso-time", "jalali-time")


def _date_cell(number: int, style: str) -> str:
    if style == "iso":
        return f"{2023 + number % 2}-{1 + number % 12:02d}-{1 + number % 28:02d}"
    from datetime import datetime, timedelta

    moment = datetime(2023, 1, 1) + timedelta(seconds=number * 61)
    if style == "iso-time":
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    import jdatetime

    return jdatetime.datetime.fromgregorian(datetime=moment).strftime("%Y/%m/%d %H:%M:%S").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def generate(path: Path, rows: int, date_style: str = "iso") -> None:
    import csv

    rng = random.Random(42)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Complaint ID", "Date received", "Description", "Channel", "Product", "Customer", "Region"])
        batch = []
        for number in range(1, rows + 1):
            text = rng.choice(TEXTS)
            if rng.random() < 0.3:
                text = f"{text}, order {rng.randrange(10000, 99999)}\nسفارش"
            batch.append(
                (f"C-{number:07d}", _date_cell(number, date_style), text,
                 rng.choice(CHANNELS), rng.choice(PRODUCTS), f"Customer {rng.randrange(1, 50000)}", f"R{rng.randrange(1, 30)}")
            )
            if len(batch) >= 10000:
                writer.writerows(batch)
                batch.clear()
        writer.writerows(batch)


def phase_baseline(csv_path: str, db_path: str) -> dict:
    import pandas
    from sqlalchemy import create_engine

    started = time.perf_counter()
    engine = create_engine(f"sqlite:///{db_path}")
    frame = pandas.read_csv(csv_path)
    frame.to_sql("complaints", engine, index=False, chunksize=50000)
    engine.dispose()
    return {"seconds": time.perf_counter() - started, "peak_rss_mb": peak_rss_mb(), "rows": len(frame)}


def _app(db_path: str):
    os.environ.setdefault("SECRET_KEY", "bench")
    from workbench import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "HUEY_IMMEDIATE": True})


def phase_import(csv_path: str, db_path: str) -> dict:
    from flask_migrate import upgrade

    app = _app(db_path)
    with app.app_context():
        upgrade()
        from workbench.complaint_import.defaults import ensure_defaults
        from workbench.extensions import db

        ensure_defaults()
        db.session.commit()
        from workbench.complaint_import.importer import ImportOptions, run_import

        started = time.perf_counter()
        outcome = run_import(csv_path, os.path.basename(csv_path), ImportOptions(source="bench"))
        db.session.commit()
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "rows": outcome.new, "bad": outcome.bad}


def phase_pareto(db_path: str) -> dict:
    app = _app(db_path)
    with app.app_context():
        from workbench.extensions import db
        from workbench.models import ApiToken, User

        user = User(email="bench@example.org", name="bench", role="viewer")
        db.session.add(user)
        token, raw = ApiToken.issue(user, "bench")
        db.session.add(token)
        db.session.commit()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {raw}"}
        result = {}
        for query in ("by=process_owner", "by=category", "by=channel", "by=product", "by=process_owner&from=2023-06-01&to=2023-12-31"):
            times = []
            for _ in range(7):
                started = time.perf_counter()
                response = client.get(f"/api/v1/complaints/pareto?{query}", headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.get_data(as_text=True)
            bars = response.get_json()
            result[query] = {"median_ms": statistics.median(times[1:]), "max_ms": max(times[1:]), "bars": len(bars), "top": bars[0]}
        return result


def _child(*args: str) -> dict:
    output = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if output.returncode != 0:
        sys.stderr.write(output.stderr)
        raise SystemExit(f"phase {args[0]} failed")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dates", choices=DATE_STYLES, default="iso", help="how the date column is written")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--phase", choices=["baseline", "import", "pareto"])
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    if args.phase == "baseline":
        print(json.dumps(phase_baseline(*args.paths)))
        return
    if args.phase == "import":
        print(json.dumps(phase_import(*args.paths)))
        return
    if args.phase == "pareto":
        print(json.dumps(phase_pareto(*args.paths)))
        return

    folder = Path(tempfile.mkdtemp(prefix="wb-bench-"))
    csv_path = folder / "complaints.csv"
    started = time.perf_counter()
    generate(csv_path, args.rows, args.dates)
    print(f"Generated {args.rows:,} rows ({args.dates} dates), {csv_path.stat().st_size / 2**20:.1f} MB in {time.perf_counter() - started:.1f} s ({csv_path})")
    baseline = _child("--phase", "baseline", str(csv_path), str(folder / "baseline.sqlite"))
    print(f"Baseline pandas.read_csv().to_sql() into SQLite: {baseline['seconds']:.1f} s, peak RSS {baseline['peak_rss_mb']:.0f} MB")
    real = _child("--phase", "import", str(csv_path), str(folder / "workbench.sqlite"))
    print(
        f"workbench import (parse, check, normalise, classify, store) into SQLite: {real['seconds']:.1f} s, "
        f"{real['rows'] / real['seconds']:,.0f} rows/s, peak RSS {real['peak_rss_mb']:.0f} MB, {real['rows']:,} stored, {real['bad']} bad"
    )
    ratio = real["seconds"] / baseline["seconds"]
    print(f"Ratio import / baseline: {ratio:.2f}x (goal <= 3x) {'OK' if ratio <= 3 else 'MISSED'}")
    print(f"Peak RSS of the import: {real['peak_rss_mb']:.0f} MB (goal < 1024 MB) {'OK' if real['peak_rss_mb'] < 1024 else 'MISSED'}")
    pareto = _child("--phase", "pareto", str(folder / "workbench.sqlite"))
    for query, figures in pareto.items():
        verdict = "OK" if figures["median_ms"] <= 150 else "MISSED"
        print(f"GET /api/v1/complaints/pareto?{query}: median {figures['median_ms']:.0f} ms, max {figures['max_ms']:.0f} ms over {figures['bars']} bars (goal <= 150 ms) {verdict}")
    if not args.keep:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
