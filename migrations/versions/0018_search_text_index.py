"""complaint search index (search): SQLite FTS5 over complaints (number and normalised text), PostgreSQL pg_trgm GIN

The complaint picker's search (/complaints/search.json) ran ``LIKE '%words%'`` over the whole
table on every keystroke. SQLite gets an external-content FTS5 table ``complaints_fts``
(unicode61 words, which splits Persian at the half-spaces that ``normalise`` turns into spaces;
``detail=none``: the smallest index and the cheapest to build, enough for words matched by their
beginning) kept in sync by triggers; a big import pauses the insert trigger (a row in
``complaints_fts_paused``, inside its transaction) and indexes its rows in one statement
(``complaint_import.search_index``): FTS5 writes its index at every statement, so a trigger per row
of an executemany costs about 15 times the one statement. A later migration that rebuilds the
complaints table with ``batch_alter_table`` drops these triggers with the old table: create them
again there. PostgreSQL gets trigram GIN indexes that serve ``LIKE '%word%'`` directly.

Revision ID: 0018_search_text_index
Revises: 0017_selftrain_job_progress
Create Date: 2026-12-02 21:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018_search_text_index'
down_revision = '0017_selftrain_job_progress'
branch_labels = None
depends_on = None

SQLITE_UP = (
    "CREATE VIRTUAL TABLE complaints_fts USING fts5(external_id, text_norm, content='complaints', content_rowid='id', "
    "tokenize='unicode61', detail=none)",
    # A row here (written and removed inside one import's transaction) pauses the insert trigger.
    "CREATE TABLE complaints_fts_paused (id INTEGER PRIMARY KEY)",
    "CREATE TRIGGER complaints_fts_insert AFTER INSERT ON complaints WHEN NOT EXISTS (SELECT 1 FROM complaints_fts_paused) BEGIN "
    "INSERT INTO complaints_fts(rowid, external_id, text_norm) VALUES (new.id, new.external_id, new.text_norm); END",
    "CREATE TRIGGER complaints_fts_delete AFTER DELETE ON complaints BEGIN "
    "INSERT INTO complaints_fts(complaints_fts, rowid, external_id, text_norm) VALUES ('delete', old.id, old.external_id, old.text_norm); END",
    "CREATE TRIGGER complaints_fts_update AFTER UPDATE OF external_id, text_norm ON complaints BEGIN "
    "INSERT INTO complaints_fts(complaints_fts, rowid, external_id, text_norm) VALUES ('delete', old.id, old.external_id, old.text_norm); "
    "INSERT INTO complaints_fts(rowid, external_id, text_norm) VALUES (new.id, new.external_id, new.text_norm); END",
    "INSERT INTO complaints_fts(complaints_fts) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS complaints_fts_insert",
    "DROP TRIGGER IF EXISTS complaints_fts_delete",
    "DROP TRIGGER IF EXISTS complaints_fts_update",
    "DROP TABLE IF EXISTS complaints_fts",
    "DROP TABLE IF EXISTS complaints_fts_paused",
)
POSTGRES_UP = (
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_complaints_text_norm_trgm ON complaints USING gin (text_norm gin_trgm_ops)",
    "CREATE INDEX ix_complaints_external_id_trgm ON complaints USING gin (lower(external_id) gin_trgm_ops)",
)
POSTGRES_DOWN = (
    "DROP INDEX IF EXISTS ix_complaints_text_norm_trgm",
    "DROP INDEX IF EXISTS ix_complaints_external_id_trgm",
)


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    name = op.get_bind().dialect.name
    if name == "sqlite":
        _run(SQLITE_UP)
    elif name == "postgresql":
        _run(POSTGRES_UP)


def downgrade():
    name = op.get_bind().dialect.name
    if name == "sqlite":
        _run(SQLITE_DOWN)
    elif name == "postgresql":
        _run(POSTGRES_DOWN)
