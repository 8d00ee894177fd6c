"""The task queue (huey): SQLite storage by default (no extra server), Redis when HUEY_REDIS_URL or REDIS_URL is set.

Run a worker with ``flask --app wsgi import-worker``. Tests and
``HUEY_IMMEDIATE=1`` run tasks at once, in process.
"""

import os
from pathlib import Path

from flask import current_app, has_app_context
from huey import RedisHuey, SqliteHuey

ROOT = Path(__file__).resolve().parent.parent


def _make_huey():
    # huey binds its storage when tasks are declared (at import), before any app exists.
    url = os.environ.get("HUEY_REDIS_URL") or os.environ.get("REDIS_URL")
    if url:
        return RedisHuey("workbench", url=url)
    path = os.environ.get("HUEY_SQLITE_PATH") or str(ROOT / "instance" / "huey.sqlite")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return SqliteHuey("workbench", filename=path)


huey = _make_huey()


def init_app(app) -> None:
    """Immediate mode for tests and single-process use (called by each package that queues work)."""
    if app.testing or app.config.get("HUEY_IMMEDIATE") or os.environ.get("HUEY_IMMEDIATE") == "1":
        huey.immediate = True


_worker_app = None


def task_app():
    """The app a task runs in: the caller's when run in process, the worker's app in the worker."""
    if has_app_context():
        return current_app._get_current_object()
    if _worker_app is None:
        raise RuntimeError("tasks run in process (an app context) or in the worker started by run_worker(app)")
    return _worker_app


def run_worker(app, workers: int = 1) -> None:
    """Run the huey consumer; its tasks run in ``app`` (the app of the ``flask`` command that started it)."""
    global _worker_app
    _worker_app = app
    huey.immediate = False
    huey.create_consumer(workers=workers).run()
