"""API: corrective actions, closing and reopening projects, effectiveness checks."""

import copy

from flask import jsonify
from flask_login import current_user

from workbench.actions import effectiveness, lifecycle, services
from workbench.actions.effectiveness import result_of, survey_comparison
from workbench.actions.models import EffectivenessCheck
from workbench.actions.schemas import (
    ActionChangeSchema,
    ActionInSchema,
    CharterSchema,
    CheckInSchema,
    ClosedSchema,
    CloseSchema,
    CorrectiveActionSchema,
    DecisionSchema,
    EffectivenessCheckSchema,
    LifecycleSchema,
    MeasuredCheckSchema,
    ReopenSchema,
)
from workbench.api import openapi
from workbench.api.common import version_sent
from workbench.api.routes import ApiRoutes
from workbench.api.schemas import Record, Text, checked_body, edit_of, list_of, with_values
from workbench.extensions import db
from workbench.persistence import check_version
from workbench.teams import api as teams_api
from workbench.teams.schemas import ProjectInSchema, ProjectSchema, SignOffSchema
from workbench.teams.services import get_project
from workbench.users import actor_label

bp = ApiRoutes("actions_api", __name__)
bp.schema("CorrectiveAction", CorrectiveActionSchema)
bp.schema("EffectivenessCheck", EffectivenessCheckSchema)
bp.schema("Lifecycle", LifecycleSchema)
action_json = CorrectiveActionSchema().dump


def check_json(check, schema=EffectivenessCheckSchema, **values) -> dict:
    """A check with its test result (enough data, complaints needed, the change and its 95% interval) and survey scores."""
    if check.measured_at is None:
        result = {"enough_data": None, "complaints_needed_before": None, "change_pct": None, "change_ci_pct": None, "surveys": None}
    else:
        outcome = result_of(check)
        result = {"enough_data": outcome.enough_data, "complaints_needed_before": outcome.needed_before, "change_pct": outcome.change_pct,
                  "change_ci_pct": list(outcome.change_ci_pct) if outcome.change_ci_pct else None, "surveys": survey_comparison(check)}
    return schema().dump(with_values(check, **result, **values))


@bp.get("/projects/<int:project_id>/actions")
def list_actions(project_id: int):
    project = get_project(project_id, current_user)
    return jsonify(list_of(CorrectiveActionSchema)().dump({"items": services.actions_of(project.id)}))


@bp.post("/projects/<int:project_id>/actions")
def create_action(project_id: int):
    project = get_project(project_id, current_user, write=True)
    action = services.save_action(None, project, checked_body(ActionInSchema))
    db.session.commit()
    return jsonify(action_json(action)), 201


@bp.get("/actions/<int:action_id>")
def get_action(action_id: int):
    return jsonify(action_json(services.get_action(action_id, current_user)))


@bp.patch("/actions/<int:action_id>")
def update_action(action_id: int):
    action = services.get_action(action_id, current_user, write=True)
    data = checked_body(ActionChangeSchema)
    check_version(action, data, required=True)
    services.save_action(action, action.project, data)
    db.session.commit()
    return jsonify(action_json(action))


@bp.get("/projects/<int:project_id>/lifecycle")
def project_lifecycle(project_id: int):
    project = get_project(project_id, current_user)
    charter = lifecycle.charter_of(project.id)
    return jsonify(LifecycleSchema().dump({
        "project": project,
        "version": charter.version or 0,
        "is_text": charter.is_text,
        "is_not_text": charter.is_not_text,
        "lessons_learned": charter.lessons_learned,
        "theme_id": project.theme_id,
        "close_blockers": lifecycle.close_blockers(project) if project.stage != "closed" else [],
        # The name (and the email only for admins and quality managers), as on the lifecycle page.
        "stage_changes": [with_values(c, actor=actor_label(c.actor_id, c.actor, current_user)) for c in lifecycle.stage_history(project.id)],
        "sign_offs": lifecycle.sign_offs(project.id),
    }))


@bp.patch("/projects/<int:project_id>/lifecycle")
def update_lifecycle(project_id: int):
    project = get_project(project_id, current_user, write=True)
    lifecycle.save_charter(project.id, checked_body(CharterSchema), required=True)
    db.session.commit()
    return project_lifecycle(project_id)


@bp.post("/projects/<int:project_id>/close")
def close_project(project_id: int):
    project = get_project(project_id, current_user, write=True, lifecycle=True)
    data = checked_body(CloseSchema)
    sign_off = lifecycle.close_project(project, current_user, data.get("password"), data.get("meaning"))
    db.session.commit()
    return jsonify(ClosedSchema().dump({"project": project, "sign_off": sign_off}))


@bp.post("/projects/<int:project_id>/reopen")
def reopen_project(project_id: int):
    project = get_project(project_id, current_user, write=True, lifecycle=True)
    data = checked_body(ReopenSchema)
    lifecycle.reopen_project(project, current_user, data.get("reason"), data.get("stage") or "improve")
    db.session.commit()
    return jsonify(ProjectSchema().dump(project))


@bp.get("/projects/<int:project_id>/effectiveness")
def list_checks(project_id: int):
    project = get_project(project_id, current_user)
    return jsonify({"items": [check_json(c) for c in effectiveness.checks_of(project.id)]})


@bp.post("/projects/<int:project_id>/effectiveness")
def create_check(project_id: int):
    project = get_project(project_id, current_user, write=True)
    check = effectiveness.save_check(None, project, checked_body(CheckInSchema))
    db.session.commit()
    return jsonify(check_json(check)), 201


def _check(check_id: int, write: bool = False) -> EffectivenessCheck:
    check = db.get_or_404(EffectivenessCheck, check_id)
    get_project(check.project_id, current_user, write=write)
    return check


@bp.post("/effectiveness/<int:check_id>/measure")
def measure_check(check_id: int):
    check = _check(check_id, write=True)
    check_version(check, version_sent())
    result = effectiveness.measure(check)
    db.session.commit()
    return jsonify(check_json(check, MeasuredCheckSchema, significant=result.significant, rate_ratio=result.rate_ratio))


@bp.post("/effectiveness/<int:check_id>/decision")
def decide_check(check_id: int):
    check = _check(check_id, write=True)
    data = checked_body(DecisionSchema)
    check_version(check, data, required=True)
    effectiveness.decide(check, current_user, data.get("decision"), data.get("note", ""))
    db.session.commit()
    return jsonify(check_json(check))


_id = {"type": "integer"}
_pid = [{"name": "project_id", "in": "path", "required": True, "schema": _id}]
_aid = [{"name": "action_id", "in": "path", "required": True, "schema": _id}]
_cid = [{"name": "check_id", "in": "path", "required": True, "schema": _id}]
bp.path(
    "/projects/{project_id}/actions",
    get={"summary": "Actions of a project", "parameters": _pid, "responses": {"200": openapi.ok("Actions", list_of(CorrectiveActionSchema)), **openapi.ERRORS}},
    post={"summary": "Add an action", "parameters": _pid, "requestBody": openapi.body(ActionInSchema),
          "responses": {"201": openapi.ok("Created", CorrectiveActionSchema), **openapi.ERRORS}},
)
bp.path(
    "/actions/{action_id}",
    get={"summary": "One action", "parameters": _aid, "responses": {"200": openapi.ok("Action", CorrectiveActionSchema), **openapi.ERRORS}},
    patch={"summary": "Change an action (status, owner, due date, evidence text, links)", "parameters": _aid,
           "requestBody": openapi.body(ActionChangeSchema),
           "responses": {"200": openapi.ok("Action", CorrectiveActionSchema), **openapi.CONFLICT, **openapi.ERRORS}},
)
bp.path(
    "/projects/{project_id}/lifecycle",
    get={"summary": "Is / is-not, lessons learned, what blocks closing, stage history and sign-offs", "parameters": _pid,
         "responses": {"200": openapi.ok("Lifecycle", LifecycleSchema), **openapi.ERRORS}},
    patch={"summary": "Write is / is-not, lessons learned and the linked theme", "parameters": _pid,
           "description": "`version` is the charter's (top-level `version` of the GET); it is required once the charter has been saved.",
           "requestBody": openapi.body(CharterSchema),
           "responses": {"200": openapi.ok("Lifecycle", LifecycleSchema), **openapi.CONFLICT, **openapi.ERRORS}},
)
bp.path(
    "/projects/{project_id}/close",
    post={"summary": "Close with the quality manager's electronic sign-off (password re-entered, meaning of the signature)",
          "parameters": _pid, "requestBody": openapi.body(CloseSchema),
          "responses": {"200": openapi.ok("Closed", ClosedSchema), **openapi.ERRORS}},
)
bp.path(
    "/projects/{project_id}/reopen",
    post={"summary": "Reopen a closed project (or move it back) with a reason", "parameters": _pid, "requestBody": openapi.body(ReopenSchema),
          "responses": {"200": openapi.ok("Reopened", ProjectSchema), **openapi.ERRORS}},
)
bp.path(
    "/projects/{project_id}/effectiveness",
    get={"summary": "Effectiveness checks of a project", "parameters": _pid,
         "responses": {"200": openapi.ok("Checks", list_of(EffectivenessCheckSchema)), **openapi.ERRORS}},
    post={"summary": "Plan an effectiveness check", "parameters": _pid, "requestBody": openapi.body(CheckInSchema),
          "responses": {"201": openapi.ok("Created", EffectivenessCheckSchema), **openapi.ERRORS}},
)
bp.path(
    "/effectiveness/{check_id}/measure",
    post={"summary": "Count complaints before vs after and run the exact Poisson test", "parameters": _cid,
          "responses": {"200": openapi.ok("Measured", MeasuredCheckSchema), **openapi.ERRORS}},
)
bp.path(
    "/effectiveness/{check_id}/decision",
    post={"summary": "Accept or reject (a rejection sends the project back to Improve)", "parameters": _cid,
          "requestBody": openapi.body(DecisionSchema),
          "responses": {"200": openapi.ok("Decided", EffectivenessCheckSchema), **openapi.CONFLICT, **openapi.ERRORS}},
)


# The teams API documents PATCH /projects/{id}; this package's gate reads the sign-off, so its copy
# of that operation (which replaces the teams one in the document) names the meanings a signature takes.
class ClosingSignOffSchema(SignOffSchema):
    """The quality manager's electronic sign-off that closes a project."""

    meaning = Text(required=True, metadata={"enum": list(lifecycle.SIGNATURE_MEANINGS)})


class ProjectChangeSchema(edit_of(ProjectInSchema)):
    """A change of a project; closing it needs the quality manager's sign-off, reopening it a reason."""

    signature = Record(ClosingSignOffSchema, metadata={"description": "closing: the quality manager's electronic sign-off"})


_project_patch_operation = copy.deepcopy(teams_api.bp.paths["/projects/{project_id}"]["patch"])
_project_patch_operation["requestBody"] = openapi.body(ProjectChangeSchema)
bp.path("/projects/{project_id}", patch=_project_patch_operation)
