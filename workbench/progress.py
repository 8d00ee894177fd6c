"""Progress of background jobs (a theme build, ...), where every app process sees it.

A job's progress is a small dict (``status``: queued, running, done or failed; ``done``, ``total`` and
whatever else the job reports) kept under the job's name: in Redis when ``REDIS_URL`` is set, else in
the ``job_progress`` table. Several app servers behind a proxy and the worker all read the same one,
which a file in one machine's instance folder could not give.

Writes to the table go through their own connection and commit at once, so a page sees the progress
while the job's own transaction is still open. SQLite has one writer: when the caller's transaction
already holds the write lock (the demo imports and builds themes in one transaction), the progress
goes in with that transaction instead, rather than waiting for a lock it would never get.
"""

import json
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from workbench.extensions import db
from workbench.models import JobProgress

EXTENSION = "workbench.progress"
STALE = timedelta(hours=2)  # a queued or running job that has not reported for this long is taken as dead
BUSY = ("queued", "running")


class RedisProgress:
    """Progress in Redis (``REDIS_URL``): one JSON string per job."""

    def __init__(self, url: str, prefix: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=5, health_check_interval=30)
        self.prefix = prefix + "progress:"

    def write(self, job: str, state: dict) -> None:
        self.client.set(self.prefix + job, json.dumps(state))

    def read(self, job: str) -> dict | None:
        raw = self.client.get(self.prefix + job)
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None


class DatabaseProgress:
    """Progress in the ``job_progress`` table (no Redis)."""

    def write(self, job: str, state: dict) -> None:
        session = db.session()
        if session.in_transaction() and db.engine.dialect.name == "sqlite":
            mine = session.connection()
            if mine.connection.dbapi_connection.in_transaction:  # this transaction has written: it holds SQLite's one write lock
                mine.execute(_upsert(mine, job, state))
                return
        with db.engine.begin() as connection:
            connection.execute(_upsert(connection, job, state))

    def read(self, job: str) -> dict | None:
        with db.engine.connect() as connection:  # what is committed now, not what this session saw first
            state = connection.scalar(select(JobProgress.state).where(JobProgress.job == job))
        return dict(state) if isinstance(state, dict) else None


def _upsert(connection, job: str, state: dict):
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    values = {"job": job, "state": state, "updated_at": datetime.now(UTC)}
    statement = insert(JobProgress).values(**values)
    return statement.on_conflict_do_update(index_elements=["job"], set_={"state": statement.excluded.state, "updated_at": statement.excluded.updated_at})


def store():
    """The progress store of the current app."""
    return current_app.extensions[EXTENSION]


def write(job: str, status: str, **figures) -> None:
    """Record where ``job`` is now (``status`` and figures such as ``done``, ``total``)."""
    store().write(job, {**figures, "status": status, "updated": datetime.now(UTC).isoformat()})


def read(job: str) -> dict | None:
    """The latest progress of ``job`` (None when it never ran), with ``percent`` when a total is known; a queued or
    running job that stopped reporting ``STALE`` ago reads as ``failed``."""
    state = store().read(job)
    if state is None:
        return None
    if state.get("status") in BUSY:
        try:
            updated = datetime.fromisoformat(state.get("updated", ""))
        except (TypeError, ValueError):
            updated = None
        if updated is None or datetime.now(UTC) - updated > STALE:
            state["status"] = "failed"
    total = state.get("total") or 0
    state["percent"] = round(100 * (state.get("done") or 0) / total) if total else None
    return state


def init_app(app: Flask) -> None:
    """Choose the store: Redis with ``REDIS_URL``, else the database."""
    if app.config.get("REDIS_URL"):
        app.extensions[EXTENSION] = RedisProgress(app.config["REDIS_URL"], app.config.get("REDIS_KEY_PREFIX", "workbench:"))
    else:
        app.extensions[EXTENSION] = DatabaseProgress()
