"""The limits every upload is held to, read from the app's configuration (see README, Configuration)."""

from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_babel import format_decimal

from workbench.config import UPLOAD_DEFAULTS

MB = 1024 * 1024

# Defaults of the settings; ``workbench.config`` reads the environment variables of the same names.
DEFAULTS = UPLOAD_DEFAULTS
# Stored messages (job pages, row errors) are cut to this many characters.
MESSAGE_CHARS = 500


def setting(name: str):
    """One upload setting: the app's value, else the default."""
    if has_app_context():
        value = current_app.config.get(name)
        if value not in (None, ""):
            return value
    return DEFAULTS[name]


@dataclass(frozen=True)
class TableLimits:
    """How big a table (CSV or sheet) may be; captured once so a forked reader needs no app."""

    rows: int
    columns: int
    cell_chars: int

    @classmethod
    def current(cls) -> "TableLimits":
        return cls(int(setting("UPLOAD_MAX_ROWS")), int(setting("UPLOAD_MAX_COLUMNS")), int(setting("UPLOAD_MAX_CELL_CHARS")))


def size_text(size: float) -> str:
    """``10 MB`` or ``900 KB``: a limit as people read it."""
    if size >= MB:
        return f"{format_decimal(round(size / MB, 1))} MB"
    return f"{format_decimal(max(1, round(size / 1024)))} KB"


def request_limit() -> int:
    """The largest request body, in bytes (``UPLOAD_LIMIT_MB``)."""
    if has_app_context() and current_app.config.get("MAX_CONTENT_LENGTH"):
        return int(current_app.config["MAX_CONTENT_LENGTH"])
    return int(float(setting("UPLOAD_LIMIT_MB")) * MB)


def short(text, limit: int = MESSAGE_CHARS) -> str:
    """``text`` cut to ``limit`` characters (with an ellipsis), so stored messages stay small."""
    text = str(text if text is not None else "")
    return text if len(text) <= limit else text[: limit - 1] + "…"
