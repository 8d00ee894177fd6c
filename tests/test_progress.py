"""Background jobs' progress lives where every app process sees it: the database, or Redis with REDIS_URL."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from workbench import create_app, progress
from workbench.models import JobProgress

REDIS_URL = "redis://127.0.0.1:6379/10"


@pytest.fixture(params=["database", "redis"])
def store(request, app):
    """The test runs against either store; with Redis, both app instances get the same REDIS_URL and a prefix of their own."""
    if request.param == "redis":
        redis = pytest.importorskip("redis")
        try:
            redis.Redis.from_url(REDIS_URL).ping()
        except redis.ConnectionError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        prefix = f"wbtest-{uuid.uuid4().hex}:"
        app.config.update(REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=prefix)
        progress.init_app(app)
        yield {"REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": prefix}
        client = app.extensions[progress.EXTENSION].client
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)
    else:
        yield {}


@pytest.fixture
def second_app(app, store):
    """Another app server on the same database (and Redis): what a second process behind the proxy sees."""
    other = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], **store})
    yield other
    with other.app_context():
        from workbench.extensions import db

        db.engine.dispose()


def _read_in(other, job):
    with other.app_context():
        return progress.read(job)


def test_another_app_server_sees_the_progress_as_the_job_reports_it(app, second_app, db):
    assert _read_in(second_app, "themes") is None
    progress.write("themes", "running", done=5000, total=20000)
    seen = _read_in(second_app, "themes")
    assert (seen["status"], seen["done"], seen["total"], seen["percent"]) == ("running", 5000, 20000, 25)
    progress.write("themes", "done", themes=12)
    seen = _read_in(second_app, "themes")
    assert seen["status"] == "done" and seen["themes"] == 12 and seen["percent"] is None


def test_progress_is_seen_while_the_job_transaction_is_still_open(app, second_app, db, store):
    """A job that has read (but not committed) still shows its progress to the others at once."""
    db.session.execute(select(JobProgress.job)).all()  # the job's session has a transaction open
    progress.write("themes", "running", done=10, total=40)
    assert _read_in(second_app, "themes")["done"] == 10
    db.session.rollback()  # the job fails and rolls back: the progress it reported stays
    assert _read_in(second_app, "themes")["percent"] == 25


def test_a_job_that_stopped_reporting_long_ago_reads_as_failed(app, db, store):
    stale = (datetime.now(UTC) - progress.STALE - timedelta(minutes=1)).isoformat()
    progress.store().write("themes", {"status": "running", "done": 3, "total": 9, "updated": stale})
    assert progress.read("themes")["status"] == "failed"
    progress.write("themes", "running", done=3, total=9)
    assert progress.read("themes")["status"] == "running"


def test_without_redis_the_progress_is_a_row_of_the_database(app, db):
    progress.write("themes", "queued", done=0, total=0)
    row = db.session.scalar(select(JobProgress).where(JobProgress.job == "themes"))
    assert row.state["status"] == "queued"
    progress.write("themes", "running", done=1, total=2)
    db.session.expire_all()
    assert db.session.scalar(select(JobProgress.state).where(JobProgress.job == "themes"))["done"] == 1
