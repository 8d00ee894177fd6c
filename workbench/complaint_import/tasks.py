"""Background work on huey: SQLite storage by default (no extra server), Redis when HUEY_REDIS_URL is set.

Run a worker with ``flask --app wsgi import-worker`` (or ``huey_consumer
workbench.complaint_import.tasks.huey``). Tests and ``HUEY_IMMEDIATE=1`` run
tasks at once, in process.
"""

import os

from flask import current_app, has_app_context
from huey import RedisHuey, SqliteHuey

from workbench import ROOT


def _make_huey():
    if os.environ.get("HUEY_REDIS_URL"):
        return RedisHuey("workbench", url=os.environ["HUEY_REDIS_URL"])
    path = os.environ.get("HUEY_SQLITE_PATH") or str(ROOT / "instance" / "huey.sqlite")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return SqliteHuey("workbench", filename=path)


huey = _make_huey()


def init_app(app) -> None:
    """Immediate mode for tests and single-process use."""
    if app.testing or app.config.get("HUEY_IMMEDIATE") or os.environ.get("HUEY_IMMEDIATE") == "1":
        huey.immediate = True


def _app():
    if has_app_context():
        return current_app._get_current_object()
    from workbench import create_app

    return create_app()


@huey.task()
def check_job(job_id: int) -> None:
    """Read and check the whole file; store the preview, counts and row errors."""
    from workbench.complaint_import import jobs

    with _app().app_context():
        jobs.run_job(job_id, commit=False)


@huey.task()
def commit_job(job_id: int) -> None:
    """Import the good rows of a checked file in one transaction."""
    from workbench.complaint_import import jobs

    with _app().app_context():
        jobs.run_job(job_id, commit=True)


@huey.task()
def retrain_classifier() -> None:
    """Retrain on confirmed labels and relabel unconfirmed complaints."""
    from workbench.complaint_import.learning import retrain
    from workbench.extensions import db

    with _app().app_context():
        retrain()
        db.session.commit()


@huey.task()
def build_themes() -> None:
    """Group each owner's complaints into recurring themes."""
    from workbench.complaint_import.themes import rebuild
    from workbench.extensions import db

    with _app().app_context():
        rebuild()
        db.session.commit()
