"""The complaint import as named steps: read -> check -> normalise -> classify -> store.

``run_import`` reads the file chunk by chunk (``flow.data_rows``), checks and
normalises every row (``rows.check_row``, ``rows.ComplaintNormaliser``),
sorts out duplicates (``flow.SeenIds`` within the file, ``stored_complaints``
against the database), labels the chunk (``flow.ClassifyStep``) and stores it
(``storing.ComplaintStore``: COPY on PostgreSQL, executemany on SQLite). All
of it happens in the caller's transaction; the caller commits only when
``outcome.committed``, so bad rows (unless skipped), a failure or a cancel
leave the database as it was.
"""

import operator
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields

from sqlalchemy import select

from workbench.complaint_import import mapping, pipeline, reading
from workbench.complaint_import.defaults import ensure_defaults
from workbench.complaint_import.flow import (
    ClassifyStep,
    ImportCancelled,
    Progress,
    SeenIds,
    choose_date_order,
    clean_source,
    data_rows,
    in_chunks,
    no_gc_pauses,
)
from workbench.complaint_import.models import Complaint
from workbench.complaint_import.rows import ComplaintNormaliser, ComplaintRecord, RowError, check_row, content_hash
from workbench.complaint_import.storing import ComplaintStore, Spool, tune_for_bulk_load
from workbench.complaint_import.textnorm import normalise_many
from workbench.extensions import db
from workbench.models import utcnow

CHUNK = 5000
PREVIEW_ROWS = 10
MAX_KEPT_ERRORS = 5000
# Files this big are read in a second process (which also classifies the chunks this one has no time for) while this one classifies and stores.
PIPELINE_BYTES = 8 * 2**20

__all__ = ["CHUNK", "ImportCancelled", "ImportOptions", "Outcome", "RowError", "content_hash", "run_import"]


@dataclass
class ImportOptions:
    source: str
    mapping: dict[str, str] = field(default_factory=dict)
    layout: dict = field(default_factory=dict)
    date_order: str | None = None
    skip_bad_rows: bool = False
    dry_run: bool = False
    job_id: int | None = None
    spool: bool = False  # read everything before writing (keeps SQLite free for progress updates)


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

    def take_counts(self, other: "Outcome") -> None:
        """Counts and errors of the steps that ran in a second process."""
        self.errors, self.good, self.bad = other.errors, other.good, other.bad
        self.new, self.updated, self.unchanged = other.new, other.updated, other.unchanged

    def reject(self, problems: list[RowError]) -> None:
        """Count a bad row and keep its errors (the first ``MAX_KEPT_ERRORS``)."""
        self.bad += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.extend(problems)


@dataclass
class Chunk:
    """Rows ready to store: new complaints, changes to stored ones, and how far the file has been read."""

    new: list[ComplaintRecord]
    changed: list[ComplaintRecord]
    last_row: int
    bytes_read: int
    labelled: bool = False  # the classify step has run (in the reading process, for a chunk the storing one had no time for)

    def __reduce__(self):
        # Sent to another process as plain tuples: pickling dataclass objects one by one costs twice as much.
        values = (list(map(RECORD_VALUES, self.new)), list(map(RECORD_VALUES, self.changed)), self.last_row, self.bytes_read, self.labelled)
        return (_chunk_from_tuples, values)


RECORD_VALUES = operator.attrgetter(*(f.name for f in fields(ComplaintRecord)))


def _chunk_from_tuples(new: list[tuple], changed: list[tuple], last_row: int, bytes_read: int, labelled: bool) -> Chunk:
    return Chunk([ComplaintRecord(*v) for v in new], [ComplaintRecord(*v) for v in changed], last_row, bytes_read, labelled)


def stored_complaints(source: str) -> dict[str, tuple[int, str, bool]]:
    """What the database already holds for ``source``: external ID -> (id, content hash, labels confirmed)."""
    query = select(Complaint.external_id, Complaint.id, Complaint.content_hash, Complaint.confirmed).where(Complaint.source == source)
    return {external_id: (cid, chash, confirmed) for external_id, cid, chash, confirmed in db.session.execute(query)}


class ComplaintSteps:
    """The steps of one complaint file: ``prepared()`` reads, checks and normalises; ``label()`` classifies.

    Counts and row errors accumulate in ``outcome``. ``prepared()`` touches no
    database, so it may run in a second process (see ``pipeline``).
    """

    def __init__(self, path: str, layout: reading.Layout, columns: dict[str, int], order: str | None, source: str, outcome: Outcome):
        self.path = path
        self.layout = layout
        self.outcome = outcome
        self.normalise = ComplaintNormaliser(layout.headers, columns, order)
        self.seen = SeenIds(layout.headers[columns["external_id"]] if "external_id" in columns else "—")
        self.stored = stored_complaints(source)
        self.classify = ClassifyStep()
        self.bytes_read = [0]

    def prepared(self, label_here: Callable[[], bool] | None = None) -> Iterator[Chunk]:
        """Read -> check -> normalise: every chunk of the file, duplicates sorted out; a chunk is labelled too when
        ``label_here()`` says so (the reading process labels the chunks that the storing one has no time for)."""
        for rows in in_chunks(data_rows(self.path, self.layout, self.bytes_read), CHUNK):
            new, changed = [], []
            for number, cells in rows:
                record = self.check(number, cells)
                if record is not None:
                    (changed if record.complaint_id else new).append(record)
            records = new + changed
            for record, text_norm in zip(records, normalise_many([r.classified_text() for r in records]), strict=True):
                record.text_norm = text_norm
            chunk = Chunk(new, changed, rows[-1][0], self.bytes_read[0])
            if label_here is not None and label_here():
                self.label(chunk)
            yield chunk

    def check(self, number: int, cells: list) -> ComplaintRecord | None:
        """The check and normalise steps for one row: its record when it is to be stored, else None (bad, repeated or unchanged)."""
        problems = check_row(number, cells, len(self.layout.headers), self.layout.headers)
        record = None
        if not problems:
            record, problems = self.normalise(number, cells)
        if not problems:
            repeat, error = self.seen.check(number, record.external_id, record.content_hash)
            if error:
                problems = [error]
            elif repeat:
                self.outcome.unchanged += 1
                return None
        if problems:
            self.outcome.reject(problems)
            return None
        self.outcome.good += 1
        stored = self.stored.get(record.external_id)
        if stored is None:
            self.outcome.new += 1
            return record
        record.complaint_id, stored_hash, record.keep_labels = stored
        if stored_hash == record.content_hash:
            self.outcome.unchanged += 1
            return None
        self.outcome.updated += 1
        return record

    def label(self, chunk: Chunk) -> None:
        """The classify step for one chunk (labels a person confirmed stay). Touches no database: it may run in the reading process."""
        records = [r for r in chunk.new + chunk.changed if not r.keep_labels]
        labels = self.classify([r.text_norm for r in records], [r.product for r in records], [r.channel for r in records])
        for r, label in zip(records, labels, strict=True):
            r.process_owner_id, r.category, r.confidence, r.owner_confidence, r.category_confidence, r.label_source, r.unclassified_reason = label
        chunk.labelled = True

    def add_preview(self, chunk: Chunk, preview: list[dict]) -> None:
        """The first rows of the file, labelled, for the user to see."""
        if len(preview) >= PREVIEW_ROWS:
            return
        owners = {v: k for k, v in self.classify.owner_ids.items()}
        for r in (chunk.new + chunk.changed)[: max(0, PREVIEW_ROWS - len(preview))]:
            preview.append({
                "external_id": r.external_id, "received_at": r.received_at, "text": r.text, "channel": r.channel, "customer": r.customer,
                "product": r.product, "process_owner": owners.get(r.process_owner_id), "category": r.category, "confidence": r.confidence,
            })


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
    source = clean_source(options.source)
    layout = reading.detect_layout(path, filename, options.layout)
    columns = mapping.resolve(layout.headers, mapping.guess(layout.headers), options.mapping)
    order = choose_date_order(path, layout, columns["received_at"], options.date_order)
    outcome = Outcome(layout=layout.as_dict(), mapping={f: layout.headers[i] for f, i in columns.items()}, date_order=order)
    ensure_defaults()
    steps = ComplaintSteps(path, layout, columns, order, source, outcome)
    size = os.path.getsize(path)
    store = None if options.dry_run else ComplaintStore(source, options.job_id, utcnow(), estimated_rows=size // 100, stream=True)
    spool = Spool(store) if store is not None and options.spool else None
    tick = Progress(progress, cancelled)
    # Big files: read, check and normalise in a second process while this one classifies and stores; the second
    # process also classifies each chunk that would otherwise wait for this one to finish storing the one before.
    if size >= PIPELINE_BYTES and pipeline.available():
        chunks = pipeline.SecondProcess(lambda: steps.prepared(label_here=chunks.busy), lambda: outcome)
    else:
        chunks = steps.prepared()
    with no_gc_pauses():  # the steps make millions of small objects and no cycles
        try:
            if store is not None:
                tune_for_bulk_load()
            for chunk in chunks:
                if not chunk.labelled:
                    steps.label(chunk)
                steps.add_preview(chunk, outcome.preview)
                if store is not None:
                    (spool or store).write(chunk.new, chunk.changed)
                tick(chunk.last_row, chunk.bytes_read)
            if isinstance(chunks, pipeline.SecondProcess):
                outcome.take_counts(chunks.result)
            if progress:
                progress(outcome.good + outcome.bad, size, "reading")
            if store is None or (outcome.bad and not options.skip_bad_rows):
                return outcome
            if spool is not None:
                spool.store_all(tick)
            store.finish()
            outcome.committed = True
            return outcome
        except BaseException as error:
            if store is not None:
                store.end(error)  # abandon an open COPY, so the caller can roll back
            raise
        finally:
            if store is not None:
                store.end()  # rows already stored: the caller rolls them back
            if spool is not None:
                spool.close()
