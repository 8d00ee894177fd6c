"""Excel and CSV export in the AIAG-VDA form layout (reading any FMEA workbook back is ``workbench.fmea.workbook``)."""

import csv
import io
from copy import copy
from datetime import date, datetime

from flask_babel import get_locale
from flask_babel import gettext as _

from workbench.fmea import fields
from workbench.fmea.models import ROW_FIELDS, FmeaDocument
from workbench.models import User
from workbench.spreadsheets import is_risky, neutralised
from workbench.users import people_labels

# Sheet columns: position, the row fields with RPN/AP where the form shows them.
SHEET_FIELDS = (
    "position",
    *ROW_FIELDS[: ROW_FIELDS.index("detection") + 1],
    "rpn",
    "action_priority",
    *ROW_FIELDS[ROW_FIELDS.index("detection") + 1 : ROW_FIELDS.index("revised_detection") + 1],
    "revised_rpn",
    "revised_action_priority",
    *ROW_FIELDS[ROW_FIELDS.index("revised_detection") + 1 :],
)
GROUPS = (
    ("structure", "process_item", "work_element_type"),
    ("function", "function", "function"),
    ("failure", "failure_effect", "failure_cause"),
    ("risk", "prevention_control", "filter_code"),
    ("optimisation", "prevention_action", "cause_id"),
)
STRUCTURE = ("process_item", "process_step", "work_element")
AP_FILLS = {"H": ("D92D20", "FFFFFF"), "M": ("F79009", "1D2430"), "L": ("12B76A", "FFFFFF")}
FIRST_DATA_ROW = 10
KEY_ROW = 9


def _group_titles() -> dict:
    return {
        "structure": _("Structure analysis (step 2)"),
        "function": _("Function analysis (step 3)"),
        "failure": _("Failure analysis (step 4)"),
        "risk": _("Risk analysis (step 5)"),
        "optimisation": _("Optimisation (step 6)"),
    }


def _label(field: str, kind: str = "process") -> str:
    return "#" if field == "position" else fields.label(field, kind)


def _people(rows: list[dict], viewer: User | None) -> dict[int, str]:
    """The responsible people as ``viewer`` may see them (emails only for admins, quality managers and oneself);
    the import reads a name back as well as an email."""
    return people_labels(viewer, {r.get("responsible_id") for r in rows})


def _cell_value(field: str, row: dict, people: dict):
    value = row.get(field)
    if field == "responsible_id":
        return people.get(value, value) if value else None
    if value == "":
        return None
    return value


def export_xlsx(document: FmeaDocument | None, project, rows: list[dict], process_owner: str = "", viewer: User | None = None) -> bytes:
    """The FMEA as an .xlsx in the AIAG-VDA layout: header block, step groups, merged structure cells, AP colours.

    ``project`` is None for a standalone FMEA, whose header names its ``process_owner`` instead; ``viewer``
    is who downloads it (people are named as that person may see them).
    """
    from openpyxl import Workbook  # openpyxl takes half a second to load: only when a workbook is made
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    kind = document.kind if document else "process"
    ws.title = "PFMEA" if kind == "process" else "DFMEA"
    last_col = len(SHEET_FIELDS)
    bold = Font(bold=True)
    ws.cell(1, 1, _("Process FMEA (AIAG-VDA)") if kind == "process" else _("Design FMEA (AIAG-VDA)")).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
    header = [
        (_("Company"), document.company if document else ""),
        (_("Site"), document.location if document else ""),
        (_("Customer"), document.customer if document else ""),
        (_("Model / programme"), document.program if document else ""),
        (_("Subject"), document.title if document else project.title),
        (_("Start date"), document.start_date if document else None),
        (_("Revision date"), date.today()),
        (_("Process responsibility"), document.responsible if document else ""),
        (_("Confidentiality level"), document.confidentiality if document else ""),
        (_("Project"), project.title) if project else (_("Process owner"), process_owner),
    ]
    for index, (title, value) in enumerate(header):
        r, c = 2 + index % 5, 1 + (index // 5) * 6
        ws.cell(r, c, title).font = bold
        ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + 1)
        _put(ws.cell(r, c + 2), value)
        ws.merge_cells(start_row=r, start_column=c + 2, end_row=r, end_column=c + 5)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    titles = _group_titles()
    fills = {"structure": "E0EAFF", "function": "E3F6EC", "failure": "FDE8E7", "risk": "FFF3C4", "optimisation": "EFE6FF"}
    for group, first, last in GROUPS:
        c1, c2 = SHEET_FIELDS.index(first) + 1, SHEET_FIELDS.index(last) + 1
        cell = ws.cell(7, c1, titles[group])
        cell.font, cell.fill, cell.alignment = bold, PatternFill("solid", fgColor=fills[group]), Alignment(horizontal="center")
        if c2 > c1:
            ws.merge_cells(start_row=7, start_column=c1, end_row=7, end_column=c2)
    grey = Font(size=8, color="888888")
    for col, field in enumerate(SHEET_FIELDS, start=1):
        cell = ws.cell(8, col, _label(field, kind))
        cell.font, cell.border = bold, border
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(KEY_ROW, col, field).font = grey
        ws.column_dimensions[get_column_letter(col)].width = 6 if field in ("position", "rpn", "action_priority") or "severity" in field or "occurrence" in field or "detection" == field.removeprefix("revised_") else 22
    # The field keys let the import read our own export back exactly; people never see them.
    ws.row_dimensions[KEY_ROW].hidden = True
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 2)
    ws.sheet_view.rightToLeft = str(get_locale()) == "fa"

    people = _people(rows, viewer)
    ap_cols = {SHEET_FIELDS.index("action_priority") + 1, SHEET_FIELDS.index("revised_action_priority") + 1}
    styles = {k: (PatternFill("solid", fgColor=bg), Font(bold=True, color=fg)) for k, (bg, fg) in AP_FILLS.items()}
    styled = {}  # AP letter → the style of its first cell, copied to the others (registering a style is slow)
    for offset, row in enumerate(rows):
        r = FIRST_DATA_ROW + offset
        for col, field in enumerate(SHEET_FIELDS, start=1):
            value = _cell_value(field, row, people)
            if value is None:
                continue
            cell = ws.cell(r, col)
            _put(cell, value)
            if col in ap_cols and value in styles:
                if value in styled:
                    cell._style = copy(styled[value])
                else:
                    cell.fill, cell.font = styles[value]
                    styled[value] = cell._style
    _merge_structure(ws, rows)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _put(cell, value) -> None:
    """Write a value; text is always stored as text, so a leading = + - @ never becomes a formula."""
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if is_risky(value):
            cell.quotePrefix = True
    else:
        cell.value = value


def _merge_structure(ws, rows: list[dict]) -> None:
    """Merge runs of equal structure cells (item, step within item, element within step) as the form does."""
    from openpyxl.styles import Alignment  # openpyxl takes half a second to load: only when a workbook is made

    for depth, field in enumerate(STRUCTURE):
        col = SHEET_FIELDS.index(field) + 1
        start = 0
        for i in range(1, len(rows) + 1):
            same = i < len(rows) and all(rows[i].get(f) == rows[start].get(f) for f in STRUCTURE[: depth + 1])
            if same:
                continue
            if i - start > 1 and rows[start].get(field):
                _merge(ws, FIRST_DATA_ROW + start, col, FIRST_DATA_ROW + i - 1)
                ws.cell(FIRST_DATA_ROW + start, col).alignment = Alignment(vertical="top", wrap_text=True)
            start = i


def _merge(ws, first_row: int, col: int, last_row: int) -> None:
    """Merge one column run. Our runs never overlap, so the overlap search of ``ws.merge_cells``
    (quadratic in the number of merges: seconds for 5,000 rows) is skipped."""
    from openpyxl.cell.cell import MergedCell  # openpyxl takes half a second to load: only when a workbook is made
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.merge import MergedCellRange

    letter = get_column_letter(col)
    ws.merged_cells.ranges.add(MergedCellRange(ws, f"{letter}{first_row}:{letter}{last_row}"))
    for row in range(first_row + 1, last_row + 1):  # data cells carry no borders to redraw
        ws._cells[row, col] = MergedCell(ws, row, col)


def csv_safe(value) -> str:
    """Text for a CSV cell; a leading = + - @ tab or CR gets an apostrophe so spreadsheets do not run it."""
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return neutralised(str(value))


def export_csv(rows: list[dict], viewer: User | None = None) -> str:
    """One row per cause, a header of field names, escaped cells (people named as ``viewer`` may see them)."""
    people = _people(rows, viewer)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SHEET_FIELDS)
    for row in rows:
        writer.writerow([csv_safe(_cell_value(f, row, people)) for f in SHEET_FIELDS])
    return "\ufeff" + out.getvalue()
