"""FMEA work on the task queue: reading an uploaded workbook under the user's choices (off the web request)."""

from workbench.fmea.importing import analyse_staged
from workbench.queue import huey, task_app


@huey.task()
def analyse_upload(token: str, choices: dict) -> None:
    """Analyse a staged FMEA workbook (sheets, header, mapping, scales, rows) and keep the result beside it."""
    with task_app().app_context():
        analyse_staged(token, choices)
