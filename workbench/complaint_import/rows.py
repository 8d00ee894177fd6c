"""One row of an export: checked cell by cell and turned into a complaint record."""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from workbench.complaint_import import dates
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
    """Turns one row's cells into a complaint record, or says what is wrong with it."""

    def __init__(self, headers, indexes, order, source, job_id):
        self.headers = headers
        self.order = order or "iso"
        self.source = source
        self.job_id = job_id
        self.text_col = indexes["text"]
        self.date_col = indexes["received_at"]
        self.id_col = indexes.get("external_id")
        self.optional = [(f, indexes.get(f)) for f in ("channel", "customer", "product")]
        self.other = [(i, h) for i, h in enumerate(headers) if i not in indexes.values() and h]
        self.dates: dict[str, date | str] = {}
        self.channels: dict[str, str | None] = {}

    def _date(self, raw) -> date | str:
        """A date, or the reason it is not one (cached: exports repeat dates)."""
        if isinstance(raw, date):
            return raw.date() if hasattr(raw, "hour") else raw
        value = self.dates.get(raw)
        if value is None:
            if not raw.strip():
                value = _("the date is empty")
            else:
                try:
                    value = dates.parse(raw, self.order)
                except dates.DateError as error:
                    value = str(error)
            if len(self.dates) < 100000:
                self.dates[raw] = value
        return value

    def __call__(self, number: int, cells: list) -> tuple[dict | None, list[RowError]]:
        problems = []
        headers = self.headers
        text = cells[self.text_col]
        if not isinstance(text, str):
            text = str(text)
        if not text.strip():
            problems.append(RowError(number, headers[self.text_col], "", _("the complaint text is empty")))
        received = self._date(cells[self.date_col])
        if isinstance(received, str):
            problems.append(RowError(number, headers[self.date_col], str(cells[self.date_col]), received))
        fields = {"external_id": self.id_col}
        fields.update(self.optional)
        values = {}
        for field_name, index in fields.items():
            if index is None:
                values[field_name] = None
                continue
            value = cells[index]
            value = (value if isinstance(value, str) else str(value)).strip() or None
            if value is not None and len(value) > LIMITS[field_name]:
                problems.append(RowError(number, headers[index], value[:80], _("longer than %(limit)d characters", limit=LIMITS[field_name])))
            values[field_name] = value
        if problems:
            return None, problems
        attributes = None
        if self.other:
            kept = {h: (cells[i].isoformat() if isinstance(cells[i], date) else cells[i]) for i, h in self.other if i < len(cells) and str(cells[i]).strip()}
            # Serialised once: the same text feeds the fingerprint and the JSON column.
            attributes = json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else None
        raw_channel = values["channel"]
        if raw_channel is None:
            channel = None
        else:
            channel = self.channels.get(raw_channel)
            if channel is None:
                channel = _channel(raw_channel)
                if len(self.channels) < 10000:
                    self.channels[raw_channel] = channel
        customer, product = values["customer"], values["product"]
        chash = content_hash(received, text, channel, customer, product, attributes)
        return {
            "source": self.source,
            "external_id": values["external_id"] or "#" + chash[:20],
            "received_at": received,
            "text": text,
            "text_norm": normalise(text),
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
