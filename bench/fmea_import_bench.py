"""FMEA workbook import: analysing a 5,000-row AIAG 4th-edition workbook against a plain openpyxl load of the same file.

The workbook has a title block, a two-row merged header with a controls group and an action-results block,
merged step/mode/effect/severity cells every four rows and a signature footer (``workbench.fmea.sample_workbooks``,
the layout the import tests use, at scale). Measured in the same run: ``openpyxl.load_workbook`` (full and read-only, values only,
the baseline), ``workbench.fmea.workbook.analyse`` (read with python-calamine, header, mapping, rows,
problems) and ``importing.read`` (the same as JSON-safe data, as the queue stores it). Prints the median of
``--repeat`` runs, the ratios against the openpyxl load, and the peak memory of each (tracemalloc).

    .venv/bin/python bench/fmea_import_bench.py [--rows 5000] [--repeat 3]
"""

import argparse
import io
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import load_workbook  # noqa: E402

from workbench import create_app  # noqa: E402
from workbench.fmea.sample_workbooks import aiag4_at_scale  # noqa: E402


def measure(work, repeat: int) -> tuple[float, float]:
    """Median seconds of ``repeat`` runs and the peak traced memory (MB) of one more."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return statistics.median(times), peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = aiag4_at_scale(args.rows)
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    from workbench.fmea import importing
    from workbench.fmea.workbook import analyse

    def openpyxl_full():
        load_workbook(io.BytesIO(data)).close()

    def openpyxl_read_only():
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for ws in book.worksheets:
            for _row in ws.iter_rows(values_only=True):
                pass
        book.close()

    with app.test_request_context():
        result = analyse(data, "bench.xlsx")
        got = len(result["rows"])
        bad = sum(1 for r in result["rows"] if r["errors"])
        base, base_mem = measure(openpyxl_full, args.repeat)
        ro, ro_mem = measure(openpyxl_read_only, args.repeat)
        full, full_mem = measure(lambda: analyse(data, "bench.xlsx"), args.repeat)
        stored, stored_mem = measure(lambda: importing.read(data, "bench.xlsx"), args.repeat)
    print(f"workbook: {args.rows:,} cause rows, {len(data) / 1024:.0f} KiB; analysis read {got:,} rows ({bad} bad), "
          f"{len(result['left_out'])} left out, header rows {result['sheets'][0]['header_rows']}")
    if got != args.rows or bad:
        print("  MISS: not every row was read cleanly")
    print(f"openpyxl load_workbook (baseline)    {base:6.2f} s  peak {base_mem:6.1f} MB")
    print(f"openpyxl read-only, values only      {ro:6.2f} s  peak {ro_mem:6.1f} MB  (x{ro / base:.2f})")
    print(f"workbook.analyse (calamine + all)    {full:6.2f} s  peak {full_mem:6.1f} MB  (x{full / base:.2f} of the baseline)")
    print(f"importing.read (analysis as JSON)    {stored:6.2f} s  peak {stored_mem:6.1f} MB  (x{stored / base:.2f} of the baseline)")
    return 0 if got == args.rows and not bad else 1


if __name__ == "__main__":
    sys.exit(main())
