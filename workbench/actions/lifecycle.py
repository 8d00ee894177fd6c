"""Project lifecycle: closing gates, the quality manager's sign-off, reopening and the stage history."""

import contextvars
from typing import Protocol

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from workbench.actions.models import CorrectiveAction, EffectivenessCheck, ProjectCharter, SignOff, StageChange
from workbench.audit import _current_actor
from workbench.extensions import db
from workbench.models import User
from workbench.registry import HookPoint
from workbench.teams import services as teams
from workbench.teams.models import STAGES, ImprovementProject
from workbench.validation import InvalidInput, text_value, whole_number

# Meanings a closing signature may carry (stored as the key, shown translated).
SIGNATURE_MEANINGS = {
    "approved_closure": _l("I approve closing this project: the actions are verified and effective."),
    "reviewed_closure": _l("I have reviewed the evidence and confirm the project may close."),
}



class CloseCheck(Protocol):
    """A further check before a project closes: the reason it may not close, or None."""

    def __call__(self, project: ImprovementProject) -> str | None: ...


# ``init_app`` adds "not every FMEA row with an action is re-rated" (``fmea_link.py``) here.
CLOSE_CHECKS: HookPoint[CloseCheck] = HookPoint("actions.close_checks")

# The signature or reason that goes with the stage change being made now (set by close/reopen).
_pending: contextvars.ContextVar = contextvars.ContextVar("actions_pending_stage_change", default=None)


def offer_for_request(signature=None, reason=None) -> None:
    """Keep the ``signature`` / ``reason`` fields of an API request for the gate of this request only."""
    from flask import g

    g.actions_pending = {"signature": signature, "reason": str(reason or "").strip()}


def _pending_now() -> dict:
    pending = _pending.get()
    if pending is not None:
        return pending
    from flask import g, has_app_context

    return g.get("actions_pending") or {} if has_app_context() else {}


def open_actions_check(project) -> str | None:
    count = db.session.scalar(
        select(func.count(CorrectiveAction.id)).where(
            CorrectiveAction.project_id == project.id, CorrectiveAction.status != "verified"
        )
    )
    if count:
        return _("%(n)d action(s) are not verified yet.", n=count)
    return None


def effectiveness_check_gate(project) -> str | None:
    latest = db.session.scalar(
        select(EffectivenessCheck)
        .where(EffectivenessCheck.project_id == project.id)
        .order_by(EffectivenessCheck.id.desc())
        .limit(1)
    )
    if latest is None:
        return _("There is no effectiveness check yet.")
    if latest.decision == "rejected":
        return _("The latest effectiveness check was rejected.")
    if latest.decision != "accepted":
        return _("The latest effectiveness check is not accepted yet.")
    return None


def close_blockers(project) -> list[str]:
    """Every reason ``project`` may not close now (empty when it may)."""
    checks = [open_actions_check, effectiveness_check_gate, *CLOSE_CHECKS.all()]
    return [reason for reason in (check(project) for check in checks) if reason]


def stage_gate(project, new_stage: str, user) -> None:
    """Registered in ``STAGE_GATES``: closing needs the gates and a sign-off; reopening needs a reason."""
    pending = _pending_now()
    if new_stage == "closed":
        blockers = close_blockers(project)
        if blockers:
            raise InvalidInput({"stage": _("The project cannot close: %(reasons)s", reasons=" ".join(blockers))})
        signature = pending.get("signature")
        if pending.get("sign_off") is None and isinstance(signature, dict):
            pending["sign_off"] = _sign(project, user, signature.get("password"), signature.get("meaning"))
            pending["reason"] = str(SIGNATURE_MEANINGS[pending["sign_off"].meaning])
        if pending.get("sign_off") is None:
            raise InvalidInput(
                {"stage": _("Closing needs the quality manager's electronic sign-off (password and meaning).")}
            )
    elif project.stage == "closed" and not pending.get("reason"):
        raise InvalidInput({"reason": _("A closed project reopens only with a reason.")})


def _check_stage(stage: str) -> None:
    if stage not in STAGES:
        raise InvalidInput({"stage": _("Stage must be one of %(stages)s.", stages=", ".join(STAGES))})


def _sign(project: ImprovementProject, user: User, password: str, meaning: str) -> SignOff:
    """Record the electronic signature after checking role, meaning and the re-entered password."""
    if user.role != "quality_manager":
        raise InvalidInput({"password": _("Only a quality manager can sign the closure.")})
    if not isinstance(meaning, str) or meaning not in SIGNATURE_MEANINGS:
        raise InvalidInput({"meaning": _("Choose the meaning of your signature.")})
    if not isinstance(password, str) or not password or not user.check_password(password):
        raise InvalidInput({"password": _("The password is wrong; the signature was not recorded.")})
    sign_off = SignOff(project_id=project.id, user_id=user.id, signer_name=user.name, meaning=meaning)
    db.session.add(sign_off)
    db.session.flush()
    return sign_off


def close_project(project: ImprovementProject, user: User, password: str, meaning: str) -> SignOff:
    """Sign and close: the signer must be a quality manager who re-enters their password."""
    blockers = close_blockers(project)
    if blockers:
        raise InvalidInput({"stage": _("The project cannot close: %(reasons)s", reasons=" ".join(blockers))})
    sign_off = _sign(project, user, password, meaning)
    token = _pending.set({"sign_off": sign_off, "reason": str(SIGNATURE_MEANINGS[meaning])})
    try:
        teams.save_project(project, user, {"stage": "closed"})
        db.session.flush()
    finally:
        _pending.reset(token)
    return sign_off


def reopen_project(project: ImprovementProject, user: User, reason: str, stage: str = "improve") -> None:
    """Move a project (closed or not) back to ``stage`` recording ``reason``."""
    reason = text_value(reason, "reason").strip()
    if not reason:
        raise InvalidInput({"reason": _("A closed project reopens only with a reason.")})
    _check_stage(stage)
    if stage == "closed":
        raise InvalidInput({"stage": _("Choose the stage the project reopens in.")})
    token = _pending.set({"reason": reason})
    try:
        teams.save_project(project, user, {"stage": stage})
        db.session.flush()
    finally:
        _pending.reset(token)


def stage_history(project_id: int) -> list[StageChange]:
    return list(
        db.session.scalars(
            select(StageChange).where(StageChange.project_id == project_id).order_by(StageChange.at, StageChange.id)
        )
    )


def sign_offs(project_id: int) -> list[SignOff]:
    return list(db.session.scalars(select(SignOff).where(SignOff.project_id == project_id).order_by(SignOff.id)))


def charter_of(project_id: int) -> ProjectCharter:
    """The project's is/is-not and lessons learned (an unsaved blank one when none exists)."""
    charter = db.session.scalar(select(ProjectCharter).where(ProjectCharter.project_id == project_id))
    return charter or ProjectCharter(project_id=project_id, is_text="", is_not_text="", lessons_learned="")


def save_charter(project_id: int, data: dict) -> ProjectCharter:
    """Write the is / is-not, lessons learned and linked theme of a project."""
    charter = charter_of(project_id)
    theme_id = data.get("theme_id", charter.theme_id)
    if theme_id in ("", None):
        theme_id = None
    else:
        try:
            theme_id = whole_number(theme_id)
        except (TypeError, ValueError):
            raise InvalidInput({"theme_id": _("Expected a number, got “%(value)s”.", value=theme_id)}) from None
        from workbench.complaint_import.models import Theme

        if db.session.get(Theme, theme_id) is None:
            raise InvalidInput({"theme_id": _("No theme with id %(id)s.", id=theme_id)})
    for field in ("is_text", "is_not_text", "lessons_learned"):
        if field in data:
            setattr(charter, field, str(data.get(field) or "").strip())
    charter.theme_id = theme_id
    if charter.id is None:
        db.session.add(charter)
    return charter


@event.listens_for(Session, "before_flush")
def _record_stage_changes(session: Session, flush_context, instances) -> None:
    """Every stage change of a project lands in ``stage_changes`` with the actor and the reason."""
    for obj in list(session.dirty):
        if not isinstance(obj, ImprovementProject):
            continue
        history = db.inspect(obj).attrs.stage.history
        if not history.has_changes() or not history.deleted:
            continue
        pending = _pending_now()
        actor_id, actor = _current_actor()
        sign_off = pending.get("sign_off")
        session.add(
            StageChange(
                project_id=obj.id,
                from_stage=history.deleted[0],
                to_stage=obj.stage,
                actor_id=actor_id,
                actor=actor,
                reason=pending.get("reason") or "",
                sign_off_id=sign_off.id if sign_off is not None else None,
            )
        )

