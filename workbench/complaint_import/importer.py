"""The complaint import: read, check every row, normalise, classify, then store everything in one transaction.

Rows are checked and classified while the file streams through and written
in the caller's transaction (or spooled first, see ``ImportOptions.spool``);
the caller commits only a finished import, so a failure or a cancel part-way
leaves the database as it was.
"""

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, text

from workbench import dates
from workbench.complaint_import import mapping, pipeline, reading
from workbench.complaint_import.classify import Classifier
from workbench.complaint_import.rows import RowBuilder, RowError, check_row, content_hash
from workbench.complaint_import.storing import ImportCancelled, SecondaryIndexes, Spool, ensure_source, store_spool, write_chunk
from workbench.extensions import db
from workbench.models import utcnow
from workbench.validation import InvalidInput

CHUNK = 5000
PREVIEW_ROWS = 10
MAX_KEPT_ERRORS = 5000
# Files this big are read and classified in a second process while this one writes.
PIPELINE_BYTES = 8 * 2**20

__all__ = ["CHUNK", "ImportCancelled", "ImportOptions", "Outcome", "RowError", "Spool", "content_hash", "run_import"]


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

def _clean_source(source: str) -> str:
    source = (source or "").strip()
    if not source:
        raise InvalidInput({"source": _("Name the source of the file (e.g. crm, call-centre).")})
    if len(source) > 80:
        raise InvalidInput({"source": _("The source name is longer than 80 characters.")})
    return source


def _date_order(path, layout, column: int, chosen: str | None, header: str) -> str | None:
    if chosen:
        if chosen not in dates.ORDERS:
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
    contextual = classifier.contextual
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
        # Rebuilding the indexes after a bulk load sorts a lot: let SQLite use a second core for that.
        db.session.execute(text("PRAGMA threads=2"))
    spool = Spool() if options.spool and writes else None
    if writes and spool is None:
        ensure_source(source)
    build = RowBuilder(headers, indexes, order, source, options.job_id)
    seen: dict[str, int] = {}
    width = len(headers)
    skip = layout.header_row + 1 + layout.extra_header_rows
    counter = [0]
    pending: list[dict] = []
    pending_changed: list[dict] = []
    labels_of: dict[str, tuple] = {}
    bulk_indexes, bulk_checked = SecondaryIndexes(), []
    layout_size = os.path.getsize(path)
    now = utcnow()

    def flush_chunk(store):
        rows = pending + pending_changed
        if len(labels_of) > 200000:  # bounded memory: forget and relearn
            labels_of.clear()
        unknown = list(dict.fromkeys(r["text_norm"] for r in rows if r["text_norm"] not in labels_of))
        for known, label in zip(unknown, classifier.classify(unknown), strict=True):
            labels_of[known] = (
                owner_ids.get(label.owner), label.category, label.owner_confidence, label.category_confidence, label.confidence, label.source,
                label.reason, label if contextual else None,
            )
        for row in rows:
            if row.pop("_keep_labels", False):
                continue
            known = labels_of[row["text_norm"]]
            (row["process_owner_id"], row["category"], row["owner_confidence"], row["category_confidence"], row["confidence"],
             row["label_source"], row["unclassified_reason"]) = known[:7]
            if contextual:  # the owner matrix has cells for particular products or channels
                owner, owner_confidence = classifier.owner_for(known[7], row["text_norm"], row["product"], row["channel"])
                row["process_owner_id"], row["owner_confidence"] = owner_ids.get(owner), owner_confidence
                row["confidence"] = round(min(owner_confidence, row["category_confidence"]), 3)
        for row in rows[: max(0, PREVIEW_ROWS - len(outcome.preview))]:
            outcome.preview.append(_preview(row, owner_ids))
        store(list(pending), list(pending_changed))
        pending.clear()
        pending_changed.clear()

    def read_all(store, tick) -> Outcome:
        """Stream the file: check, dedupe and classify every row; ``store`` each chunk, ``tick`` after it."""
        for number, row in enumerate(reading.rows(path, layout, counter), start=1):
            if number <= skip or not any(row):
                continue
            problems = check_row(number, row, width, headers)
            record = None
            if not problems:
                record, problems = build(number, row)
            if not problems:
                ext = record["external_id"]
                earlier = seen.get(ext)
                if earlier is not None:
                    if int(record["content_hash"], 16) == earlier >> 32:
                        outcome.unchanged += 1
                        continue
                    column = headers[indexes["external_id"]] if "external_id" in indexes else "—"
                    problems = [RowError(number, column, ext, _("the same ID is already used by row %(row)d", row=earlier & 0xFFFFFFFF))]
            if problems:
                outcome.bad += 1
                if len(outcome.errors) < MAX_KEPT_ERRORS:
                    outcome.errors.extend(problems)
                continue
            # One int per ID (hash and row number packed): a million IDs cost a third of the tuples' memory.
            seen[ext] = int(record["content_hash"], 16) << 32 | number
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
                flush_chunk(store)
                tick(number, counter[0])
        flush_chunk(store)
        return outcome

    def write(new, changed):
        if spool is not None:
            spool.write(new, changed)
        elif writes:
            write_chunk(new, changed, now)
            if not bulk_checked and (new or changed):
                bulk_checked.append(True)
                if SecondaryIndexes.worth_it(layout_size // 100):
                    bulk_indexes.drop()

    def tick(number, bytes_done):
        if progress:
            progress(number, bytes_done, "reading")
        if cancelled and cancelled():
            raise ImportCancelled()

    # Millions of small, acyclic objects: the cycle collector would rescan them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if spool is None and writes and layout_size >= PIPELINE_BYTES and pipeline.available():
            # A second process reads and classifies while this one writes (the one writer).
            producer = pipeline.Producer(lambda send: read_all(lambda new, changed: send((new, changed, None)), lambda n, b: send(((), (), (n, b)))))
            for new, changed, ticked in producer:
                if new or changed:
                    write(new, changed)
                if ticked:
                    tick(*ticked)
            outcome = producer.result
            counter[0] = layout_size
        else:
            read_all(write, tick)
        if progress:
            progress(outcome.good + outcome.bad, counter[0], "reading")
        if options.dry_run or (outcome.bad and not options.skip_bad_rows):
            bulk_indexes.restore()  # the caller rolls back; restore anyway so nothing depends on that
            return outcome
        if spool is not None:
            ensure_source(source)
            store_spool(spool, progress, cancelled, now, bulk_indexes if SecondaryIndexes.worth_it(layout_size // 100) else None)
        bulk_indexes.restore()
        outcome.committed = True
        return outcome
    finally:
        if collecting:
            gc.enable()
        if spool is not None:
            spool.close()


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
