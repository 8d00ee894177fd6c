"""Every sheet of an uploaded workbook as a grid of cell values, with its merged ranges.

.xlsx, .xlsm, .xls and .ods are read with python-calamine (cached formula values, merged
ranges); CSV files are decoded as UTF-8. Merged cells are filled with the top-left value and
marked, so later steps can tell a cell's own value from one that only continues a merge.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import python_calamine
from flask_babel import gettext as _

from workbench.uploads import detect_encoding
from workbench.uploads.text import SAMPLE_BYTES
from workbench.validation import InvalidInput

WORKBOOK_TYPES = (".xlsx", ".xlsm", ".xls", ".ods")
MAX_SHEETS = 60
MAX_ROWS = 20_000
MAX_COLUMNS = 250


@dataclass
class Sheet:
    """One sheet: ``grid[r][c]`` (0-based, merged cells filled) and ``continued[r][c]`` (True inside a merge, not its top-left)."""

    name: str
    index: int
    grid: list[list] = field(default_factory=list)
    continued: list[list[bool]] = field(default_factory=list)
    truncated: bool = False

    @property
    def size(self) -> tuple[int, int]:
        return len(self.grid), max((len(r) for r in self.grid), default=0)

    def text(self, r: int, c: int) -> str:
        """The cell as trimmed text ('' outside the grid)."""
        if r >= len(self.grid) or c >= len(self.grid[r]):
            return ""
        value = self.grid[r][c]
        return "" if value is None else str(value).strip()

    def own(self, r: int, c: int) -> bool:
        """True when the cell holds a value of its own (not a merge's continuation, not blank)."""
        return bool(self.text(r, c)) and not self.continued[r][c]


def is_supported(filename: str) -> bool:
    """True for the file types the FMEA import reads."""
    return filename.lower().endswith((*WORKBOOK_TYPES, ".csv"))


def read_book(data: bytes, filename: str) -> list[Sheet]:
    """Every sheet of ``data`` (one for CSV); ValueError with a message for a file that cannot be read."""
    name = filename.lower()
    if name.endswith(".csv"):
        return [_csv_sheet(data, filename)]
    if not name.endswith(WORKBOOK_TYPES):
        raise ValueError(_("Send an Excel workbook (.xlsx, .xls) or a CSV file."))
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises several types for broken or foreign files
        raise ValueError(_("“%(name)s” is not an Excel workbook (.xlsx, .xls) or CSV file that can be read.", name=filename)) from None
    sheets = []
    for index, sheet_name in enumerate(book.sheet_names[:MAX_SHEETS]):
        try:
            raw = book.get_sheet_by_name(sheet_name)
            rows = raw.to_python(skip_empty_area=False, nrows=MAX_ROWS + 1)
            merges = raw.merged_cell_ranges or []
        except Exception:
            raise ValueError(_("Sheet “%(sheet)s” of “%(name)s” cannot be read.", sheet=sheet_name, name=filename)) from None
        sheets.append(_sheet(sheet_name, index, rows, merges))
    return sheets


def _csv_sheet(data: bytes, filename: str) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV" on Windows saves in the machine's code page (Windows-1252, Windows-1256): detect it.
        try:
            text = data.decode(detect_encoding(data[:SAMPLE_BYTES], filename))
        except (InvalidInput, UnicodeDecodeError, LookupError):
            raise ValueError(_("The CSV file is not UTF-8 text: save it as “CSV UTF-8” and upload it again.")) from None
    # NUL characters cannot be stored (PostgreSQL) and mean nothing in a cell: drop them.
    rows = list(csv.reader(io.StringIO(text.replace("\x00", ""))))
    name = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "CSV"
    return _sheet(name, 0, rows[: MAX_ROWS + 1], [])


def _value(value):
    if isinstance(value, str):
        value = value.replace("\x00", "")
        return value if value.strip() else None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date()
    if isinstance(value, (time, timedelta)):
        return str(value)
    return value


def _sheet(name: str, index: int, rows: list[list], merges) -> Sheet:
    truncated = len(rows) > MAX_ROWS or any(len(r) > MAX_COLUMNS for r in rows)
    grid = [[_value(v) for v in row[:MAX_COLUMNS]] for row in rows[:MAX_ROWS]]
    while grid and all(v is None for v in grid[-1]):
        grid.pop()
    width = max((len(r) for r in grid), default=0)
    for row in grid:
        row.extend([None] * (width - len(row)))
    continued = [[False] * width for _row in grid]
    for (r1, c1), (r2, c2) in merges:
        if r1 >= len(grid) or c1 >= width:
            continue
        top = grid[r1][c1]
        for r in range(r1, min(r2, len(grid) - 1) + 1):
            for c in range(c1, min(c2, width - 1) + 1):
                if (r, c) != (r1, c1):
                    grid[r][c] = top
                    continued[r][c] = True
    return Sheet(name=str(name), index=index, grid=grid, continued=continued, truncated=truncated)


def plain(value) -> str | int | float | None:
    """A cell value as JSON can carry it (dates as ISO text)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
