"""Date parsing benchmark: ``workbench.dates.parse`` against the standard library on the same values.

Prints, from one run, the time to read N distinct date cells (the importer
parses each distinct cell once) for each way exports write them, next to
``datetime.strptime`` / ``date.fromisoformat`` on the ISO form of the same
days (the floor for a pure-Python per-value parser), and their ratio.

    /work/main/.venv/bin/python bench/dates_bench.py [--values 200000]
"""

import argparse
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(function, values, *args) -> float:
    started = time.perf_counter()
    for value in values:
        function(value, *args)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--values", type=int, default=200_000)
    args = parser.parse_args()

    from workbench import create_app, dates

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    start = datetime(2000, 1, 1)
    moments = [start + timedelta(seconds=61 * n) for n in range(args.values)]
    iso_days = [m.date().isoformat() for m in moments]
    iso_times = [m.strftime("%Y-%m-%d %H:%M:%S") for m in moments]
    with app.test_request_context("/"):
        cases = {
            "iso": (iso_days, None),
            "iso with time": (iso_times, "iso"),
            "dmy": ([m.strftime("%d/%m/%Y") for m in moments], "dmy"),
            "jalali, Latin digits": ([dates.jalali_text(m) for m in moments], None),
            "jalali, Persian digits, time": ([dates.to_persian_digits(dates.jalali_text(m, with_time=True)) for m in moments], "jalali"),
        }
        floor = min(_timed(date.fromisoformat, iso_days) for _ in range(3))
        strptime = min(_timed(datetime.strptime, iso_times, "%Y-%m-%d %H:%M:%S") for _ in range(3))
        print(f"{args.values:,} distinct values each")
        print(f"baseline date.fromisoformat: {floor * 1e6 / args.values:.2f} µs/value")
        print(f"baseline datetime.strptime (with time): {strptime * 1e6 / args.values:.2f} µs/value")
        for name, (values, order) in cases.items():
            seconds = min(_timed(dates.parse, values, order) for _ in range(3))
            print(f"workbench.dates.parse, {name}: {seconds * 1e6 / args.values:.2f} µs/value, "
                  f"{seconds / strptime:.2f}x strptime, {args.values / seconds:,.0f} values/s")


if __name__ == "__main__":
    main()
