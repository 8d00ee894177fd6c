"""What a sheet looks like: an FMEA table (header block, columns), a rating key, empty or something else."""

import re
from dataclasses import dataclass, field

from workbench.dates import to_latin_digits
from workbench.fmea.workbook import vocabulary as vocab
from workbench.fmea.workbook.reading import Sheet

HEADER_SEARCH_ROWS = 60
CORE = ("failure_mode", "failure_cause", "failure_effect")
KEY_WORDS = ("rating", "ranking", "rank", "criteria", "scale", "legend", "evaluation", "معیار", "رتبه", "مقیاس", "راهنما")
GROUP_WORDS = (
    "analysis", "control", "result", "action", "step", "optimi", "structure", "function", "failure", "risk", "rating",
    "evaluation", "improvement", "current", "تحلیل", "کنترل", "نتایج", "اقدام", "ارزیابی", "بهبود", "ریسک", "خرابی",
)
TITLE_WORDS = ("fmea", "failure mode and effect", "failure modes and effect", "تجزیه و تحلیل حالات", "تحلیل حالات خرابی")


@dataclass
class Column:
    """One sheet column: its title parts, the field it maps to and how that was found."""

    index: int
    parts: list[str]
    field: str | None = None
    how: str = "none"
    score: float = 0
    note: str = ""

    @property
    def letter(self) -> str:
        from openpyxl.utils import get_column_letter  # openpyxl takes half a second to load: only when a workbook is made

        return get_column_letter(self.index + 1)

    @property
    def title(self) -> str:
        return " / ".join(self.parts)


@dataclass
class Layout:
    """Where the header block is (0-based rows), where data starts and what each column holds."""

    kind: str  # "fmea", "rating_key", "empty", "other"
    header_rows: tuple[int, int] | None = None
    data_start: int = 0
    columns: list[Column] = field(default_factory=list)
    key_scales: dict[str, int] = field(default_factory=dict)
    own_export: bool = False  # the header carries our key row of field names


def _row_fields(sheet: Sheet, r: int) -> set[str]:
    found = set()
    for c, value in enumerate(sheet.grid[r]):
        if not sheet.own(r, c) or not isinstance(value, str) or len(value) > 120:
            continue
        found_field, how, _score = vocab.match_column([value])
        if found_field and how in ("exact", "fuzzy"):
            found.add(found_field)
    return found


def _anchor(sheet: Sheet) -> tuple[int, set[str]]:
    best = (-1, set())
    for r in range(min(HEADER_SEARCH_ROWS, len(sheet.grid))):
        found = _row_fields(sheet, r)
        score = len(found) + len(found & set(CORE))
        if score > len(best[1]) + len(best[1] & set(CORE)):
            best = (r, found)
    return best


def _is_number(value) -> bool:
    if isinstance(value, str):
        return to_latin_digits(value.strip()).replace(".", "", 1).rstrip("%").isdigit()
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _own_texts(sheet: Sheet, r: int) -> list[str]:
    return [sheet.text(r, c) for c in range(len(sheet.grid[r])) if sheet.own(r, c)]


def _header_like(sheet: Sheet, r: int) -> bool:
    """A row of titles or sub-titles: no numbers, mostly known words or single letters."""
    cells = [sheet.grid[r][c] for c in range(len(sheet.grid[r])) if sheet.own(r, c)]
    if not cells:
        return any(sheet.continued[r])
    if any(_is_number(v) for v in cells):
        return False
    texts = [str(v).strip() for v in cells]
    known = sum(1 for t in texts if len(t) == 1 and t.isalpha() or vocab.is_known(t) and len(t) <= 80)
    return known * 2 >= len(texts)


def _group_like(sheet: Sheet, r: int, width: int) -> bool:
    """A row of group titles above the header (merged across columns), not the form's big title."""
    own = [c for c in range(len(sheet.grid[r])) if sheet.own(r, c)]
    if not own or any(_is_number(sheet.grid[r][c]) for c in own):
        return False
    texts = [sheet.text(r, c).casefold() for c in own]
    if len(own) == 1 and (sum(sheet.continued[r]) + 1 >= 0.8 * width or any(w in texts[0] for w in TITLE_WORDS)):
        return False
    if any(":" in t for t in texts):  # "Item: ..." lines of the title block
        return False
    if not all(any(w in t for w in GROUP_WORDS) or vocab.is_known(t) for t in texts):
        return False
    return True


def column_parts(sheet: Sheet, rows: range, c: int) -> list[str]:
    """The texts of one column down the header block, a merged title counted once."""
    parts: list[str] = []
    for r in rows:
        text = sheet.text(r, c)
        if text and (not parts or parts[-1] != text):
            parts.append(text)
    return parts


def find_layout(sheet: Sheet) -> Layout:
    """Classify the sheet and, for an FMEA, find its header block and map its columns."""
    rows, width = sheet.size
    if not rows or not any(sheet.text(r, c) for r in range(rows) for c in range(width)):
        return Layout(kind="empty")
    anchor, found = _anchor(sheet)
    if anchor < 0 or len(found) < 3 and not (len(found) >= 2 and found & set(CORE)):
        return Layout(kind="rating_key" if _looks_like_key(sheet) else "other", key_scales=key_scales(sheet))
    first = anchor
    while first > 0 and anchor - first < 3 and _group_like(sheet, first - 1, width):
        first -= 1
    last = anchor
    while last + 1 < rows and last - anchor < 3 and _header_like(sheet, last + 1):
        last += 1
    block = range(first, last + 1)
    columns = [Column(index=c, parts=column_parts(sheet, block, c)) for c in range(width)]
    for column in columns:
        column.field, column.how, column.score = vocab.match_column(column.parts)
    key_row = next((r for r in block if sum(1 for v in sheet.grid[r] if isinstance(v, str) and v in vocab.MAPPABLE) >= 5), None)
    own_export = key_row is not None
    if own_export:  # our key row names every column exactly
        for column in columns:
            key = sheet.text(key_row, column.index)
            column.field, column.how, column.score = (key, "exact", 100) if key in vocab.MAPPABLE else (None, "none", 0)
    else:
        assign_blocks(columns)
    return Layout(kind="fmea", header_rows=(first, last), data_start=last + 1, columns=columns, own_export=own_export)


def assign_blocks(columns: list[Column]) -> None:
    """First S/O/D (RPN, AP) block is the initial rating, a repeated one the revised; a third is left out with a note."""
    seen: set[str] = set()
    for column in columns:
        name = column.field
        if name is None:
            continue
        if name in vocab.REPEATABLE:
            revised = "revised_" + name
            if (name in seen or vocab.is_revised_title(column.parts[:-1])) and revised not in seen:
                name = revised
            elif name in seen:
                column.field, column.how, column.note = None, "repeated", name
                continue
        elif name in seen and name not in vocab.TEXT_JOINED:
            column.field, column.how, column.note = None, "repeated", name
            continue
        column.field = name
        seen.add(name)


def _looks_like_key(sheet: Sheet) -> bool:
    rows, width = sheet.size
    texts = " ".join(sheet.text(r, c).casefold() for r in range(min(rows, 40)) for c in range(min(width, 20)))
    if any(word in texts for word in KEY_WORDS):
        return True
    for c in range(min(width, 10)):
        numbers = [sheet.grid[r][c] for r in range(rows) if _is_number(sheet.grid[r][c])]
        if len(set(numbers) & set(range(1, 11))) >= 5:
            return True
    return False


_SCALE = re.compile(r"(\d+)\s*(?:-|–|—|to|تا|\.\.)\s*(\d+)")


def key_scales(sheet: Sheet) -> dict[str, int]:
    """Highest rank of each rating in a rating key sheet (e.g. a 1-6 severity key gives ``{"severity": 6}``)."""
    rows, width = sheet.size
    found: dict[str, int] = {}
    for r in range(rows):
        for c in range(width):
            name = vocab.norm(sheet.text(r, c))
            if not name or vocab.vocabulary().get(name) not in vocab.RATINGS:
                continue
            rating = vocab.vocabulary()[name]
            numbers = set()
            for rr in range(r + 1, min(rows, r + 16)):
                row_numbers = [v for v in sheet.grid[rr][max(0, c - 1) : c + 2] if _is_number(v) and float(v).is_integer()]
                if not row_numbers:
                    if numbers:
                        break
                    continue
                numbers.add(int(row_numbers[0]))
            if len(numbers) >= 3 and numbers == set(range(min(numbers), max(numbers) + 1)) and min(numbers) in (0, 1):
                found.setdefault(rating, max(numbers))
    return found
