"""The complaint import: read, check every row, normalise, classify, then store everything in one transaction.

Rows are checked and classified while the file streams through, spooled to a
temporary file, and only then written in a single transaction: a failure or a
cancel part-way leaves the database as it was.
"""

import hashlib
import json
import os
import pickle
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, select, update

from workbench.complaint_import import dates, mapping, reading
from workbench.complaint_import.classify import Classifier
from workbench.complaint_import.textnorm import normalise
from workbench.extensions import db
from workbench.validation import InvalidInput

CHUNK = 5000
PREVIEW_ROWS = 10
MAX_KEPT_ERRORS = 5000
FORMULA = re.compile(r"^[=+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*\(|^=")
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
    payload = json.dumps([received_at.isoformat(), text, channel, customer, product, attributes], ensure_ascii=False, sort_keys=True)
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
    """Import one complaint file; stores nothing on dry runs, on bad rows (unless skipped) or on failure."""
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
    seen: dict[str, int] = {}
    field_cols = {f: i for f, i in indexes.items()}
    other_cols = [(i, h) for i, h in enumerate(headers) if i not in indexes.values() and h]
    width = len(headers)
    skip = layout.header_row + 1 + layout.extra_header_rows
    counter = [0]
    spool = Spool()
    pending: list[dict] = []
    pending_changed: list[dict] = []

    def flush_chunk():
        rows = pending + pending_changed
        labels = classifier.classify([r["text_norm"] for r in rows])
        for row, label in zip(rows, labels, strict=True):
            if row.pop("_keep_labels", False):
                continue
            row["process_owner_id"] = owner_ids.get(label.owner)
            row["category"] = label.category
            row["owner_confidence"] = label.owner_confidence
            row["category_confidence"] = label.category_confidence
            row["confidence"] = label.confidence
            row["label_source"] = label.source
        for row in rows:
            if len(outcome.preview) < PREVIEW_ROWS:
                outcome.preview.append(_preview(row, owner_ids))
        spool.write(list(pending), list(pending_changed))
        pending.clear()
        pending_changed.clear()

    try:
        for number, row in enumerate(reading.rows(path, layout, counter), start=1):
            if number <= skip:
                continue
            cells = [c if isinstance(c, date) else str(c) for c in row]
            if not any(str(c).strip() for c in cells):
                continue
            problems = _check_row(number, cells, width, headers)
            record = None
            if not problems:
                record, problems = _build(number, cells, field_cols, other_cols, headers, order, source)
            if record is not None and not problems:
                ext = record["external_id"]
                if ext in seen:
                    if record["content_hash"] == seen[ext][1]:
                        outcome.unchanged += 1
                        continue
                    problems = [RowError(number, headers[field_cols.get("external_id", 0)], ext, _("the same ID is already used by row %(row)d", row=seen[ext][0]))]
            if problems:
                outcome.bad += 1
                if len(outcome.errors) < MAX_KEPT_ERRORS:
                    outcome.errors.extend(problems)
                continue
            seen[ext] = (number, record["content_hash"])
            outcome.good += 1
            if options.job_id:
                record["import_job_id"] = options.job_id
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
        _store(spool, source, outcome, progress, cancelled)
        outcome.committed = True
        return outcome
    finally:
        spool.close()


def _check_row(number: int, cells: list, width: int, headers: list[str]) -> list[RowError]:
    problems = []
    if len(cells) < width or any(str(c).strip() for c in cells[width:]):
        reason = _("the row has %(cells)d cells but the header has %(columns)d columns (wrong delimiter or an unquoted delimiter in a cell?)", cells=len(cells), columns=width)
        return [RowError(number, "—", " | ".join(str(c) for c in cells)[:120], reason)]
    for index, cell in enumerate(cells[:width]):
        if isinstance(cell, str) and FORMULA.match(cell):
            problems.append(RowError(number, headers[index], cell, _("the cell looks like a spreadsheet formula; remove it or write it as text")))
    return problems


def _build(number, cells, field_cols, other_cols, headers, order, source) -> tuple[dict | None, list[RowError]]:
    problems = []
    values = {}
    for field_name, index in field_cols.items():
        cell = cells[index]
        values[field_name] = cell if isinstance(cell, date) else cell.strip()
    text = cells[field_cols["text"]]
    if not text.strip():
        problems.append(RowError(number, headers[field_cols["text"]], "", _("the complaint text is empty")))
    raw_date = values["received_at"]
    received = dates.parse_excel(raw_date)
    if received is None:
        if not raw_date:
            problems.append(RowError(number, headers[field_cols["received_at"]], "", _("the date is empty")))
        else:
            try:
                received = dates.parse(raw_date, order or "iso")
            except dates.DateError as error:
                problems.append(RowError(number, headers[field_cols["received_at"]], raw_date, str(error)))
    for field_name, limit in LIMITS.items():
        value = values.get(field_name)
        if value and len(value) > limit:
            problems.append(RowError(number, headers[field_cols[field_name]], value[:80], _("longer than %(limit)d characters", limit=limit)))
    if problems:
        return None, problems
    attributes = {header: cells[i] for i, header in other_cols if i < len(cells) and str(cells[i]).strip()}
    attributes = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in attributes.items()} or None
    channel = _channel(values.get("channel"))
    customer = values.get("customer") or None
    product = values.get("product") or None
    chash = content_hash(received, text, channel, customer, product, attributes)
    external_id = values.get("external_id") or "#" + chash[:20]
    return {
        "source": source,
        "external_id": external_id,
        "received_at": received,
        "text": text,
        "text_norm": normalise(text),
        "content_hash": chash,
        "channel": channel,
        "customer": customer,
        "product": product,
        "attributes": attributes,
        "confirmed": False,
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


def _store(spool: Spool, source: str, outcome: Outcome, progress, cancelled) -> None:
    """Write the spooled rows in the session's transaction; the caller commits or rolls back."""
    from workbench.complaint_import.models import Complaint, ComplaintSource
    from workbench.models import utcnow

    if db.session.scalar(select(ComplaintSource.id).where(ComplaintSource.name == source)) is None:
        db.session.add(ComplaintSource(name=source, kind="complaints"))
        db.session.flush()
    table = Complaint.__table__
    now = utcnow()
    written = 0
    columns = ("process_owner_id", "category", "confidence", "owner_confidence", "category_confidence", "label_source")
    for new, changed in spool.read():
        if new:
            for row in new:
                row["created_at"] = row["updated_at"] = now
                row["version"] = 1
                for column in columns:
                    row.setdefault(column, None)
                row.setdefault("import_job_id", None)
            db.session.execute(insert(table), new)
        if changed:
            stmt = (
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    {
                        **{c: bindparam("b_" + c) for c in ("received_at", "text", "text_norm", "content_hash", "channel", "customer", "product", "attributes", *columns)},
                        "updated_at": now,
                        "version": table.c.version + 1,
                    }
                )
            )
            params = []
            for row in changed:
                keep = "process_owner_id" not in row
                if keep:  # confirmed labels stay as the user set them
                    continue
                params.append({"b_" + k: row.get(k) for k in ("id", "received_at", "text", "text_norm", "content_hash", "channel", "customer", "product", "attributes", *columns)})
            if params:
                db.session.execute(stmt, params, execution_options={"synchronize_session": False})
            kept = [r for r in changed if "process_owner_id" not in r]
            if kept:
                keep_stmt = (
                    update(table)
                    .where(table.c.id == bindparam("b_id"))
                    .values({**{c: bindparam("b_" + c) for c in ("received_at", "text", "text_norm", "content_hash", "channel", "customer", "product", "attributes")}, "updated_at": now, "version": table.c.version + 1})
                )
                db.session.execute(
                    keep_stmt,
                    [{"b_" + k: r.get(k) for k in ("id", "received_at", "text", "text_norm", "content_hash", "channel", "customer", "product", "attributes")} for r in kept],
                    execution_options={"synchronize_session": False},
                )
        written += len(new) + len(changed)
        if progress:
            progress(written, 0, "writing")
        if cancelled and cancelled():
            raise ImportCancelled()
