"""One row of an export: checked cell by cell and turned into a complaint record."""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from hashlib import sha1
from json.encoder import encode_basestring as _json_string

from flask_babel import gettext as _

from workbench import dates
from workbench.complaint_import.textnorm import normalise

FORMULA = re.compile(r"^[=+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*\(|^=")
_FORMULA_START = re.compile("\x00[=+\\-@]")
LIMITS = {"external_id": 120, "channel": 40, "customer": 200, "product": 200}


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


def content_hash(received_at: date, text: str, channel, customer, product, attributes) -> str:
    """A fingerprint of what a row says, to spot unchanged rows and rows without an ID."""
    if isinstance(attributes, dict):
        attributes = json.dumps(attributes, ensure_ascii=False, sort_keys=True)
    payload = "\x1f".join((received_at.isoformat(), text, channel or "", customer or "", product or "", attributes or ""))
    return hashlib.sha1(payload.encode()).hexdigest()

def check_row(number: int, cells: list, width: int, headers: list[str]) -> list[RowError]:
    if len(cells) != width and (len(cells) < width or any(str(c).strip() for c in cells[width:])):
        reason = _("the row has %(cells)d cells but the header has %(columns)d columns (wrong delimiter or an unquoted delimiter in a cell?)", cells=len(cells), columns=width)
        return [RowError(number, "—", " | ".join(str(c) for c in cells)[:120], reason)]
    try:
        joined = "\x00".join(cells)
    except TypeError:  # Excel cells may be dates or numbers
        joined = "\x00".join(c if isinstance(c, str) else "" for c in cells)
    if not _FORMULA_START.search("\x00" + joined):
        return []
    problems = []
    for index, cell in enumerate(cells[:width]):
        if cell and isinstance(cell, str) and cell[0] in "=+-@" and FORMULA.match(cell):
            problems.append(RowError(number, headers[index], cell, _("the cell looks like a spreadsheet formula; remove it or write it as text")))
    return problems


class RowBuilder:
    """Turns one row's cells into a complaint record, or says what is wrong with it.

    Exports repeat dates, channels and complaint texts a lot, so their
    parsed/normalised forms are cached (bounded) instead of recomputed per row.
    """

    CACHE_LIMIT = 50000

    def __init__(self, headers, indexes, order, source, job_id):
        self.headers = headers
        self.order = order or "iso"
        self.source = source
        self.job_id = job_id
        self.text_col = indexes["text"]
        self.date_col = indexes["received_at"]
        self.id_col = indexes.get("external_id")
        self.optional_limits = [(indexes.get(f), LIMITS[f]) for f in ("external_id", "channel", "customer", "product")]
        self.other = [(i, h) for i, h in enumerate(headers) if i not in indexes.values() and h]
        # Unique extra headers: the attribute JSON can be written directly, keys already sorted.
        self.other_sorted = None
        if len({h for _i, h in self.other}) == len(self.other):
            self.other_sorted = [(i, _json_string(h) + ": ") for i, h in sorted(self.other, key=lambda pair: pair[1])]
        self.dates: dict[str, tuple] = {}
        self.channels: dict[str, str | None] = {}
        self.norms: dict[str, str] = {}

    def _date(self, raw) -> date | str:
        """A date, or the reason it is not one."""
        return self._date_iso(raw)[0]

    def _date_iso(self, raw) -> tuple:
        """(date, ISO text) or (reason, None), cached: exports repeat dates."""
        if isinstance(raw, date):
            value = raw.date() if hasattr(raw, "hour") else raw
            return value, value.isoformat()
        found = self.dates.get(raw)
        if found is None:
            if not raw.strip():
                found = (_("the date is empty"), None)
            else:
                try:
                    value = dates.parse(raw, self.order)
                    found = (value, value.isoformat())
                except dates.DateError as error:
                    found = (error.reason, None)
            if len(self.dates) < 100000:
                self.dates[raw] = found
        return found

    def _attributes(self, cells: list) -> str | None:
        """The other columns as sorted JSON text (exactly ``json.dumps(..., ensure_ascii=False, sort_keys=True)``)."""
        count = len(cells)
        if self.other_sorted is not None:
            parts = []
            for i, key in self.other_sorted:
                if i < count:
                    cell = cells[i]
                    if cell.__class__ is str:
                        if cell.strip():
                            parts.append(key + _json_string(cell))
                        continue
                    break  # a date or another type: the general path below
            else:
                return "{" + ", ".join(parts) + "}" if parts else None
        kept = {h: (cells[i].isoformat() if isinstance(cells[i], date) else cells[i]) for i, h in self.other if i < count and str(cells[i]).strip()}
        return json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else None

    def __call__(self, number: int, cells: list) -> tuple[dict | None, list[RowError]]:
        problems = None
        headers = self.headers
        text = cells[self.text_col]
        if text.__class__ is not str:
            text = str(text)
        if not text.strip():
            problems = [RowError(number, headers[self.text_col], "", _("the complaint text is empty"))]
        raw = cells[self.date_col]
        found = self.dates.get(raw) if raw.__class__ is str else None
        received, iso = found if found is not None else self._date_iso(raw)
        if iso is None:
            problems = problems or []
            problems.append(RowError(number, headers[self.date_col], str(raw), received))
        values = []
        for index, limit in self.optional_limits:
            if index is None:
                values.append(None)
                continue
            value = cells[index]
            value = (value if value.__class__ is str else str(value)).strip() or None
            if value is not None and len(value) > limit:
                problems = problems or []
                problems.append(RowError(number, headers[index], value[:80], _("longer than %(limit)d characters", limit=limit)))
            values.append(value)
        if problems:
            return None, problems
        external_id, raw_channel, customer, product = values
        attributes = self._attributes(cells) if self.other else None
        if raw_channel is None:
            channel = None
        else:
            channel = self.channels.get(raw_channel)
            if channel is None:
                channel = _channel(raw_channel)
                if len(self.channels) < 10000:
                    self.channels[raw_channel] = channel
        norm = self.norms.get(text)
        if norm is None:
            if len(self.norms) >= self.CACHE_LIMIT:
                self.norms.clear()
            norm = self.norms[text] = normalise(text)
        # content_hash(), inlined: the ISO date is cached with the parsed one.
        chash = sha1("\x1f".join((iso, text, channel or "", customer or "", product or "", attributes or "")).encode()).hexdigest()
        return {
            "source": self.source,
            "external_id": external_id or "#" + chash[:20],
            "received_at": received,
            "text": text,
            "text_norm": norm,
            "content_hash": chash,
            "channel": channel,
            "customer": customer,
            "product": product,
            "attributes": attributes,
            "confirmed": False,
            "import_job_id": self.job_id,
        }, []


CHANNEL_WORDS = {
    "تلفن": "phone", "تلفنی": "phone", "تماس": "phone", "call": "phone", "telephone": "phone",
    "ایمیل": "email", "رایانامه": "email", "e-mail": "email", "mail": "email",
    "پیامک": "sms", "text message": "sms", "وب": "web", "سایت": "web", "وبسایت": "web", "website": "web", "web form": "web",
    "چت": "chat", "گفتگو": "chat", "حضوری": "in_person", "in person": "in_person", "desk": "in_person",
}


def _channel(value: str | None) -> str | None:
    """A stable channel key: known words in Persian or English map to phone, email, sms, web, chat, in_person."""
    text = normalise(value)
    if not text:
        return None
    return CHANNEL_WORDS.get(text, text.replace(" ", "_"))[:40]
