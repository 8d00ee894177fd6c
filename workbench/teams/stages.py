"""A project's stage: one explicit call moves it, in order, through the gates, into the stage history.

``change_stage`` is the only way a project's stage changes (pages, API, demo, other services).
Downstream capabilities add gates (``STAGE_GATES``) in their ``init_app``; this package never
imports them. A signed project is frozen: ``ensure_editable`` is called by every write service.
"""

from datetime import UTC, datetime
from typing import Any, Protocol

from flask_babel import gettext as _
from sqlalchemy import select

from workbench.extensions import db
from workbench.models import User
from workbench.registry import HookPoint
from workbench.teams.access import check_team_access
from workbench.teams.labels import stage_label
from workbench.teams.models import STAGES, ImprovementProject, StageChange
from workbench.validation import Frozen, InvalidInput, text_value

REASON_LIMIT = 2000


class StageGate(Protocol):
    """Checks a move of ``project`` to ``new_stage``; refuses by raising InvalidInput with the reason.

    ``sign_off`` is what the caller brought to authorise the move (a signature record, or the
    ``{"password", "meaning"}`` of an API body); a gate that records a signature from it answers
    that record, so the stage history points at it. Other gates answer None.
    """

    def __call__(self, project: ImprovementProject, new_stage: str, user: User, sign_off: Any) -> Any | None: ...


STAGE_GATES: HookPoint[StageGate] = HookPoint("teams.stage_gates")


def ensure_editable(project: ImprovementProject | None) -> None:
    """Raise Frozen when ``project`` is closed (a project closes only signed): every write service calls this."""
    if project is not None and project.stage == "closed":
        raise Frozen(_("The project is closed and signed; it is read-only until a quality manager reopens it with a reason."))


def ensure_project_editable(project_id: int | None) -> None:
    """``ensure_editable`` for a record that holds only its project's id."""
    if project_id is not None:
        ensure_editable(db.session.get(ImprovementProject, project_id))


def change_stage(project: ImprovementProject, user: User, stage: str, reason: str | None = None, sign_off: Any = None) -> StageChange:
    """Move ``project`` to ``stage``: forward one stage at a time through every gate, back only with a reason.

    Leaving Closed (reopening) is for a quality manager or admin with a reason. Writes the
    stage history row (who, when, why, signature) beside the project; the audit trail records
    the project's change. Raises InvalidInput (nothing written) when a rule or a gate refuses.
    """
    check_team_access(project.team_id, user, write=True)
    if stage not in STAGES:
        raise InvalidInput({"stage": _("Stage must be one of %(stages)s.", stages=", ".join(STAGES))})
    reason = text_value(reason, "reason").strip()
    if len(reason) > REASON_LIMIT:
        raise InvalidInput({"reason": _("The reason is longer than %(n)d characters.", n=REASON_LIMIT)})
    here, there = STAGES.index(project.stage), STAGES.index(stage)
    if there == here:
        raise InvalidInput({"stage": _("The project is already in stage %(stage)s.", stage=stage_label(stage))})
    if there > here + 1:
        raise InvalidInput({"stage": _("Stages are not skipped: from %(current)s the project moves to %(next)s first.",
                                       current=stage_label(project.stage), next=stage_label(STAGES[here + 1]))})
    if there < here and not reason:
        field = "reason"
        if project.stage == "closed":
            raise InvalidInput({field: _("A closed project reopens only with a reason.")})
        raise InvalidInput({field: _("Moving a project back to an earlier stage needs a reason.")})
    if project.stage == "closed" and not user.can_manage:
        raise InvalidInput({"stage": _("Only a quality manager can reopen a closed project.")})
    signature = None
    for gate in STAGE_GATES.all():
        signature = gate(project, stage, user, sign_off) or signature
    change = StageChange(
        project_id=project.id, from_stage=project.stage, to_stage=stage, actor_id=user.id, actor=user.email,
        reason=reason, sign_off_id=getattr(signature, "id", None),
    )
    project.stage = stage
    project.closed_at = datetime.now(UTC) if stage == "closed" else None
    db.session.add(change)
    db.session.flush()
    return change


def stage_history(project_id: int) -> list[StageChange]:
    """Every stage change of a project, oldest first."""
    return list(
        db.session.scalars(
            select(StageChange).where(StageChange.project_id == project_id).order_by(StageChange.at, StageChange.id)
        )
    )
