"""Shared persistence helpers (core): the optimistic-locking version check."""

from flask_babel import gettext as _

from workbench.validation import Conflict, InvalidInput


def check_version(record, data: dict) -> None:
    """Raise Conflict when ``data`` carries a ``version`` older than the record's."""
    if "version" not in data:
        return
    try:
        sent = int(data["version"])
    except (TypeError, ValueError):
        raise InvalidInput({"version": _("version must be a whole number.")}) from None
    if sent != record.version:
        current = {c.key: getattr(record, c.key) for c in record.__table__.columns}
        current = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in current.items()}
        raise Conflict(current=current, submitted=data)
