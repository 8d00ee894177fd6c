"""Display names of action types, statuses and decisions, translated."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from workbench.i18n import format_date

TYPE_LABELS = {
    "containment": _l("Containment"),
    "correction": _l("Correction"),
    "corrective": _l("Corrective action"),
    "preventive": _l("Preventive action"),
}
STATUS_LABELS = {
    "open": lazy_pgettext("status", "Open"),  # the state, not the verb on the home cards
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "verified": _l("Verified"),
    "reopened": _l("Reopened"),
}
DECISION_LABELS = {"pending": _l("Pending"), "accepted": _l("Accepted"), "rejected": _l("Rejected")}


def init_app(app) -> None:
    """Template helpers for action types, statuses and decisions, and the ``jdate`` filter."""
    app.jinja_env.filters["jdate"] = _jdate
    app.jinja_env.globals.update(
        action_type_label=lambda k: str(TYPE_LABELS.get(k, k)),
        action_status_label=lambda k: str(STATUS_LABELS.get(k, k)),
        decision_label=lambda k: str(DECISION_LABELS.get(k, k)),
    )


def _jdate(value) -> str:
    """An ISO date string (as the dashboard data carries it) in the page's calendar."""
    return format_date(date.fromisoformat(value)) if value else ""

