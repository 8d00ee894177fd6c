"""The store step: checked, classified rows written in the caller's transaction, at the speed of the database.

New rows go in with the fastest bulk path of each database: ``COPY ... FROM
STDIN`` on PostgreSQL (psycopg 3's ``cursor.copy()``), one ``executemany``
of a prepared INSERT on SQLite. Both run on the session's own connection, so
they are part of the import's one transaction: a rollback leaves nothing.
Rows that change a stored complaint are updated with a Core executemany.
"""

import json
import os
import pickle
import tempfile
from contextlib import ExitStack
from datetime import datetime

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.exc import OperationalError

from workbench import revalidation
from workbench.complaint_import.models import Complaint, ComplaintSource
from workbench.complaint_import.search_index import BulkIndexing
from workbench.extensions import db

# Columns of a new complaint, in the order the bulk paths send them.
INSERT_COLUMNS = (
    "source", "external_id", "received_at", "text", "text_norm", "content_hash", "channel", "customer", "product", "attributes",
    "process_owner_id", "category", "confidence", "owner_confidence", "category_confidence", "label_source", "unclassified_reason",
    "confirmed", "import_job_id", "created_at", "updated_at", "version",
)
LABEL_COLUMNS = ("process_owner_id", "category", "confidence", "owner_confidence", "category_confidence", "label_source", "unclassified_reason")
CONTENT_COLUMNS = ("received_at", "text", "text_norm", "content_hash", "channel", "customer", "product", "attributes", "import_job_id")


def ensure_source(source: str, kind: str = "complaints") -> None:
    """Register the source name the first time a file of it is stored."""
    if db.session.scalar(select(ComplaintSource.id).where(ComplaintSource.name == source)) is None:
        db.session.add(ComplaintSource(name=source, kind=kind))
        db.session.flush()


def bulk_insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain value tuples (dates as ISO text, JSON as text) in the session's transaction: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    connection = db.session.connection()
    revalidation.mark_written(connection, table)  # the driver's own COPY or executemany: SQLAlchemy does not see it
    driver = connection.connection.driver_connection
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(columns))
        driver.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


class CopyStream:
    """PostgreSQL: one ``COPY`` kept open from chunk to chunk, so the server stores rows while this process
    classifies the next chunk (a COPY per chunk waits for the server at the end of every chunk).

    The connection runs one command at a time: ``end()`` the stream before any other statement.
    """

    def __init__(self, table: str, columns: tuple[str, ...]):
        self.table = table
        self.statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        self.open: ExitStack | None = None
        self.copy = None

    def write(self, rows: list[tuple]) -> None:
        if self.open is None:
            connection = db.session.connection()
            revalidation.mark_written(connection, self.table)  # SQLAlchemy does not see the COPY's rows
            driver = connection.connection.driver_connection
            self.open = ExitStack()
            self.copy = self.open.enter_context(self.open.enter_context(driver.cursor()).copy(self.statement))
        for row in rows:
            self.copy.write_row(row)

    def end(self, error: BaseException | None = None) -> None:
        """Finish the COPY: every row is stored when this returns. With ``error``, abandon it (the server drops its rows)."""
        if self.open is not None:
            stack, self.open, self.copy = self.open, None, None
            if error is None:
                stack.close()
            else:
                stack.__exit__(type(error), error, error.__traceback__)


def tune_for_bulk_load() -> None:
    """SQLite: keep the index pages of a big table in memory (bounded, 256 MB) and sort on two threads."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("PRAGMA cache_size=-262144"))
        db.session.execute(text("PRAGMA temp_store=MEMORY"))
        db.session.execute(text("PRAGMA threads=2"))


class SecondaryIndexes:
    """A big load runs faster when the complaint indexes are built once at the end than row by row.

    The indexes are dropped and re-created inside the import's own
    transaction (DDL is transactional in both databases), so a failed or
    refused import rolls back to them untouched. The primary key and the
    unique constraint that finds duplicates stay. SQLite: the ``ix_complaints_*``
    b-trees (its search index is ``search_index.BulkIndexing``'s). PostgreSQL:
    those and the search's trigram GIN indexes, which cost an import more than
    anything else; dropping takes the table to the import until it commits
    (pages that read complaints wait), so a lock not had at once keeps them.
    """

    MIN_ROWS = 50000
    # The file's rows against the table's: on PostgreSQL building the indexes costs about half of keeping them row by
    # row per row, so a rebuild pays when the import is about as big as the table (estimated_rows = bytes / 100 counts high).
    TABLE_SHARE = {"sqlite": 2, "postgresql": 1}
    LOCK_WAIT = "3s"

    def __init__(self):
        self.saved: list[str] = []

    @classmethod
    def worth_it(cls, estimated_rows: int) -> bool:
        """Rebuilding pays off when the file is big compared with the table."""
        share = cls.TABLE_SHARE.get(db.engine.dialect.name)
        if share is None or estimated_rows < cls.MIN_ROWS:
            return False
        return estimated_rows * share >= (db.session.scalar(select(func.count(Complaint.id))) or 0)

    def drop(self) -> None:
        """Drop the secondary indexes (call once the transaction has begun writing, so the DDL is part of it)."""
        if db.engine.dialect.name == "postgresql":
            self._drop_postgresql()
            return
        found = db.session.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'complaints' AND name LIKE 'ix_complaints_%' AND sql IS NOT NULL")
        ).all()
        for name, _sql in found:
            db.session.execute(text(f'DROP INDEX "{name}"'))
        self.saved = [sql for _name, sql in found]

    def _drop_postgresql(self) -> None:
        found = db.session.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'complaints' "
            "AND indexname LIKE 'ix\\_complaints\\_%'"
        )).all()
        if not found:
            return
        previous = db.session.scalar(text("SELECT current_setting('lock_timeout')"))
        db.session.execute(text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": self.LOCK_WAIT})
        try:
            with db.session.begin_nested():
                for name, _sql in found:
                    db.session.execute(text(f'DROP INDEX "{name}"'))
        except OperationalError as error:  # LockNotAvailable: readers or another import hold the table; keep the indexes
            if getattr(error.orig, "sqlstate", None) != "55P03":
                raise
            return
        finally:
            db.session.execute(text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": previous})
        self.saved = [sql for _name, sql in found]

    def restore(self) -> None:
        """Build the dropped indexes again."""
        for sql in self.saved:
            db.session.execute(text(sql))
        self.saved = []


class ComplaintStore:
    """Writes chunks of ``ComplaintRecord``: new ones in bulk, changed ones as updates; ``finish()`` after the last."""

    def __init__(self, source: str, job_id: int | None, now: datetime, estimated_rows: int = 0, stream: bool = False):
        self.source = source
        self.job_id = job_id
        self.now = now
        self.written = 0
        self.indexes = SecondaryIndexes() if SecondaryIndexes.worth_it(estimated_rows) else None
        self.search_index = BulkIndexing(estimated_rows)
        # stream: the caller runs no statement of its own between writes, so one COPY may stay open (PostgreSQL).
        self.stream = CopyStream("complaints", INSERT_COLUMNS) if stream and db.engine.dialect.name == "postgresql" else None
        if db.engine.dialect.name == "sqlite":
            # SQLite stores these as text: the same text SQLAlchemy writes (see its SQLite DATETIME/BOOLEAN).
            self.stamp, self.false = now.strftime("%Y-%m-%d %H:%M:%S.%f"), 0
        else:
            self.stamp, self.false = now, False

    def write(self, new: list, changed: list) -> None:
        """Store one chunk in the session's transaction."""
        first = not self.written and bool(new or changed)
        rows = [self.values(r) for r in new]
        if rows:
            self.search_index.pause()
        if self.indexes is not None and first and self.stream is not None:
            self.indexes.drop()  # PostgreSQL: before the COPY opens (one command at a time)
        if self.stream is not None and not changed:
            if rows:
                self.stream.write(rows)
        else:
            self.end()  # before the updates: the connection runs one command at a time
            bulk_insert("complaints", INSERT_COLUMNS, rows)
        self.update(changed)
        if self.indexes is not None and first and self.stream is None:
            self.indexes.drop()  # after a first write: SQLite runs DDL outside a transaction as its own
        self.written += len(new) + len(changed)

    def finish(self) -> None:
        """After the last chunk: register the source, build any dropped indexes again."""
        self.end()
        self.search_index.resume()
        ensure_source(self.source)
        if self.indexes is not None:
            self.indexes.restore()

    def end(self, error: BaseException | None = None) -> None:
        """End an open COPY (see ``CopyStream.end``); call it on every way out of an import."""
        if self.stream is not None:
            self.stream.end(error)
        if error is not None:
            self.search_index.abandon()

    def values(self, r) -> tuple:
        """A new complaint's values in ``INSERT_COLUMNS`` order."""
        return (
            self.source, r.external_id, r.received_at, r.text, r.text_norm, r.content_hash, r.channel, r.customer, r.product, r.attributes,
            r.process_owner_id, r.category, r.confidence, r.owner_confidence, r.category_confidence, r.label_source, r.unclassified_reason,
            self.false, self.job_id, self.stamp, self.stamp, 1,
        )

    def update(self, changed: list) -> None:
        """New content for complaints already stored; labels a person confirmed stay as they are."""
        table = Complaint.__table__
        for keep in (False, True):
            rows = [r for r in changed if r.keep_labels is keep]
            if not rows:
                continue
            columns = CONTENT_COLUMNS if keep else CONTENT_COLUMNS + LABEL_COLUMNS
            stmt = (
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values({**{c: bindparam("b_" + c) for c in columns}, "updated_at": self.now, "version": table.c.version + 1})
            )
            params = [{"b_id": r.complaint_id, **{"b_" + c: self._value(r, c) for c in columns}} for r in rows]
            db.session.execute(stmt, params, execution_options={"synchronize_session": False})

    def _value(self, record, column: str):
        if column == "import_job_id":
            return self.job_id
        value = getattr(record, column)
        if column == "received_at":
            return datetime.strptime(value, "%Y-%m-%d").date()
        if column == "attributes" and value is not None:
            return json.loads(value)
        return value


class Spool:
    """Checked, classified chunks parked on disk until the file is read to the end, then stored in one go.

    Used on SQLite by background jobs: SQLite has one writer, and the job's
    progress must be written (by another connection) while the file is read.
    """

    def __init__(self, store: ComplaintStore):
        self.store = store
        handle, self.path = tempfile.mkstemp(prefix="wb-import-", suffix=".spool")
        self.file = os.fdopen(handle, "wb")
        self.chunks = 0

    def write(self, new: list, changed: list) -> None:
        """Park one chunk."""
        pickle.dump((new, changed), self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.chunks += 1

    def store_all(self, progress) -> None:
        """Store every parked chunk, reporting progress (phase ``writing``) after each."""
        self.file.close()
        with open(self.path, "rb") as handle:
            for _number in range(self.chunks):
                new, changed = pickle.load(handle)
                self.store.write(new, changed)
                progress(self.store.written, 0, "writing")

    def close(self) -> None:
        """Delete the spool file."""
        if not self.file.closed:
            self.file.close()
        if os.path.exists(self.path):
            os.unlink(self.path)
