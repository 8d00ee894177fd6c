"""Reading messy exports: encodings, delimiters, quoted line breaks, xlsx (guarded against zip bombs)."""

import codecs
import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from workbench.validation import InvalidInput

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1256")
DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 256 * 1024
# An .xlsx is a zip: refuse archives that expand far beyond their size (zip bombs).
XLSX_MAX_UNCOMPRESSED = 800 * 1024 * 1024
XLSX_MAX_RATIO = 150

csv.field_size_limit(10 * 1024 * 1024)


@dataclass
class Layout:
    """How a file is written; detected, then possibly overridden by the user."""

    kind: str = "csv"  # csv or xlsx
    encoding: str = "utf-8"
    delimiter: str = ","
    header_row: int = 0  # 0-based index of the row with the column names
    extra_header_rows: int = 0  # rows after it that are not data (SurveyMonkey 1, Qualtrics 2)
    headers: list[str] = field(default_factory=list)

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


def detect_encoding(sample: bytes) -> str:
    """The text encoding of ``sample``; refuses binary files."""
    if not sample.strip():
        raise InvalidInput({"file": _("The file is empty.")})
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    even_nuls = sample[1::2].count(0)
    if len(sample) > 3 and even_nuls > len(sample) // 4 and sample[0::2].count(0) == 0:
        return "utf-16-le"
    if b"\x00" in sample:
        raise InvalidInput({"file": _("This is not a text (CSV) file: it contains binary data.")})
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if controls > len(sample) // 100 + 2:
        raise InvalidInput({"file": _("This is not a text (CSV) file: it contains binary data.")})
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1256"


def _rows_of(text: str, delimiter: str, limit: int = 40) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the sample into the most consistent, widest rows."""
    # Drop a possibly cut last line so it does not count as ragged.
    if "\n" in text:
        text = text[: text.rfind("\n")]
    best, best_score = ",", -1.0
    for delimiter in DELIMITERS:
        rows = [r for r in _rows_of(text, delimiter) if any(c.strip() for c in r)]
        if not rows:
            continue
        widths = Counter(len(r) for r in rows)
        width, count = widths.most_common(1)[0]
        if width < 2:
            continue
        score = count / len(rows) * 10 + width
        if score > best_score:
            best, best_score = delimiter, score
    if best_score < 0:
        raise InvalidInput(
            {"file": _("Could not split the rows into columns: no comma, semicolon, tab or | delimiter gives more than one column.")}
        )
    return best


def read_sample_text(path: str, encoding: str) -> str:
    with open(path, "rb") as handle:
        raw = handle.read(SAMPLE_BYTES)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(raw, final=False)


class CountingReader(io.RawIOBase):
    """Wraps a binary file and counts the bytes read, for progress."""

    def __init__(self, handle):
        self.handle = handle
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.handle.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


def csv_rows(path: str, layout: Layout, counter: list | None = None) -> Iterator[list[str]]:
    """Every row of a CSV file as lists of strings; ``counter[0]`` tracks the bytes read."""
    raw = open(path, "rb")  # noqa: SIM115  (closed in finally)
    counting = CountingReader(raw)
    text = io.TextIOWrapper(io.BufferedReader(counting, 1024 * 1024), encoding=layout.encoding, newline="")
    reader = csv.reader(text, delimiter=layout.delimiter, strict=False)
    line = 0
    try:
        for row in reader:
            line += 1
            if counter is not None:
                counter[0] = counting.count
            yield row
    except UnicodeDecodeError:
        raise InvalidInput(
            {"file": _("Row %(row)d is not valid %(encoding)s text; choose the file's encoding.", row=line + 1, encoding=layout.encoding)}
        ) from None
    except csv.Error as error:
        raise InvalidInput({"file": _("Row %(row)d cannot be read: %(reason)s", row=line + 1, reason=str(error))}) from None
    finally:
        text.close()
        raw.close()


def check_xlsx(path: str) -> None:
    """Refuse a workbook that is not a valid zip or that would expand out of all proportion."""
    import os

    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InvalidInput({"file": _("The Excel file is damaged (not a valid .xlsx).")}) from None
    with archive:
        total = sum(info.file_size for info in archive.infolist())
        packed = max(os.path.getsize(path), 1)
        if total > XLSX_MAX_UNCOMPRESSED or total / packed > XLSX_MAX_RATIO:
            raise InvalidInput(
                {"file": _("The Excel file expands to %(mb)d MB (%(ratio)d times its size); refused as a possible zip bomb.", mb=total // 2**20, ratio=total // packed)}
            )
        if "xl/workbook.xml" not in archive.namelist():
            raise InvalidInput({"file": _("The Excel file is damaged (not a valid .xlsx).")})


def xlsx_rows(path: str, counter: list | None = None) -> Iterator[list]:
    """Rows of the first sheet, read in streaming mode."""
    import openpyxl

    check_xlsx(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:
        raise InvalidInput({"file": _("The Excel file is damaged (not a valid .xlsx).")}) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            if counter is not None:
                counter[0] += 1
            yield ["" if v is None else (v if isinstance(v, (date, str)) else _cell_text(v)) for v in row]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def rows(path: str, layout: Layout, counter: list | None = None) -> Iterator[list]:
    """Rows of the file in ``layout``."""
    if layout.kind == "xlsx":
        return xlsx_rows(path, counter)
    return csv_rows(path, layout, counter)


def detect_layout(path: str, filename: str, overrides: dict | None = None) -> Layout:
    """Encoding, delimiter and header rows of a file (user overrides win)."""
    from workbench.complaint_import.mapping import header_score, is_extra_header_row

    overrides = {k: v for k, v in (overrides or {}).items() if v not in (None, "")}
    layout = Layout(kind=file_kind(path, filename))
    if layout.kind == "csv":
        with open(path, "rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
        layout.encoding = overrides.get("encoding") or detect_encoding(sample)
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
