"""The one clock of the package: tests freeze it with ``app.config["ACTIONS_CLOCK"]``."""

from datetime import UTC, date, datetime

from flask import current_app


def now() -> datetime:
    """The current time as an aware UTC datetime (frozen in tests)."""
    clock = current_app.config.get("ACTIONS_CLOCK")
    value = clock() if clock else datetime.now(UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def today() -> date:
    """Today's date by the injectable clock."""
    return now().date()
