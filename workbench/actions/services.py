"""Corrective actions: validation, writes, overdue logic and evidence files."""

import dataclasses
import os
import uuid
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.utils import secure_filename

from workbench import dates
from workbench.actions import clock
from workbench.actions.models import ACTION_STATUSES, ACTION_TYPES, OPEN_STATUSES, CorrectiveAction
from workbench.extensions import db, get_or_not_found
from workbench.fishbone.models import FishboneCause, FishboneDiagram
from workbench.fmea.models import FmeaDocument, FmeaRow
from workbench.models import User
from workbench.teams.models import TeamMembership
from workbench.teams.services import get_project
from workbench.teams.stages import ensure_editable
from workbench.uploads import EVIDENCE, keep, receive
from workbench.validation import InvalidInput, whole_number

EVIDENCE_FILE = dataclasses.replace(EVIDENCE, field="evidence_file")


def is_overdue(action: CorrectiveAction, today: date | None = None) -> bool:
    """An action still being worked on whose due date has passed."""
    today = today or clock.today()
    return action.status in OPEN_STATUSES and action.due_date < today


def actions_of(project_id: int) -> list[CorrectiveAction]:
    """The actions of one project, by due date (the caller checked access)."""
    stmt = select(CorrectiveAction).where(CorrectiveAction.project_id == project_id).order_by(
        CorrectiveAction.due_date, CorrectiveAction.id
    )
    return list(db.session.scalars(stmt))


def get_action(action_id: int, user: User, write: bool = False) -> CorrectiveAction:
    """Load an action through its project's access rule (404 other teams, 403 viewers)."""
    action = get_or_not_found(CorrectiveAction, action_id)
    get_project(action.project_id, user, write=write)
    return action


def _optional_int(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return whole_number(value)
    except (TypeError, ValueError):
        raise InvalidInput({field: _("Expected a number, got “%(value)s”.", value=value)}) from None


def _in_team(user: User, project) -> bool:
    if user.can_manage:
        return True
    stmt = select(TeamMembership.id).where(TeamMembership.team_id == project.team_id, TeamMembership.user_id == user.id)
    return db.session.scalar(stmt) is not None


def _foreign_links(project, cause_id: int | None, fmea_row_id: int | None) -> dict:
    """Errors for a cause or FMEA row that is not the project's own (never link another team's work)."""
    errors = {}
    if cause_id is not None:
        stmt = select(FishboneCause.id).join(FishboneDiagram, FishboneDiagram.id == FishboneCause.diagram_id)
        if db.session.scalar(stmt.where(FishboneCause.id == cause_id, FishboneDiagram.project_id == project.id)) is None:
            errors["cause_id"] = _("No cause %(id)s on this project's fishbone.", id=cause_id)
    if fmea_row_id is not None:
        stmt = select(FmeaRow.id).join(FmeaDocument, FmeaDocument.id == FmeaRow.document_id)
        if db.session.scalar(stmt.where(FmeaRow.id == fmea_row_id, FmeaDocument.project_id == project.id)) is None:
            errors["fmea_row_id"] = _("No FMEA row %(id)s in this project.", id=fmea_row_id)
    return errors


def save_action(action: CorrectiveAction | None, project, data: dict) -> CorrectiveAction:
    """Create or change an action from plain ``data``; every field is checked before anything is written."""
    ensure_editable(project)
    errors = {}
    current = action or CorrectiveAction()
    title = str(data.get("title", current.title) or "").strip()
    if not title:
        errors["title"] = _("An action needs a title.")
    elif len(title) > 200:
        errors["title"] = _("The title is longer than 200 characters.")
    kind = data.get("type", current.type or "corrective")
    if kind not in ACTION_TYPES:
        errors["type"] = _("Type must be one of %(types)s.", types=", ".join(ACTION_TYPES))
    status = data.get("status", current.status or "open")
    if status not in ACTION_STATUSES:
        errors["status"] = _("Status must be one of %(statuses)s.", statuses=", ".join(ACTION_STATUSES))
    owner_id = data.get("owner_id", current.owner_id)
    if owner_id in (None, ""):
        errors["owner_id"] = _("Choose the person who owns the action.")
    else:
        try:
            owner = db.session.get(User, whole_number(owner_id))
        except (TypeError, ValueError):
            owner = None
        if owner is None or not owner.active:
            errors["owner_id"] = _("No active user with id %(id)s.", id=owner_id)
        elif owner.id != current.owner_id and not _in_team(owner, project):  # a new owner; one who left keeps theirs
            errors["owner_id"] = _("%(name)s is not a member of the project's team.", name=owner.name)
    try:
        due = dates.field_date(data.get("due_date", current.due_date), "due_date")
    except InvalidInput as error:
        errors.update(error.errors)
    else:
        if due is None:
            errors["due_date"] = _("A due date is required.")
    try:
        cause_id = _optional_int(data.get("cause_id", current.cause_id), "cause_id")
        fmea_row_id = _optional_int(data.get("fmea_row_id", current.fmea_row_id), "fmea_row_id")
    except InvalidInput as error:
        errors.update(error.errors)
    else:  # only new links are checked: a cause deleted later must not block the action's other changes
        errors.update(_foreign_links(project, cause_id if cause_id != current.cause_id else None,
                                     fmea_row_id if fmea_row_id != current.fmea_row_id else None))
    if status == "verified" and action is not None and action.status not in ("done", "verified"):
        errors["status"] = _("Only a done action can be verified.")
    if errors:
        raise InvalidInput(errors)
    if action is None:
        action = current
        action.project_id = project.id
        db.session.add(action)
    if status in ("done", "verified") and action.status not in ("done", "verified"):
        action.completed_on = clock.today()
    elif status not in ("done", "verified"):
        action.completed_on = None
    action.title, action.type, action.status = title, kind, status
    action.owner_id, action.due_date = int(owner_id), due
    action.cause_id, action.fmea_row_id = cause_id, fmea_row_id
    if "evidence_text" in data:
        action.evidence_text = str(data.get("evidence_text") or "").strip()
    return action


def evidence_folder() -> Path:
    """Where evidence files live: ``EVIDENCE_FOLDER``, by default ``<instance>/evidence``."""
    return Path(current_app.config.get("EVIDENCE_FOLDER") or Path(current_app.instance_path) / "evidence")


def attach_evidence(action: CorrectiveAction, upload) -> None:
    """Store an uploaded evidence file (a werkzeug ``FileStorage``) through the upload pipeline, under the instance folder."""
    ensure_editable(action.project)
    staged = receive(upload, EVIDENCE_FILE)
    name = secure_filename(staged.filename) or "evidence"
    stored = f"{uuid.uuid4().hex}_{name}"
    keep(staged, evidence_folder() / str(action.project_id), stored)
    old = action.evidence_file
    action.evidence_file = f"{action.project_id}/{stored}"
    action.evidence_name = staged.filename
    if old:
        _remove(old)


def evidence_path(action: CorrectiveAction) -> Path | None:
    """The stored evidence file of ``action``, if any."""
    if not action.evidence_file:
        return None
    path = (evidence_folder() / action.evidence_file).resolve()
    if evidence_folder().resolve() not in path.parents or not path.exists():
        return None
    return path


def _remove(relative: str) -> None:
    path = evidence_folder() / relative
    if path.exists():
        os.remove(path)
