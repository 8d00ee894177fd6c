"""The complaint import: read, check every row, normalise, classify, then store everything in one transaction.

Rows are checked and classified while the file streams through, spooled to a
temporary file, and only then written in a single transaction: a failure or a
cancel part-way leaves the database as it was.
"""

import hashlib
import json
import operator
import os
import pickle
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, select, text, update

from workbench.complaint_import import dates, mapping, reading
from workbench.complaint_import.classify import Classifier
from workbench.complaint_import.textnorm import normalise
from workbench.extensions import db
from workbench.models import utcnow
from workbench.validation import InvalidInput

CHUNK = 5000
PREVIEW_ROWS = 10
MAX_KEPT_ERRORS = 5000
FORMULA = re.compile(r"^[=+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*\(|^=")
_FORMULA_START = re.compile("\x00[=+\\-@]")
LIMITS = {"external_id": 120, "channel": 40, "customer": 200, "product": 200}


class ImportCancelled(Exception):
    """The user cancelled the import; nothing was stored."""


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


@dataclass
class ImportOptions:
    source: str
    mapping: dict[str, str] = field(default_factory=dict)
    layout: dict = field(default_factory=dict)
    date_order: str | None = None
    skip_bad_rows: bool = False
    dry_run: bool = False
    job_id: int | None = None
    spool: bool = False  # check everything before writing (keeps SQLite free for progress updates)


@dataclass
class Outcome:
    layout: dict
    mapping: dict[str, str]
    date_order: str | None
    preview: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    good: int = 0
    bad: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False

    @property
    def rejected(self) -> int:
        return self.bad

    def summary(self) -> dict:
        return {"new": self.new, "updated": self.updated, "unchanged": self.unchanged, "rejected": self.rejected, "good": self.good, "bad": self.bad}


def content_hash(received_at: date, text: str, channel, customer, product, attributes) -> str:
    """A fingerprint of what a row says, to spot unchanged rows and rows without an ID."""
    if isinstance(attributes, dict):
        attributes = json.dumps(attributes, ensure_ascii=False, sort_keys=True)
    payload = "\x1f".join((received_at.isoformat(), text, channel or "", customer or "", product or "", attributes or ""))
    return hashlib.sha1(payload.encode()).hexdigest()


def _clean_source(source: str) -> str:
    source = (source or "").strip()
    if not source:
        raise InvalidInput({"source": _("Name the source of the file (e.g. crm, call-centre).")})
    if len(source) > 80:
        raise InvalidInput({"source": _("The source name is longer than 80 characters.")})
    return source


def _date_order(path, layout, column: int, chosen: str | None, header: str) -> str | None:
    if chosen:
        if chosen not in ("iso", "dmy", "mdy", "jalali", "jalali_dmy"):
            raise InvalidInput({"date_order": _("Date order must be one of iso, dmy, mdy, jalali.")})
        return chosen
    sample = []
    skip = layout.header_row + 1 + layout.extra_header_rows
    for number, row in enumerate(reading.rows(path, layout)):
        if number < skip:
            continue
        if column < len(row) and not isinstance(row[column], date):
            sample.append(str(row[column]))
        if len(sample) >= 5000:
            break
    if not sample:
        return None
    order, problem = dates.decide_order(sample)
    if order is None:
        raise InvalidInput({"received_at": _("Column “%(column)s”: %(problem)s (use --date-order dmy or mdy).", column=header, problem=problem)})
    return order


class Spool:
    """Checked, classified rows waiting for the one transaction that stores them."""

    def __init__(self):
        handle, self.path = tempfile.mkstemp(prefix="wb-import-", suffix=".spool")
        self.file = os.fdopen(handle, "wb")
        self.chunks = 0

    def write(self, new: list[dict], changed: list[dict]) -> None:
        pickle.dump((new, changed), self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.chunks += 1

    def read(self):
        self.file.close()
        with open(self.path, "rb") as handle:
            for _n in range(self.chunks):
                yield pickle.load(handle)

    def close(self) -> None:
        if not self.file.closed:
            self.file.close()
        if os.path.exists(self.path):
            os.unlink(self.path)


def run_import(
    path: str,
    filename: str,
    options: ImportOptions,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Outcome:
    """Import one complaint file; stores nothing on dry runs, on bad rows (unless skipped) or on failure.

    Rows are written in the session's transaction (or spooled first with
    ``options.spool``); the caller commits only when ``outcome.committed``.
    """
    from workbench.complaint_import.defaults import ensure_defaults
    from workbench.complaint_import.models import Complaint
    from workbench.teams.models import ProcessOwner

    source = _clean_source(options.source)
    layout = reading.detect_layout(path, filename, options.layout)
    headers = layout.headers
    indexes = mapping.resolve(headers, mapping.guess(headers), options.mapping)
    date_col = indexes["received_at"]
    order = _date_order(path, layout, date_col, options.date_order, headers[date_col])
    outcome = Outcome(layout=layout.as_dict(), mapping={f: headers[i] for f, i in indexes.items()}, date_order=order)

    ensure_defaults()
    owner_ids = dict(db.session.execute(select(ProcessOwner.key, ProcessOwner.id)).all())
    classifier = Classifier.load()
    existing = {
        ext: (cid, chash, confirmed)
        for ext, cid, chash, confirmed in db.session.execute(
            select(Complaint.external_id, Complaint.id, Complaint.content_hash, Complaint.confirmed).where(Complaint.source == source)
        )
    }
    writes = not options.dry_run
    if writes and db.engine.dialect.name == "sqlite":
        # Index pages of a big table must stay in memory while a file streams in (bounded: 256 MB).
        db.session.execute(text("PRAGMA cache_size=-262144"))
    spool = Spool() if options.spool and writes else None
    if writes and spool is None:
        _ensure_source(source)
    build = _RowBuilder(headers, indexes, order, source, options.job_id)
    seen: dict[str, tuple[int, str]] = {}
    width = len(headers)
    skip = layout.header_row + 1 + layout.extra_header_rows
    counter = [0]
    pending: list[dict] = []
    pending_changed: list[dict] = []
    labels_of: dict[str, tuple] = {}
    now = utcnow()

    def flush_chunk():
        rows = pending + pending_changed
        if len(labels_of) > 200000:  # bounded memory: forget and relearn
            labels_of.clear()
        unknown = list(dict.fromkeys(r["text_norm"] for r in rows if r["text_norm"] not in labels_of))
        for known, label in zip(unknown, classifier.classify(unknown), strict=True):
            labels_of[known] = (owner_ids.get(label.owner), label.category, label.owner_confidence, label.category_confidence, label.confidence, label.source)
        for row in rows:
            if row.pop("_keep_labels", False):
                continue
            (row["process_owner_id"], row["category"], row["owner_confidence"], row["category_confidence"], row["confidence"], row["label_source"]) = labels_of[row["text_norm"]]
        for row in rows[: max(0, PREVIEW_ROWS - len(outcome.preview))]:
            outcome.preview.append(_preview(row, owner_ids))
        if spool is not None:
            spool.write(list(pending), list(pending_changed))
        elif writes:
            _write_chunk(pending, pending_changed, now)
        pending.clear()
        pending_changed.clear()

    try:
        for number, row in enumerate(reading.rows(path, layout, counter), start=1):
            if number <= skip or not any(row):
                continue
            problems = _check_row(number, row, width, headers)
            record = None
            if not problems:
                record, problems = build(number, row)
            if not problems:
                ext = record["external_id"]
                if ext in seen:
                    if record["content_hash"] == seen[ext][1]:
                        outcome.unchanged += 1
                        continue
                    column = headers[indexes["external_id"]] if "external_id" in indexes else "—"
                    problems = [RowError(number, column, ext, _("the same ID is already used by row %(row)d", row=seen[ext][0]))]
            if problems:
                outcome.bad += 1
                if len(outcome.errors) < MAX_KEPT_ERRORS:
                    outcome.errors.extend(problems)
                continue
            seen[ext] = (number, record["content_hash"])
            outcome.good += 1
            if ext in existing:
                cid, chash, confirmed = existing[ext]
                if chash == record["content_hash"]:
                    outcome.unchanged += 1
                    continue
                record["id"] = cid
                record["_keep_labels"] = confirmed
                pending_changed.append(record)
                outcome.updated += 1
            else:
                pending.append(record)
                outcome.new += 1
            if len(pending) + len(pending_changed) >= CHUNK:
                flush_chunk()
                if progress:
                    progress(number, counter[0], "reading")
                if cancelled and cancelled():
                    raise ImportCancelled()
        flush_chunk()
        if progress:
            progress(outcome.good + outcome.bad, counter[0], "reading")
        if options.dry_run or (outcome.bad and not options.skip_bad_rows):
            return outcome
        if spool is not None:
            _ensure_source(source)
            _store(spool, progress, cancelled, now)
        outcome.committed = True
        return outcome
    finally:
        if spool is not None:
            spool.close()


def _check_row(number: int, cells: list, width: int, headers: list[str]) -> list[RowError]:
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


class _RowBuilder:
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


def _preview(row: dict, owner_ids: dict[str, int]) -> dict:
    owners = {v: k for k, v in owner_ids.items()}
    return {
        "external_id": row["external_id"],
        "received_at": row["received_at"].isoformat(),
        "text": row["text"],
        "channel": row["channel"],
        "customer": row["customer"],
        "product": row["product"],
        "process_owner": owners.get(row.get("process_owner_id")),
        "category": row.get("category"),
        "confidence": row.get("confidence"),
    }


LABEL_COLUMNS = ("process_owner_id", "category", "confidence", "owner_confidence", "category_confidence", "label_source")
CONTENT_COLUMNS = ("received_at", "text", "text_norm", "content_hash", "channel", "customer", "product", "attributes", "import_job_id")


def _ensure_source(source: str) -> None:
    from workbench.complaint_import.models import ComplaintSource

    if db.session.scalar(select(ComplaintSource.id).where(ComplaintSource.name == source)) is None:
        db.session.add(ComplaintSource(name=source, kind="complaints"))
        db.session.flush()


_INSERT_COLUMNS = (
    "source", "external_id", "received_at", "text", "text_norm", "content_hash", "channel", "customer", "product",
    "attributes", "confirmed", "import_job_id", *LABEL_COLUMNS, "created_at", "updated_at", "version",
)


def _bulk_insert(rows: list[dict], now) -> None:
    """Core ``insert()`` compiled once, run as one executemany on the session's connection.

    Values are converted with each column's own bind processor, so what is
    stored is exactly what the ORM would store; only the per-row
    bookkeeping of the ORM layer is skipped (it dominates a 1M-row import).
    """
    from workbench.complaint_import.models import Complaint

    table = Complaint.__table__
    connection = db.session.connection()
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(_INSERT_COLUMNS))
    constants = {"created_at": now, "updated_at": now, "version": 1, "confirmed": False}
    processors = {}
    for name in _INSERT_COLUMNS:
        processor = table.c[name].type._cached_bind_processor(dialect)
        if name == "attributes":
            processor = None  # serialised already (see _RowBuilder)
        if name in constants:
            constants[name] = processor(constants[name]) if processor else constants[name]
        elif processor is not None:
            processors[name] = processor
    date_processor = processors.pop("received_at", None)
    for row in rows:
        row.update(constants)
        if date_processor is not None:
            row["received_at"] = date_processor(row["received_at"])
        for name, processor in processors.items():
            if row.get(name) is not None:
                row[name] = processor(row[name])
    if compiled.positiontup is not None:
        params = list(map(operator.itemgetter(*compiled.positiontup), rows))
    else:
        params = rows
    connection.exec_driver_sql(str(compiled), params)


def _write_chunk(new: list[dict], changed: list[dict], now) -> None:
    """Insert new rows and update changed ones (Core executemany) in the session's transaction."""
    from workbench.complaint_import.models import Complaint

    table = Complaint.__table__
    if new:
        _bulk_insert(new, now)
    for row in changed:
        if isinstance(row.get("attributes"), str):
            row["attributes"] = json.loads(row["attributes"])
    relabel = [r for r in changed if "process_owner_id" in r]
    keep = [r for r in changed if "process_owner_id" not in r]  # confirmed labels stay as the user set them
    for rows, columns in ((relabel, CONTENT_COLUMNS + LABEL_COLUMNS), (keep, CONTENT_COLUMNS)):
        if not rows:
            continue
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({**{c: bindparam("b_" + c) for c in columns}, "updated_at": now, "version": table.c.version + 1})
        )
        params = [{"b_id": r["id"], **{"b_" + c: r.get(c) for c in columns}} for r in rows]
        db.session.execute(stmt, params, execution_options={"synchronize_session": False})


def _store(spool: Spool, progress, cancelled, now) -> None:
    """Write the spooled rows in the session's transaction; the caller commits or rolls back."""
    written = 0
    for new, changed in spool.read():
        _write_chunk(new, changed, now)
        written += len(new) + len(changed)
        if progress:
            progress(written, 0, "writing")
        if cancelled and cancelled():
            raise ImportCancelled()
