"""Staged workbooks and CSV files read into sheets by a task, the result kept beside the upload."""

from flask import current_app
from flask_babel import gettext as _

from workbench.uploads import staging
from workbench.uploads.kinds import WORKBOOKS, extension
from workbench.uploads.limits import TableLimits, short
from workbench.uploads.tables import workbook_sheets
from workbench.uploads.text import csv_sheet
from workbench.validation import InvalidInput


def read_sheets(path: str, filename: str) -> list[dict]:
    """``[{"name", "rows": [[cell, ...]]}]`` of a workbook or a CSV file, held to the table limits."""
    limits = TableLimits.current()
    if extension(filename) in WORKBOOKS:
        return workbook_sheets(path, filename, limits)
    return csv_sheet(path, filename, limits)


def read_staged(token: str) -> None:
    """Read a staged upload's sheets and keep the outcome: ``{"status": "done", "sheets"}`` or ``{"status": "failed", "message"}``."""
    staged = staging.find(token, any_owner=True)
    if staged is None:  # discarded or cleaned before the worker came to it
        return
    try:
        result = {"status": "done", "sheets": read_sheets(str(staged.path), staged.filename)}
    except InvalidInput as error:
        result = {"status": "failed", "message": short(str(error))}
    except Exception:  # a damaged file must end in a message, never in a preview that waits for ever
        current_app.logger.exception("reading staged upload %s failed", token)
        result = {"status": "failed", "message": _("“%(name)s” could not be read.", name=staged.filename)}
    staging.save_result(staged, result)
