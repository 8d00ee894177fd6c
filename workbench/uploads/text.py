"""Text uploads: encoding found by charset-normalizer, NUL characters dropped, CSV rows held to the table limits."""

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator

import charset_normalizer
from flask_babel import gettext as _

from workbench.uploads.limits import TableLimits
from workbench.uploads.tables import breaks_limits, refuse_row
from workbench.validation import InvalidInput

SAMPLE_BYTES = 256 * 1024
# What Excel and the usual exports write in Persian and English offices. Detection chooses among
# these only: on a few short lines, an open search finds exotic code pages that happen to fit.
DELIMITERS = (",", ";", "\t", "|")
ENCODINGS = ("utf_8", "utf_16", "utf_16_le", "utf_16_be", "utf_32", "cp1256", "cp1252")

csv.field_size_limit(64 * 1024 * 1024)  # cells are held to UPLOAD_MAX_CELL_CHARS with a clearer message


def _whole_lines(sample: bytes) -> bytes:
    """A full sample cut after its last line break, so no character is cut in half."""
    end = sample.rfind(b"\n")
    if end <= 0:
        return sample
    end += 1
    if end < len(sample) and sample[end] == 0:  # UTF-16-LE writes the line break as 0A 00
        end += 1
    return sample[:end]


CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")


def _mostly_control(decoded: str) -> bool:
    # A stray NUL or two is dropped on reading; a file full of control characters is binary, whatever it decodes as.
    return len(CONTROL.findall(decoded[:65536])) > min(len(decoded), 65536) // 100 + 2


def detect_encoding(sample: bytes, filename: str = "", field: str = "file") -> str:
    """The text encoding of ``sample`` (a Python codec name: ``utf-8``, ``utf-8-sig``, ``utf-16``, ``cp1256`` ...)."""
    if not sample.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise InvalidInput({field: _("“%(name)s” is empty.", name=filename)})
    if len(sample) >= SAMPLE_BYTES:
        sample = _whole_lines(sample)
    match = charset_normalizer.from_bytes(sample, cp_isolation=list(ENCODINGS)).best()
    if match is None or _mostly_control(str(match)):
        raise InvalidInput({field: _("“%(name)s” is not a text (CSV) file: it contains binary data.", name=filename)})
    name = codecs.lookup(match.encoding).name
    if name == "utf-8" and match.bom:
        return "utf-8-sig"
    return name


def read_sample(path: str, encoding: str) -> str:
    """The start of a text file, decoded (a cut last character is replaced)."""
    with open(path, "rb") as handle:
        raw = handle.read(SAMPLE_BYTES)
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(raw, final=False).replace("\x00", "")


def read_text(path: str, filename: str, field: str = "file") -> str:
    """A whole (small) text file decoded in its detected encoding, NUL characters dropped."""
    with open(path, "rb") as handle:
        data = handle.read()
    encoding = detect_encoding(data[:SAMPLE_BYTES], filename, field)
    try:
        return data.decode(encoding).replace("\x00", "")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InvalidInput({field: _("“%(name)s”, line %(line)d is not valid %(encoding)s text.", name=filename, line=line, encoding=encoding)}) from None


def _rows_of(text: str, delimiter: str, limit: int = 40) -> list[list[str]]:
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def detect_delimiter(text: str, field: str = "file") -> str:
    """The delimiter (, ; tab |) that splits the sample into the most consistent, widest rows."""
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
            {field: _("Could not split the rows into columns: no comma, semicolon, tab or | delimiter gives more than one column.")}
        )
    return best


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


def _lines(text: Iterable[str], size: list[int]) -> Iterator[str]:
    """The lines of ``text`` without NUL characters (PostgreSQL cannot store them; they mean nothing in a cell),
    adding each line's length to ``size[0]``: a record no longer than the cell limit needs no cell-by-cell check."""
    for line in text:
        size[0] += len(line)
        yield line.replace("\x00", "") if "\x00" in line else line


def csv_rows(path: str, encoding: str, delimiter: str, filename: str, limits: TableLimits, counter: list | None = None, field: str = "file") -> Iterator[list[str]]:
    """Every row of a CSV file as lists of strings, refused at the first broken limit; ``counter[0]`` tracks bytes read."""
    raw = open(path, "rb")  # noqa: SIM115  (closed in finally)
    counting = CountingReader(raw)
    text = io.TextIOWrapper(io.BufferedReader(counting, 1024 * 1024), encoding=encoding, newline="")
    size = [0]
    reader = csv.reader(_lines(text, size), delimiter=delimiter, strict=False)
    number = 0
    cell_chars, columns, rows = limits.cell_chars, limits.columns, limits.rows
    try:
        for row in reader:
            number += 1
            if counter is not None:
                counter[0] = counting.count
            # Cheap tests for every row of a million; the exact one only when a row could break a limit.
            if (size[0] > cell_chars or len(row) > columns or number > rows) and breaks_limits(row, number, limits):
                refuse_row(row, number, filename, limits, field)
            size[0] = 0
            yield row
    except UnicodeDecodeError:
        raise InvalidInput(
            {field: _("“%(name)s”, row %(row)d is not valid %(encoding)s text; choose the file's encoding.", name=filename, row=number + 1, encoding=encoding)}
        ) from None
    except csv.Error as error:
        raise InvalidInput({field: _("“%(name)s”, row %(row)d cannot be read: %(reason)s", name=filename, row=number + 1, reason=str(error)[:200])}) from None
    finally:
        text.close()
        raw.close()


def csv_sheet(path: str, filename: str, limits: TableLimits, field: str = "file") -> list[dict]:
    """A CSV file as one sheet (``[{"name", "rows"}]``), delimiter sniffed among , ; tab |."""
    encoding = detect_encoding(open_sample(path), filename, field)
    delimiter = detect_delimiter(read_sample(path, encoding), field)
    return [{"name": filename, "rows": list(csv_rows(path, encoding, delimiter, filename, limits, field=field))}]


def open_sample(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(SAMPLE_BYTES)
