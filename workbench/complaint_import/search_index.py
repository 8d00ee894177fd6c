"""Upkeep of the SQLite complaint search index (``complaints_fts``, migration 0018) during a big import.

Triggers keep the index in step with every write. FTS5 writes its index at the end of every
statement, so the insert trigger under an executemany of thousands of rows costs about 15 times
indexing the same rows with one ``INSERT ... SELECT``: a big import pauses the trigger (a row in
``complaints_fts_paused``, written in the import's own transaction, so a rollback removes it
with the rows) and indexes its new rows at the end. PostgreSQL's GIN indexes need nothing.
"""

from sqlalchemy import text

from workbench.extensions import db

PAUSE_ROWS = 1000  # smaller imports keep the trigger: a few thousand rows cost it well under a second


class BulkIndexing:
    """Pause the insert trigger for one import (``pause()`` before its first write) and index its rows (``resume()``)."""

    def __init__(self, estimated_rows: int):
        self.wanted = db.engine.dialect.name == "sqlite" and estimated_rows >= PAUSE_ROWS
        self.after_id: int | None = None

    def pause(self) -> None:
        """Note where the new rows start and pause the trigger (the insert starts the import's transaction)."""
        if self.wanted and self.after_id is None:
            db.session.execute(text("INSERT OR REPLACE INTO complaints_fts_paused (id) VALUES (1)"))
            self.after_id = db.session.scalar(text("SELECT coalesce(max(id), 0) FROM complaints"))

    def resume(self) -> None:
        """Index the rows written since ``pause()`` in one statement and let the trigger run again."""
        if self.after_id is None:
            return
        db.session.execute(
            text("INSERT INTO complaints_fts (rowid, external_id, text_norm) SELECT id, external_id, text_norm FROM complaints WHERE id > :after"),
            {"after": self.after_id},
        )
        db.session.execute(text("DELETE FROM complaints_fts_paused"))
        self.after_id = None

    def abandon(self) -> None:
        """After a failure: the caller rolls the transaction back, and the pause with it."""
        self.after_id = None
