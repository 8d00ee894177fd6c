"""FMEA workbook import: analysing a 5,000-row AIAG 4th-edition workbook against a plain openpyxl load of the same file.

The workbook has a title block, a two-row merged header with a controls group and an action-results block,
merged step/mode/effect/severity cells every four rows and a signature footer (``tests/fmea/workbooks.py``'s
layout at scale). Measured in the same run: ``openpyxl.load_workbook`` (full and read-only, values only,
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

from openpyxl import Workbook, load_workbook  # noqa: E402

from workbench import create_app  # noqa: E402


def build(rows: int) -> bytes:
    """An AIAG 4th-edition PFMEA of ``rows`` causes, four causes per merged step/mode/effect."""
    wb = Workbook()
    ws = wb.active
    ws.title = "PFMEA"
    ws["A1"] = "POTENTIAL FAILURE MODE AND EFFECTS ANALYSIS (PROCESS FMEA)"
    ws.merge_cells("A1:S1")
    ws["A2"] = "Item: Door hinge assembly"
    ws["F2"] = "Process Responsibility: Stamping plant 2"
    ws["A3"] = "Customer:"
    ws["B3"] = "Acme Motors"
    titles = {"A": "Process Step / Function", "B": "Requirements", "C": "Potential Failure Mode", "D": "Potential Effect(s) of Failure",
              "E": "Sev", "F": "Class", "G": "Potential Cause(s)/Mechanism(s) of Failure", "L": "RPN", "M": "Recommended Action(s)",
              "N": "Responsibility & Target Completion Date"}
    for col, text in titles.items():
        ws[f"{col}5"] = text
        ws.merge_cells(f"{col}5:{col}6")
    ws["H5"] = "Current Process Controls"
    ws.merge_cells("H5:K5")
    for col, text in zip("HIJK", ("Prevention", "Occ", "Detection", "Det"), strict=True):
        ws[f"{col}6"] = text
    ws["O5"] = "Action Results"
    ws.merge_cells("O5:S5")
    for col, text in zip("OPQRS", ("Actions Taken", "Sev", "Occ", "Det", "RPN"), strict=True):
        ws[f"{col}6"] = text
    first = 7
    for i in range(rows):
        r = first + i
        s, o, d = 2 + i % 9, 1 + i % 10, 1 + (i * 7) % 10
        if i % 4 == 0:
            ws.append([f"Op {i // 4 * 10} step {i // 4}", f"Requirement {i // 4}", f"Mode {i // 4}", f"Effect {i // 4}", s, "SC" if i % 40 == 0 else None])
            for col in "ABCDE":
                ws.merge_cells(f"{col}{r}:{col}{min(r + 3, first + rows - 1)}")
        else:
            ws.append([])
        for col, value in zip("GHIJKLMN", (f"Cause {i}", f"Prevention {i}", o, f"Detection {i}", d, None, f"Action {i}" if i % 3 == 0 else None, None), strict=True):
            if value is not None:
                ws[f"{col}{r}"] = value
    ws.append([])
    ws.append(["Prepared by: D. Silva", None, None, None, None, "Approved by: QA Manager"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


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
    data = build(args.rows)
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
