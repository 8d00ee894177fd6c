"""FMEA workbooks in the AIAG 4th-edition layout people publish them in, built with openpyxl.

The import tests (``tests/fmea/workbooks.py``) fill the layout with a handful of awkward rows; the
import bench (``bench/fmea_import_bench.py``) fills it with thousands. Nothing in the app imports this
module, so openpyxl is loaded only by those two.
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment

# Where the title block and the two-row header leave the first row of data.
AIAG4_FIRST_ROW = 9


def save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def aiag4_layout(ws) -> int:
    """Write an AIAG 4th-edition PFMEA's title block and two-row merged header (a controls group, an
    action-results block, vertical S e v letters) on ``ws``; return the first data row."""
    ws["A1"] = "POTENTIAL FAILURE MODE AND EFFECTS ANALYSIS (PROCESS FMEA)"
    ws.merge_cells("A1:S1")
    ws["A2"] = "Item: Door hinge assembly"
    ws.merge_cells("A2:E2")
    ws["F2"] = "Process Responsibility: Stamping plant 2"
    ws["P2"] = "FMEA Number: 1450"
    ws["A3"] = "Model Year(s)/Program(s): 2026 / K-line"
    ws["F3"] = "Key Date: 2026-03-01"
    ws["P3"] = "Page 1 of 1"
    ws["A4"] = "Core Team: A. Rahimi, B. Chen, C. Okafor"
    ws["F4"] = "Prepared By: D. Silva"
    ws["P4"] = "FMEA Date (Orig.): 2025-11-02 (Rev.) 2026-01-15"
    ws["A5"] = "Customer:"
    ws["B5"] = "Acme Motors"
    ws["F5"] = "Part Number:"
    ws["G5"] = "HX-2231"
    titles = {
        "A": "Process Step / Function", "B": "Requirements", "C": "Potential Failure Mode", "D": "Potential Effect(s) of Failure",
        "E": "S\ne\nv", "F": "Class", "G": "Potential Cause(s)/Mechanism(s) of Failure", "L": "R\nP\nN",
        "M": "Recommended Action(s)", "N": "Responsibility & Target Completion Date",
    }
    for col, text in titles.items():
        ws[f"{col}7"] = text
        ws[f"{col}7"].alignment = Alignment(wrap_text=True)
        ws.merge_cells(f"{col}7:{col}8")
    ws["H7"] = "Current Process Controls"
    ws.merge_cells("H7:K7")
    for col, text in zip("HIJK", ("Prevention", "O\nc\nc\nu\nr", "Detection", "D\ne\nt\ne\nc"), strict=True):
        ws[f"{col}8"] = text
    ws["O7"] = "Action Results"
    ws.merge_cells("O7:S7")
    for col, text in zip("OPQRS", ("Actions Taken & Completion Date", "Sev", "Occ", "Det", "RPN"), strict=True):
        ws[f"{col}8"] = text
    return AIAG4_FIRST_ROW


def aiag4_at_scale(rows: int) -> bytes:
    """An AIAG 4th-edition PFMEA of ``rows`` causes, four causes per merged step/mode/effect/severity, and a signature footer."""
    wb = Workbook()
    ws = wb.active
    ws.title = "PFMEA"
    first = aiag4_layout(ws)
    for i in range(rows):
        r = first + i
        s, o, d = 2 + i % 9, 1 + i % 10, 1 + (i * 7) % 10
        if i % 4 == 0:
            for col, value in zip("ABCDEF", (f"Op {i // 4 * 10} step {i // 4}", f"Requirement {i // 4}", f"Mode {i // 4}", f"Effect {i // 4}", s,
                                             "SC" if i % 40 == 0 else None), strict=True):
                if value is not None:
                    ws[f"{col}{r}"] = value
            for col in "ABCDE":
                ws.merge_cells(f"{col}{r}:{col}{min(r + 3, first + rows - 1)}")
        for col, value in zip("GHIJKLMN", (f"Cause {i}", f"Prevention {i}", o, f"Detection {i}", d, None, f"Action {i}" if i % 3 == 0 else None, None), strict=True):
            if value is not None:
                ws[f"{col}{r}"] = value
    footer = first + rows + 1
    ws[f"A{footer}"] = "Prepared by: D. Silva"
    ws[f"F{footer}"] = "Approved by: QA Manager"
    return save(wb)
