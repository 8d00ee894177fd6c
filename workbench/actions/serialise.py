"""Plain JSON forms of the package's records, shared by the API and exports."""

from workbench.actions import effectiveness
from workbench.actions.effectiveness import survey_comparison
from workbench.actions.services import is_overdue
from workbench.api.common import iso
from workbench.users import actor_label


def action_json(action, today=None) -> dict:
    return {
        "id": action.id,
        "project_id": action.project_id,
        "title": action.title,
        "type": action.type,
        "owner_id": action.owner_id,
        "owner": action.owner.name if action.owner else None,
        "due_date": iso(action.due_date),
        "status": action.status,
        "overdue": is_overdue(action, today),
        "completed_on": iso(action.completed_on),
        "evidence_text": action.evidence_text,
        "evidence_file": action.evidence_name,
        "cause_id": action.cause_id,
        "fmea_row_id": action.fmea_row_id,
        "created_at": iso(action.created_at),
        "version": action.version,
    }


def _result(check) -> dict:
    """Enough data or not, the complaints needed, and the rate change with its 95% interval."""
    if check.measured_at is None:
        return {"enough_data": None, "complaints_needed_before": None, "change_pct": None, "change_ci_pct": None}
    result = effectiveness.result_of(check)
    interval = result.change_ci_pct
    return {"enough_data": result.enough_data, "complaints_needed_before": result.needed_before,
            "change_pct": result.change_pct, "change_ci_pct": list(interval) if interval else None}


def check_json(check) -> dict:
    return {
        "id": check.id,
        "project_id": check.project_id,
        "criteria": check.criteria,
        "actions_on": iso(check.actions_on),
        "check_date": iso(check.check_date),
        "process_owner_id": check.process_owner_id,
        "product": check.product,
        "category": check.category,
        "before_count": check.before_count,
        "after_count": check.after_count,
        "p_value": check.p_value,
        **_result(check),
        "measured_at": iso(check.measured_at),
        "decision": check.decision,
        "decision_note": check.decision_note,
        "decided_by": check.decided_by.name if check.decided_by else None,
        "decided_at": iso(check.decided_at),
        "surveys": _surveys(check),
        "version": check.version,
    }


def _surveys(check):
    return survey_comparison(check) if check.measured_at else None


def sign_off_json(sign_off) -> dict:
    return {
        "id": sign_off.id,
        "signer_name": sign_off.signer_name,
        "user_id": sign_off.user_id,
        "meaning": sign_off.meaning,
        "signed_at": iso(sign_off.signed_at),
        "content_hash": sign_off.content_hash,
        "superseded_at": iso(sign_off.superseded_at),
    }


def stage_change_json(change, viewer) -> dict:
    return {
        "from_stage": change.from_stage,
        "to_stage": change.to_stage,
        # The name (and the email only for admins and quality managers), as on the lifecycle page.
        "actor": actor_label(change.actor_id, change.actor, viewer),
        "actor_id": change.actor_id,
        "reason": change.reason,
        "sign_off_id": change.sign_off_id,
        "at": iso(change.at),
    }
