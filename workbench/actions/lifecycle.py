"""Project lifecycle: closing gates, the quality manager's sign-off, reopening and the stage history."""

from typing import Protocol

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from workbench.actions import clock, signature
from workbench.actions.models import CorrectiveAction, EffectivenessCheck, ProjectCharter, SignOff
from workbench.extensions import db
from workbench.models import User
from workbench.persistence import check_version
from workbench.registry import HookPoint
from workbench.roles import Role
from workbench.teams import stages
from workbench.teams.labels import stage_label
from workbench.teams.models import STAGES, ImprovementProject
from workbench.teams.stages import ensure_project_editable
from workbench.teams.theme_link import link_theme
from workbench.validation import InvalidInput

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

def open_actions_check(project) -> str | None:
    count = db.session.scalar(
        select(func.count(CorrectiveAction.id)).where(
            CorrectiveAction.project_id == project.id, CorrectiveAction.status != "verified"
        )
    )
    if count:
        return ngettext("%(num)d action is not verified yet.", "%(num)d actions are not verified yet.", count)
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


def stage_gate(project, new_stage: str, user, sign_off) -> SignOff | None:
    """Registered in ``teams.stages.STAGE_GATES``: closing needs every closing gate, then the signature.

    ``sign_off`` is the ``{"password", "meaning"}`` the signer gave; the signature is recorded
    only after every closing gate passed, and answered so the stage history points at it.
    """
    if project.stage == "closed":
        _supersede(project)
    if new_stage != "closed":
        return None
    blockers = close_blockers(project)
    if blockers:
        raise InvalidInput({"stage": _("The project cannot close: %(reasons)s", reasons=" ".join(blockers))})
    if not isinstance(sign_off, dict):
        raise InvalidInput({"stage": _("Closing needs the quality manager's electronic sign-off (password and meaning).")})
    return _sign(project, user, sign_off.get("password"), sign_off.get("meaning"))


def _supersede(project) -> None:
    """Reopening keeps the signature visible, marked as superseded from now."""
    for sign_off in db.session.scalars(select(SignOff).where(SignOff.project_id == project.id, SignOff.superseded_at.is_(None))):
        sign_off.superseded_at = clock.now()


def _sign(project: ImprovementProject, user: User, password: str, meaning: str) -> SignOff:
    """Record the electronic signature after checking role, meaning and the re-entered password."""
    if user.role != Role.QUALITY_MANAGER:
        raise InvalidInput({"password": _("Only a quality manager can sign the closure.")})
    if not isinstance(meaning, str) or meaning not in SIGNATURE_MEANINGS:
        raise InvalidInput({"meaning": _("Choose the meaning of your signature.")})
    if not isinstance(password, str) or not password or not user.check_password(password):
        raise InvalidInput({"password": _("The password is wrong; the signature was not recorded.")})
    sign_off = SignOff(project_id=project.id, user_id=user.id, signer_name=user.name, meaning=meaning,
                       content_hash=signature.content_hash(project))
    db.session.add(sign_off)
    db.session.flush()
    return sign_off


def close_project(project: ImprovementProject, user: User, password: str, meaning: str) -> SignOff:
    """Sign and close: the signer must be a quality manager who re-enters their password."""
    meaning_text = str(SIGNATURE_MEANINGS.get(meaning, "")) if isinstance(meaning, str) else ""
    change = stages.change_stage(project, user, "closed", meaning_text, {"password": password, "meaning": meaning})
    return db.session.get(SignOff, change.sign_off_id)


def reopen_project(project: ImprovementProject, user: User, reason: str, stage: str = "improve") -> None:
    """Move a project back to ``stage`` (not Closed) recording ``reason``."""
    if stage == "closed" or stage not in STAGES:
        raise InvalidInput({"stage": _("Choose the stage the project reopens in.")})
    if STAGES.index(stage) >= STAGES.index(project.stage):
        raise InvalidInput({"stage": _("Choose an earlier stage than %(stage)s.", stage=stage_label(project.stage))})
    stages.change_stage(project, user, stage, reason)


stage_history = stages.stage_history


def sign_offs(project_id: int) -> list[SignOff]:
    return list(db.session.scalars(select(SignOff).where(SignOff.project_id == project_id).order_by(SignOff.id)))


def charter_of(project_id: int) -> ProjectCharter:
    """The project's is/is-not and lessons learned (an unsaved blank one when none exists)."""
    charter = db.session.scalar(select(ProjectCharter).where(ProjectCharter.project_id == project_id))
    return charter or ProjectCharter(project_id=project_id, is_text="", is_not_text="", lessons_learned="")


def save_charter(project_id: int, data: dict, required: bool = False) -> ProjectCharter:
    """Write the is / is-not and lessons learned of a project (``version``: the charter's, once it exists);
    a ``theme_id`` goes to the project's one link."""
    ensure_project_editable(project_id)
    charter = charter_of(project_id)
    if charter.id is not None:
        check_version(charter, data, required=required)
    if "theme_id" in data:
        project = db.session.get(ImprovementProject, project_id)
        if str(data["theme_id"] or "") != str(project.theme_id or ""):
            link_theme(project, data["theme_id"])
    for field in ("is_text", "is_not_text", "lessons_learned"):
        if field in data:
            setattr(charter, field, str(data.get(field) or "").strip())
    if charter.id is None:
        db.session.add(charter)
    return charter
