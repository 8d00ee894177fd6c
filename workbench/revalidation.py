"""Page views answered ``304 Not Modified`` when nothing they show has changed (issue 12).

A revalidated page (``@revalidated``) carries an ETag made of

- the revision of the organisation's data (scope ``data``): bumped by every committed write to a
  table that pages show, found where every write passes, the SQL sent to the database (ORM flushes,
  Core and text statements alike; a ``COPY`` marks its connection with ``mark_written``), plus the
  revisions the page names itself (a project's ``project:<id>``: its fishbone, whose tables do not
  bump ``data``);
- everything that makes the page the reader's own: the address, the user, their role and language,
  their sign-in session and its CSRF token (the page's forms carry it), a quarter-hour time bucket
  (dates such as "overdue by" and "today" move with the clock) and what the view adds (``varies``);
  who may see which team is data (memberships), so it moves the ``data`` revision;
- the running code (templates, translations, static files).

A browser that asks again with ``If-None-Match`` gets a 304 from the revisions and the session
alone: no SQL for the page body runs. A page that showed flashed messages gets no ETag (a 304 would
show the cached message again), and a session holding messages is always answered in full.

Where the revisions live (``workbench.live``): with Redis, ``data`` is bumped after the commit (a
reader between the commit and the bump renders the new data under the old revision, and is answered
in full once more at its next visit); without Redis, inside the transaction just before it commits
(the last lock a writer takes, so it adds no deadlock). Writes made outside this app (``psql``) are
not seen until the next write through it.
"""

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path

from flask import Flask, current_app, g, has_app_context, make_response, request, session
from flask.globals import request_ctx
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from workbench import live
from workbench.i18n import page_language

DATA_SCOPE = "data"
# Tables no revalidated page shows (bookkeeping), or shows only through a revision of its own (the
# fishbone's tables bump their project's ``project:<id>`` through ``workbench.live``).
UNSHOWN_TABLES = frozenset({
    "audit_log", "live_revisions", "job_progress", "sign_in_throttle", "api_tokens", "alembic_version",
    "fishbone_diagrams", "fishbone_categories", "fishbone_causes", "fishbone_evidence", "fishbone_vote_sessions",
    "fishbone_votes",
})
TIME_BUCKET_SECONDS = 900
_WRITE = re.compile(r'\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?"?(\w+)"?', re.I)
_DIRTY = "workbench.revalidation.dirty"      # connection.info: a shown table was written in this transaction
_PUBLISH = "workbench.revalidation.publish"  # connection.info: the store to bump once the commit is through
_BUILD = "workbench.revalidation.build"
_READ = "workbench_revalidation_read"  # g: the revisions a revalidated page read before its data


def writes_shown_table(statement: str) -> bool:
    """Whether an SQL statement writes a table that pages show (anything written but ``UNSHOWN_TABLES``)."""
    head = statement.lstrip()[:8].upper()
    if not head.startswith(("INSERT", "UPDATE", "DELETE", "WITH", "TRUNCATE", "REPLACE")):
        return False
    tables = _WRITE.findall(statement)
    # A statement that writes in a way the pattern does not follow (REPLACE INTO ...) counts as a write.
    return not tables or any(t.lower() not in UNSHOWN_TABLES for t in tables)


def mark_written(connection, table: str) -> None:
    """Record that ``connection``'s transaction writes ``table`` through the driver (a ``COPY``), unseen by SQLAlchemy."""
    if table.lower() not in UNSHOWN_TABLES:
        connection.info[_DIRTY] = True


@event.listens_for(Engine, "before_cursor_execute")
def _watch(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    if _DIRTY not in conn.info and writes_shown_table(statement):
        conn.info[_DIRTY] = True


@event.listens_for(Engine, "commit")
def _before_commit(conn) -> None:
    # Called by SQLAlchemy just before it commits the DBAPI connection.
    if not conn.info.pop(_DIRTY, False) or not has_app_context() or live.EXTENSION not in current_app.extensions:
        return
    revisions = live.store()
    if getattr(revisions, "bumps_in_transaction", False):
        _bump_in_transaction(conn)
    else:
        conn.info[_PUBLISH] = revisions


@event.listens_for(Engine, "rollback")
def _rolled_back(conn) -> None:
    conn.info.pop(_DIRTY, None)
    conn.info.pop(_PUBLISH, None)


@event.listens_for(Pool, "checkin")
def _after_commit(_dbapi_connection, record) -> None:
    # The connection goes back to the pool after its commit: the data is visible, announce it.
    revisions = record.info.pop(_PUBLISH, None) if record is not None else None
    if revisions is not None:
        try:
            revisions.bump([DATA_SCOPE])
        except Exception:  # the write is committed; pages catch up at the next write
            pass


def _bump_in_transaction(conn) -> None:
    """The ``live_revisions`` row of ``data`` raised on the committing connection itself (no Redis).

    A DBAPI cursor of its own: SQLAlchemy is in the middle of committing this connection.
    """
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO live_revisions (scope, revision) VALUES ({mark}, {mark}) "
           "ON CONFLICT (scope) DO UPDATE SET revision = live_revisions.revision + 1")
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if _has_revisions_table(conn, cursor):
            cursor.execute(sql, (DATA_SCOPE, time.time_ns() // 1000))
    finally:
        cursor.close()


_tables_seen: set[str] = set()


def _has_revisions_table(conn, cursor) -> bool:
    # Migrations write before the one that creates ``live_revisions`` (and a failed statement would abort
    # a PostgreSQL transaction): look until it is there, then remember it.
    key = str(conn.engine.url)
    if key not in _tables_seen:
        if conn.dialect.name == "postgresql":
            cursor.execute("SELECT to_regclass('live_revisions') IS NOT NULL")
        else:
            cursor.execute("SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'live_revisions'")
        if not cursor.fetchone()[0]:
            return False
        _tables_seen.add(key)
    return True


# -- the pages ---------------------------------------------------------------------------------------


_code_versions: dict[tuple[str, ...], str] = {}


def _code_version(app: Flask) -> str:
    """A fingerprint of the running code's files: a new release never answers 304 for an old page."""
    template_folder = app.template_folder or "templates"
    roots = (app.root_path, template_folder if os.path.isabs(template_folder) else os.path.join(app.root_path, template_folder),
             app.static_folder or "")
    if roots not in _code_versions:  # once per process
        _code_versions[roots] = _fingerprint(roots)
    return _code_versions[roots]


def _fingerprint(roots: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for root in map(Path, roots):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".html", ".mo", ".js", ".css", ".svg") and path.is_file():
                stat = path.stat()
                digest.update(f"{path}|{stat.st_mtime_ns}|{stat.st_size}\n".encode())
    return digest.hexdigest()[:16]


def _reader_etag(revisions: list[tuple[str, int]], varies: str) -> str | None:
    """The page's ETag for this reader now, or None when the session has no CSRF token yet (the page makes one)."""
    csrf = session.get("csrf_token")
    if not csrf:
        return None
    parts = [
        current_app.extensions[_BUILD], request.full_path, str(current_user.id), str(current_user.role),
        page_language().code, str(session.get("_user_id", "")), str(csrf), str(int(time.time() // TIME_BUCKET_SECONDS)),
        ";".join(f"{scope}={revision}" for scope, revision in revisions), varies,
    ]
    return '"p-' + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32] + '"'


def _flashes_shown() -> bool:
    return bool(getattr(request_ctx, "flashes", None)) or bool(session.get("_flashes"))


def revalidated(scopes: Callable[..., Iterable[str]] | None = None, varies: Callable[[], object] | None = None):
    """Answer this GET page 304 when the reader already has it (see the module); put it under ``login_required``.

    ``scopes(**view_args)`` names the revisions the page shows beyond ``data``; ``varies()`` adds what
    else the page depends on (a clock of the capability's own).
    """

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if request.method != "GET" or not current_user.is_authenticated:
                return view(*args, **kwargs)
            # The revisions are read before the page reads its data: what it shows is at least that new.
            names = (DATA_SCOPE, *(scopes(**kwargs) if scopes else ()))
            revisions = [(scope, live.current(scope)) for scope in names]
            g.setdefault(_READ, dict(revisions))
            extra = str(varies()) if varies else ""
            csrf = session.get("csrf_token")
            etag = _reader_etag(revisions, extra)
            if etag is not None and not session.get("_flashes") and live.not_modified(etag):
                return "", 304, {"ETag": etag, "Cache-Control": "private, no-cache"}
            response = make_response(view(*args, **kwargs))
            if response.status_code == 200 and response.mimetype == "text/html" and not _flashes_shown():
                if etag is None or session.get("csrf_token") != csrf:  # the page made the session's first CSRF token
                    etag = _reader_etag(revisions, extra)
                if etag is not None:
                    response.headers["ETag"] = etag
                    response.headers["Cache-Control"] = "private, no-cache"
            return response

        return wrapper

    return decorate


def revision(scope: str) -> int:
    """The revision of ``scope`` this request's revalidated page read for its ETag (read now when it read none)."""
    read = g.get(_READ, {})
    return read[scope] if scope in read else live.current(scope)


def computed_once(variant: str, produce: Callable[[], object]):
    """``produce()`` (plain JSON data) computed once per revision of the organisation's data and ``variant``.

    For figures that are the same for every reader the ``variant`` names (filters, day, language, the
    teams seen): the dashboard's counts and charts, the Pareto. Kept with ``live.cached_rendering``
    (Redis, or files). In a revalidated page the revision is the one its ETag was made of, read
    before any data, so figures are never filed under a revision older than what they show.
    """
    revision = g.get(_READ, {}).get(DATA_SCOPE)
    data, _etag = live.cached_rendering(DATA_SCOPE, variant, lambda: json.dumps(produce(), ensure_ascii=False).encode(), revision)
    return json.loads(data)


def init_app(app: Flask) -> None:
    """Fingerprint the running code once (every worker of a release gets the same)."""
    app.extensions[_BUILD] = _code_version(app)
