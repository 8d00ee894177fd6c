"""The FMEA side of corrective actions: the actions addressing each row, creating one from a row, the re-rating gate.

The FMEA package never imports this one; these functions are registered in its hook lists (see hooks.py).
"""

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from workbench.actions import clock, services
from workbench.actions.labels import STATUS_LABELS
from workbench.actions.models import OPEN_STATUSES, CorrectiveAction
from workbench.extensions import db
from workbench.fmea import services as fmea
from workbench.fmea.models import FmeaDocument, FmeaRow
from workbench.i18n import format_date, join_list, persian_digits
from workbench.models import User
from workbench.teams.services import get_project
from workbench.teams.stages import ensure_editable

DEFAULT_DUE_DAYS = 30


def _base_url() -> str:
    """Where an action's page lives, minus its id (outside a request, e.g. the CLI, the plain path)."""
    try:
        return url_for("actions.action_edit", action_id=0).removesuffix("0")
    except RuntimeError:
        return "/actions/"


def action_item(action_id, title, status, due_date, owner, today, base_url: str, labels: dict) -> dict:
    return {
        "id": action_id,
        "title": title,
        "status": status,
        "status_label": labels.get(status, status),
        "overdue": status in OPEN_STATUSES and due_date < today,
        "owner": owner,
        "due_date": due_date.isoformat(),
        "url": f"{base_url}{action_id}",
    }


def actions_for_rows(row_ids) -> dict[int, list[dict]]:
    """Registered in ``fmea.services.ROW_ACTION_SOURCES``: one query for all the rows.

    Only actions of the project that owns the row count (an id typed into another project's action is ignored).
    """
    A = CorrectiveAction
    stmt = (
        select(A.id, A.fmea_row_id, A.title, A.status, A.due_date, User.name)
        .join(User, User.id == A.owner_id)
        .join(FmeaRow, FmeaRow.id == A.fmea_row_id)
        .join(FmeaDocument, (FmeaDocument.id == FmeaRow.document_id) & (FmeaDocument.project_id == A.project_id))
        .where(A.fmea_row_id.in_(list(row_ids)))
        .order_by(A.due_date, A.id)
    )
    today = clock.today()
    base_url = _base_url()
    labels = {key: str(label) for key, label in STATUS_LABELS.items()}
    found: dict[int, list[dict]] = {}
    for action_id, row_id, title, status, due, owner in db.session.execute(stmt):
        found.setdefault(row_id, []).append(action_item(action_id, title, status, due, owner, today, base_url, labels))
    return found


def create_from_row(project, row, user, chosen: dict | None = None) -> dict:
    """Registered in ``fmea.services.ROW_ACTION_CREATORS``: a corrective action that addresses ``row``."""
    ensure_editable(project)
    get_project(project.id, user, write=True)
    title = (row.prevention_action or "").strip() or (row.detection_action or "").strip()
    if not title:
        cause = (row.failure_cause or "").strip() or (row.failure_mode or "").strip() or f"#{row.position}"
        title = _("Action for: %(cause)s", cause=cause)
    if len(title) > 200:
        title = title[:199] + "…"
    chosen = chosen or {}
    message = None
    if chosen:  # the user picked them in the FMEA's dialog: save_action checks both (team member, a real date)
        action = services.save_action(None, project, {
            "title": title, "type": "corrective", "owner_id": chosen.get("owner_id") or row.responsible_id or user.id,
            "due_date": chosen.get("due_date") or row.target_date, "status": "open", "fmea_row_id": row.id,
        })
        db.session.flush()
        labels = {key: str(label) for key, label in STATUS_LABELS.items()}
        item = action_item(action.id, action.title, action.status, action.due_date, action.owner.name, clock.today(), _base_url(), labels)
        return {"action": item, "message": None}
    owner = db.session.get(User, row.responsible_id) if row.responsible_id else None
    if owner is None or not owner.active:
        owner = user
    due = row.target_date
    if due is None:
        due = clock.today() + timedelta(days=DEFAULT_DUE_DAYS)
        message = _("The row has no target date; the action is due in %(days)d days (%(date)s). Change it on the action page.",
                    days=DEFAULT_DUE_DAYS, date=format_date(due))
    action = services.save_action(None, project, {
        "title": title, "type": "corrective", "owner_id": owner.id, "due_date": due, "status": "open", "fmea_row_id": row.id,
    })
    db.session.flush()
    labels = {key: str(label) for key, label in STATUS_LABELS.items()}
    base_url = _base_url()
    item = action_item(action.id, action.title, action.status, action.due_date, owner.name, clock.today(), base_url, labels)
    return {"action": item, "message": message}


def fmea_rerated_check(project) -> str | None:
    """Registered in ``lifecycle.CLOSE_CHECKS``: every FMEA row with an action is re-rated (revised S, O and D)."""
    positions = fmea.rows_not_rerated(project.id)
    if not positions:
        return None
    shown = join_list(persian_digits(p) for p in positions[:10]) + ("…" if len(positions) > 10 else "")
    return ngettext("%(num)d FMEA row with an action is not re-rated (revised S, O and D missing): row %(rows)s of the project's FMEA.",
                    "%(num)d FMEA rows with an action are not re-rated (revised S, O and D missing): rows %(rows)s of the project's FMEA.",
                    len(positions), rows=shown)


def row_of(action) -> dict | None:
    """The FMEA row an action addresses, as the action page shows it."""
    return fmea.row_summary(action.fmea_row_id, action.project_id)
