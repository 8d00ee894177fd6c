"""Storing checked rows: one Core executemany per chunk inside the caller's transaction, or a spool first."""

import json
import operator
import os
import pickle
import tempfile

from sqlalchemy import bindparam, insert, select, update

from workbench.extensions import db


class ImportCancelled(Exception):
    """The user cancelled the import; nothing was stored."""


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



LABEL_COLUMNS = ("process_owner_id", "category", "confidence", "owner_confidence", "category_confidence", "label_source", "unclassified_reason")
CONTENT_COLUMNS = ("received_at", "text", "text_norm", "content_hash", "channel", "customer", "product", "attributes", "import_job_id")


def ensure_source(source: str) -> None:
    from workbench.complaint_import.models import ComplaintSource

    if db.session.scalar(select(ComplaintSource.id).where(ComplaintSource.name == source)) is None:
        db.session.add(ComplaintSource(name=source, kind="complaints"))
        db.session.flush()


_INSERT_COLUMNS = (
    "source", "external_id", "received_at", "text", "text_norm", "content_hash", "channel", "customer", "product",
    "attributes", "confirmed", "import_job_id", *LABEL_COLUMNS, "created_at", "updated_at", "version",
)


_FLOAT_COLUMNS = ("confidence", "owner_confidence", "category_confidence")


def bulk_insert(rows: list[dict], now) -> None:
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
            processor = None  # serialised already (see RowBuilder)
        if name in constants:
            constants[name] = processor(constants[name]) if processor else constants[name]
        elif processor is not None:
            processors[name] = processor
    date_processor = processors.pop("received_at", None)
    for name in _FLOAT_COLUMNS:
        processors.pop(name, None)  # the classifier's confidences are floats already (REAL affinity besides)
    converted: dict = {}  # exports repeat dates: convert each one once
    for row in rows:
        row.update(constants)
        if date_processor is not None:
            day = row["received_at"]
            value = converted.get(day)
            if value is None:
                value = converted[day] = date_processor(day)
            row["received_at"] = value
        for name, processor in processors.items():
            if row.get(name) is not None:
                row[name] = processor(row[name])
    if compiled.positiontup is not None:
        params = list(map(operator.itemgetter(*compiled.positiontup), rows))
    else:
        params = rows
    connection.exec_driver_sql(str(compiled), params)


def write_chunk(new: list[dict], changed: list[dict], now) -> None:
    """Insert new rows and update changed ones (Core executemany) in the session's transaction."""
    from workbench.complaint_import.models import Complaint

    table = Complaint.__table__
    if new:
        bulk_insert(new, now)
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


def store_spool(spool: Spool, progress, cancelled, now, indexes: "SecondaryIndexes | None" = None) -> None:
    """Write the spooled rows in the session's transaction; the caller commits or rolls back."""
    written = 0
    for new, changed in spool.read():
        write_chunk(new, changed, now)
        if indexes is not None and not written and (new or changed):
            indexes.drop()
        written += len(new) + len(changed)
        if progress:
            progress(written, 0, "writing")
        if cancelled and cancelled():
            raise ImportCancelled()


class SecondaryIndexes:
    """On SQLite a big load runs faster when the complaint indexes are built once at the end.

    The indexes are dropped and re-created inside the import's own
    transaction (SQLite DDL is transactional), so a rollback brings them back
    untouched. Only the unique constraint that deduplicates stays in place.
    """

    def __init__(self):
        self.saved: list[str] = []

    @staticmethod
    def worth_it(estimated_rows: int) -> bool:
        """Rebuilding pays off only when the file is big compared with the table."""
        from sqlalchemy import func

        from workbench.complaint_import.models import Complaint

        if db.engine.dialect.name != "sqlite" or estimated_rows < 50000:
            return False
        return estimated_rows * 2 >= (db.session.scalar(select(func.count(Complaint.id))) or 0)

    def drop(self) -> None:
        """Call only once the transaction has written a row (so the DDL is part of it)."""
        from sqlalchemy import text

        connection = db.session.connection()
        if connection.dialect.name != "sqlite":
            return
        rows = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'complaints' AND name LIKE 'ix_complaints_%' AND sql IS NOT NULL")
        ).all()
        for name, _sql in rows:
            connection.execute(text(f'DROP INDEX "{name}"'))
        self.saved = [sql for _name, sql in rows]

    def restore(self) -> None:
        from sqlalchemy import text

        connection = db.session.connection()
        for sql in self.saved:
            connection.execute(text(sql))
        self.saved = []
