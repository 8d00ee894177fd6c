"""Reading messy exports: encodings, delimiters, quoted line breaks, header rows, xlsx.

Opening, encodings and limits are the core upload pipeline's (``workbench.uploads``);
this module works out the layout of a complaint or survey export.

What the importer uses: ``detect_layout(path, filename, overrides)`` gives a
``Layout`` (it also carries the file's name and the table limits, captured
here so a forked reader needs no app), and ``rows(path, layout, counter)``
yields its rows, raising ``InvalidInput`` naming file, row and column at the
first row over ``UPLOAD_MAX_ROWS``, ``UPLOAD_MAX_COLUMNS`` or
``UPLOAD_MAX_CELL_CHARS``.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _

from workbench.complaint_import.mapping import header_score, is_extra_header_row
from workbench.uploads import check_zip, text
from workbench.uploads.limits import TableLimits
from workbench.uploads.tables import workbook_rows
from workbench.uploads.text import SAMPLE_BYTES, CountingReader, detect_delimiter  # noqa: F401  (the importer's names)
from workbench.validation import InvalidInput


@dataclass
class Layout:
    """How a file is written; detected, then possibly overridden by the user."""

    kind: str = "csv"  # csv or xlsx
    encoding: str = "utf-8"
    delimiter: str = ","
    header_row: int = 0  # 0-based index of the row with the column names
    extra_header_rows: int = 0  # rows after it that are not data (SurveyMonkey 1, Qualtrics 2)
    headers: list[str] = field(default_factory=list)
    filename: str = ""  # the user's name for the file, for messages (not stored with the layout)
    limits: TableLimits = field(default_factory=TableLimits.current)  # captured here: a forked reader has no app

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "header_row": self.header_row,
            "extra_header_rows": self.extra_header_rows,
            "headers": self.headers,
        }


def file_kind(path: str, filename: str) -> str:
    """``xlsx`` or ``csv`` from the content, not only the name."""
    with open(path, "rb") as handle:
        start = handle.read(8)
    if start.startswith(b"PK\x03\x04"):
        return "xlsx"
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise InvalidInput({"file": _("The file is named .xlsx but is not an Excel workbook.")})
    return "csv"


def detect_encoding(sample: bytes, filename: str = "") -> str:
    """The text encoding of ``sample``; refuses binary files."""
    return text.detect_encoding(sample, filename)


def read_sample_text(path: str, encoding: str) -> str:
    return text.read_sample(path, encoding)


def csv_rows(path: str, layout: Layout, counter: list | None = None) -> Iterator[list[str]]:
    """Every row of a CSV file as lists of strings; ``counter[0]`` tracks the bytes read."""
    return text.csv_rows(path, layout.encoding, layout.delimiter, layout.filename or "CSV", layout.limits, counter)


def check_xlsx(path: str, filename: str = "") -> None:
    """Refuse a workbook that is not a valid zip or that would expand out of all proportion."""
    check_zip(path, filename or "xlsx")


def xlsx_rows(path: str, counter: list | None = None, layout: Layout | None = None) -> Iterator[list]:
    """Rows of the first sheet, read in streaming mode."""
    layout = layout or Layout(kind="xlsx")
    check_xlsx(path, layout.filename)
    return workbook_rows(path, layout.filename or "xlsx", layout.limits, counter)


def rows(path: str, layout: Layout, counter: list | None = None) -> Iterator[list]:
    """Rows of the file in ``layout``, refused at the first broken row, column or cell limit."""
    if layout.kind == "xlsx":
        return xlsx_rows(path, counter, layout)
    return csv_rows(path, layout, counter)


def detect_layout(path: str, filename: str, overrides: dict | None = None) -> Layout:
    """Encoding, delimiter and header rows of a file (user overrides win)."""
    overrides = {k: v for k, v in (overrides or {}).items() if v not in (None, "")}
    layout = Layout(kind=file_kind(path, filename), filename=filename)
    if layout.kind == "csv":
        with open(path, "rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
        layout.encoding = overrides.get("encoding") or detect_encoding(sample, filename)
        text = read_sample_text(path, layout.encoding)
        layout.delimiter = overrides.get("delimiter") or detect_delimiter(text)
        if layout.delimiter == "\\t":
            layout.delimiter = "\t"
    head = []
    for row in rows(path, layout):
        head.append([str(c) if c is not None else "" for c in row])
        if len(head) >= 8:
            break
    if not any(any(c.strip() for c in r) for r in head):
        raise InvalidInput({"file": _("The file is empty.")})
    if "header_row" in overrides:
        layout.header_row = int(overrides["header_row"])
    else:
        scores = [header_score(r) for r in head[:5]]
        layout.header_row = max(range(len(scores)), key=lambda i: (scores[i], -i))
    if layout.header_row >= len(head):
        raise InvalidInput({"header_row": _("The file has no row %(row)d.", row=layout.header_row + 1)})
    layout.headers = [h.strip() for h in head[layout.header_row]]
    if "extra_header_rows" in overrides:
        layout.extra_header_rows = int(overrides["extra_header_rows"])
    else:
        extra = 0
        for row in head[layout.header_row + 1 : layout.header_row + 3]:
            if is_extra_header_row(row, layout.headers):
                extra += 1
            else:
                break
        layout.extra_header_rows = extra
    return layout
