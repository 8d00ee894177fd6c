"""Tables from uploads: the row, column and cell limits, and workbooks read row by row or whole."""

import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time

from flask_babel import format_decimal
from flask_babel import gettext as _

from workbench.uploads.limits import TableLimits
from workbench.validation import InvalidInput


def _column(index: int) -> str:
    """``3 (C)``: a column by number and by its spreadsheet letter."""
    from openpyxl.utils import get_column_letter  # openpyxl takes half a second to load: only for a message

    return f"{format_decimal(index + 1)} ({get_column_letter(min(index + 1, 18278))})"


def refuse_row(row: list, number: int, filename: str, limits: TableLimits, field: str = "file") -> None:
    """Raise the message naming file, row and column of the first limit ``row`` breaks (call only when it breaks one)."""
    if number > limits.rows:
        raise InvalidInput({field: _("“%(name)s” has more than %(limit)s rows (UPLOAD_MAX_ROWS); row %(row)s is over the limit.", name=filename, limit=format_decimal(limits.rows), row=format_decimal(number))})
    if len(row) > limits.columns:
        raise InvalidInput(
            {field: _("“%(name)s”, row %(row)s, column %(column)s: the row has %(count)s columns; the limit is %(limit)s (UPLOAD_MAX_COLUMNS).", name=filename, row=format_decimal(number), column=_column(limits.columns), count=format_decimal(len(row)), limit=format_decimal(limits.columns))}
        )
    for index, cell in enumerate(row):
        if isinstance(cell, str) and len(cell) > limits.cell_chars:
            raise InvalidInput(
                {field: _("“%(name)s”, row %(row)s, column %(column)s: the cell has %(count)s characters; the limit is %(limit)s (UPLOAD_MAX_CELL_CHARS).", name=filename, row=format_decimal(number), column=_column(index), count=format_decimal(len(cell)), limit=format_decimal(limits.cell_chars))}
            )


def breaks_limits(row: list, number: int, limits: TableLimits) -> bool:
    """Whether ``row`` (number ``number``, from 1) breaks a limit; cheap enough for every row of a million."""
    if number > limits.rows or len(row) > limits.columns:
        return True
    try:
        return bool(row) and max(map(len, row)) > limits.cell_chars
    except TypeError:  # sheet cells may be numbers or dates
        return any(isinstance(cell, str) and len(cell) > limits.cell_chars for cell in row)


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def workbook_rows(path: str, filename: str, limits: TableLimits, counter: list | None = None, field: str = "file") -> Iterator[list]:
    """Rows of the first sheet, streamed (dates stay dates, numbers become text, empty cells ``""``)."""
    import openpyxl

    handle = open(path, "rb")  # noqa: SIM115  (closed in finally; a handle, as openpyxl judges a path by its extension)
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        handle.close()
        raise InvalidInput({field: _("“%(name)s” is damaged (not a valid .xlsx workbook).", name=filename)}) from None
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if counter is not None:
                counter[0] += 1
            cells = ["" if v is None else (v if isinstance(v, (date, str)) else _cell_text(v)) for v in row]
            if breaks_limits(cells, number, limits):
                refuse_row(cells, number, filename, limits, field)
            yield cells
    finally:
        workbook.close()
        handle.close()


def json_cell(value):
    """A cell as JSON: text, number, boolean or null; dates as ISO text (a midnight time as a plain date)."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def workbook_sheets(path: str, filename: str, limits: TableLimits, field: str = "file") -> list[dict]:
    """Every sheet whole, merged cells filled with their top-left value: ``[{"name", "rows": [[cell, ...]]}]``."""
    from openpyxl import load_workbook

    try:
        with open(path, "rb") as handle:
            workbook = load_workbook(handle, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        raise InvalidInput({field: _("“%(name)s” is damaged (not a valid .xlsx workbook).", name=filename)}) from None
    sheets = []
    for sheet in workbook.worksheets:
        grid = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [json_cell(v) for v in row]
            if breaks_limits(cells, number, limits):
                refuse_row(cells, number, filename, limits, field)
            grid.append(cells)
        for merged in sheet.merged_cells.ranges:
            top = grid[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    grid[r - 1][c - 1] = top
        sheets.append({"name": sheet.title, "rows": grid})
    workbook.close()
    return sheets
