"""Upload work on the task queue: reading staged sheets, and removing abandoned staged files every hour."""

from huey import crontab

from workbench.queue import huey, task_app
from workbench.uploads.sheets import read_staged
from workbench.uploads.staging import clean_abandoned


@huey.task()
def read_sheets(token: str) -> None:
    """Read a staged workbook or CSV into sheets (off the web request)."""
    with task_app().app_context():
        read_staged(token)


@huey.periodic_task(crontab(minute="17"))
def clean_staging() -> None:
    """Remove staged files nobody used for ``UPLOAD_STAGING_HOURS``."""
    with task_app().app_context():
        clean_abandoned()
