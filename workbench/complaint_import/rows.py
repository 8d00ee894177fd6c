"""The check and normalise steps: one row of an export checked cell by cell, then turned into a complaint record.

Shared by the complaint and the survey import: ``RowError`` (row, column,
value, reason), ``check_row`` (cell count, spreadsheet formulas),
``convert_date`` (the one place a cell becomes a date) and ``content_hash``.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from flask_babel import gettext as _

from workbench import dates
from workbench.complaint_import import mapping
from workbench.complaint_import.textnorm import normalise

FORMULA = re.compile(r"^[=+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*\(|^=")
_FORMULA_START = re.compile("\x00[=+\\-@]")
LIMITS = {"external_id": 120, "channel": 40, "customer": 200, "product": 200}
# Built once: ``json.dumps`` with options builds a new encoder on every call.
ATTRIBUTES_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
encode_json_string = json.encoder.encode_basestring  # what ATTRIBUTES_JSON writes a string as


@dataclass
class RowError:
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}

    def __str__(self) -> str:
        return _("row %(row)d, column “%(column)s” (value “%(value)s”): %(reason)s", row=self.row, column=self.column, value=self.value[:80], reason=self.reason)


def content_hash(received_iso: str, text: str, channel, customer, product, attributes) -> str:
    """A fingerprint of what a row says, to spot unchanged rows and rows without an ID."""
    if isinstance(attributes, dict):
        attributes = ATTRIBUTES_JSON.encode(attributes)
    payload = "\x1f".join((received_iso, text, channel or "", customer or "", product or "", attributes or ""))
    return hashlib.sha1(payload.encode()).hexdigest()


def convert_date(raw, order: str) -> tuple[str | None, str | None]:
    """The date step: a cell as an ISO date ``(iso, None)``, or ``(None, reason)`` when it is not one."""
    if isinstance(raw, date):  # Excel cells openpyxl already read as dates
        return (raw.date() if hasattr(raw, "hour") else raw).isoformat(), None
    if not str(raw).strip():
        return None, _("the date is empty")
    try:
        return dates.parse(str(raw), order).isoformat(), None
    except dates.DateError as error:
        return None, error.reason


def check_row(number: int, cells: list, width: int, headers: list[str]) -> list[RowError]:
    """The check step for the shape of a row: as many cells as headers, and no spreadsheet formula."""
    if len(cells) != width and (len(cells) < width or any(str(c).strip() for c in cells[width:])):
        reason = _("the row has %(cells)d cells but the header has %(columns)d columns (wrong delimiter or an unquoted delimiter in a cell?)", cells=len(cells), columns=width)
        return [RowError(number, "—", " | ".join(str(c) for c in cells)[:120], reason)]
    # One search over the joined row finds the rare cell that starts like a formula.
    try:
        joined = "\x00".join(cells)
    except TypeError:  # Excel cells may be dates or numbers
        joined = "\x00".join(c if isinstance(c, str) else "" for c in cells)
    if not _FORMULA_START.search("\x00" + joined):
        return []
    return [
        RowError(number, headers[index], cell, _("the cell looks like a spreadsheet formula; remove it or write it as text"))
        for index, cell in enumerate(cells[:width])
        if isinstance(cell, str) and cell and cell[0] in "=+-@" and FORMULA.match(cell)
    ]


@dataclass(slots=True)
class ComplaintRecord:
    """One checked, normalised complaint on its way to the database; labels are filled by the classify step."""

    row: int
    external_id: str
    received_at: str  # ISO date
    text: str
    text_norm: str  # filled for a whole chunk at once (``textnorm.normalise_many``)
    content_hash: str
    channel: str | None
    customer: str | None
    product: str | None
    attributes: str | None  # the file's other columns, as JSON text
    complaint_id: int | None = None  # set when the row changes a complaint already stored
    keep_labels: bool = False  # a person confirmed the stored labels: keep them
    process_owner_id: int | None = None
    category: str | None = None
    confidence: float | None = None
    owner_confidence: float | None = None
    category_confidence: float | None = None
    label_source: str | None = None
    unclassified_reason: str | None = None
    context: str | None = None  # the issue the customer picked (``mapping.issue_columns``), read with the text when classifying

    def classified_text(self) -> str:
        """What the classify step reads: the text and, after it, the picked issue (when it is not the text already)."""
        return self.text + "\n" + self.context if self.context else self.text


class ComplaintNormaliser:
    """The normalise step: one row's cells -> a ``ComplaintRecord``, or the row's errors (row, column, value, reason).

    The record's ``text_norm`` is left empty: ``normalise_many`` fills it for the whole chunk, far faster than text by text.
    """

    def __init__(self, headers: list[str], columns: dict[str, int], order: str | None):
        self.headers = headers
        self.text_col = columns["text"]
        self.issue_cols = mapping.issue_columns(headers, columns)
        self.date_col = columns["received_at"]
        self.optional = [(field, columns.get(field)) for field in ("external_id", "channel", "customer", "product")]
        self.others = [(i, h) for i, h in enumerate(headers) if i not in columns.values() and h]
        # The usual case, text cells under distinct headers: the JSON text written directly, keys in sorted order.
        distinct = len({h for _i, h in self.others}) == len(self.others)
        self.others_json = [(i, encode_json_string(h) + ": ") for i, h in sorted(self.others, key=lambda ih: ih[1])] if distinct else None
        # Exports repeat dates and channels: convert each distinct cell once.
        self.date_of = lru_cache(maxsize=65536)(lambda raw: convert_date(raw, order or "iso"))
        self.channel_of = lru_cache(maxsize=4096)(channel_key)

    def __call__(self, number: int, cells: list) -> tuple[ComplaintRecord | None, list[RowError]]:
        """Check the cells of one row and build its record."""
        problems = []
        text = str(cells[self.text_col])
        context = None
        if self.issue_cols:
            picked = " — ".join(v for v in (str(cells[i]).strip() for i in self.issue_cols if i < len(cells)) if v)
            if not text.strip():  # an empty narrative: the picked issue is all the complaint says
                text = picked
            else:
                context = picked or None
        # An empty text is stored (and left Unclassified as "empty" by the classify step), not refused.
        raw_date = cells[self.date_col]
        received, reason = self.date_of(raw_date)
        if received is None:
            problems.append(RowError(number, self.headers[self.date_col], str(raw_date), reason))
        values = {}
        for field, index in self.optional:
            value = str(cells[index]).strip() or None if index is not None else None
            if value is not None and len(value) > LIMITS[field]:
                problems.append(RowError(number, self.headers[index], value[:80], _("longer than %(limit)d characters", limit=LIMITS[field])))
            values[field] = value
        if problems:
            return None, problems
        channel = self.channel_of(values["channel"]) if values["channel"] else None
        attributes = self.attributes(cells)
        chash = content_hash(received, text, channel, values["customer"], values["product"], attributes)
        record = ComplaintRecord(
            row=number, external_id=values["external_id"] or "#" + chash[:20], received_at=received, text=text, text_norm="",
            content_hash=chash, channel=channel, customer=values["customer"], product=values["product"], attributes=attributes,
            context=context,
        )
        return record, []

    def attributes(self, cells: list) -> str | None:
        """The file's other (unmapped) columns with a value, as sorted JSON text."""
        if self.others_json is not None:
            parts = []
            for index, key in self.others_json:
                cell = cells[index] if index < len(cells) else ""
                if cell.__class__ is not str:  # Excel dates and numbers
                    return self.attributes_of_any(cells)
                if cell and not cell.isspace():
                    parts.append(key + encode_json_string(cell))
            return "{" + ", ".join(parts) + "}" if parts else None
        return self.attributes_of_any(cells)

    def attributes_of_any(self, cells: list) -> str | None:
        """``attributes`` for cells of any kind (dates as ISO text) and repeated headers."""
        kept = {}
        for index, header in self.others:
            if index < len(cells):
                cell = cells[index]
                if isinstance(cell, date):
                    kept[header] = cell.isoformat()
                elif str(cell).strip():
                    kept[header] = cell
        return ATTRIBUTES_JSON.encode(kept) if kept else None

CHANNEL_WORDS = {
    "تلفن": "phone", "تلفنی": "phone", "تماس": "phone", "call": "phone", "telephone": "phone",
    "ایمیل": "email", "رایانامه": "email", "e-mail": "email", "mail": "email",
    "پیامک": "sms", "text message": "sms", "وب": "web", "سایت": "web", "وبسایت": "web", "website": "web", "web form": "web",
    "چت": "chat", "گفتگو": "chat", "حضوری": "in_person", "in person": "in_person", "desk": "in_person",
}


def channel_key(value: str | None) -> str | None:
    """A stable channel key: known words in Persian or English map to phone, email, sms, web, chat, in_person."""
    text = normalise(value)
    if not text:
        return None
    return CHANNEL_WORDS.get(text, text.replace(" ", "_"))[:40]
