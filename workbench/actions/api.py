"""API: corrective actions, closing and reopening projects, effectiveness checks."""

import copy

from flask import jsonify
from flask_login import current_user

from workbench.actions import effectiveness, lifecycle, services
from workbench.actions.models import ACTION_STATUSES, ACTION_TYPES, EffectivenessCheck
from workbench.actions.serialise import action_json, check_json, sign_off_json, stage_change_json
from workbench.api import openapi
from workbench.api.common import json_body, version_sent
from workbench.api.routes import ApiRoutes
from workbench.extensions import db
from workbench.persistence import check_version
from workbench.teams import api as teams_api
from workbench.teams.api import project_json
from workbench.teams.services import get_project

bp = ApiRoutes("actions_api", __name__)


@bp.get("/projects/<int:project_id>/actions")
def list_actions(project_id: int):
    project = get_project(project_id, current_user)
    return jsonify(items=[action_json(a) for a in services.actions_of(project.id)])


@bp.post("/projects/<int:project_id>/actions")
def create_action(project_id: int):
    project = get_project(project_id, current_user, write=True)
    action = services.save_action(None, project, json_body())
    db.session.commit()
    return jsonify(action_json(action)), 201


@bp.get("/actions/<int:action_id>")
def get_action(action_id: int):
    return jsonify(action_json(services.get_action(action_id, current_user)))


@bp.patch("/actions/<int:action_id>")
def update_action(action_id: int):
    action = services.get_action(action_id, current_user, write=True)
    data = json_body()
    check_version(action, data, required=True)
    services.save_action(action, action.project, data)
    db.session.commit()
    return jsonify(action_json(action))


@bp.get("/projects/<int:project_id>/lifecycle")
def project_lifecycle(project_id: int):
    project = get_project(project_id, current_user)
    charter = lifecycle.charter_of(project.id)
    return jsonify(
        project=project_json(project),
        version=charter.version or 0,
        is_text=charter.is_text,
        is_not_text=charter.is_not_text,
        lessons_learned=charter.lessons_learned,
        theme_id=project.theme_id,
        close_blockers=lifecycle.close_blockers(project) if project.stage != "closed" else [],
        stage_changes=[stage_change_json(c, current_user) for c in lifecycle.stage_history(project.id)],
        sign_offs=[sign_off_json(s) for s in lifecycle.sign_offs(project.id)],
    )


@bp.patch("/projects/<int:project_id>/lifecycle")
def update_lifecycle(project_id: int):
    project = get_project(project_id, current_user, write=True)
    lifecycle.save_charter(project.id, json_body(), required=True)
    db.session.commit()
    return project_lifecycle(project_id)


@bp.post("/projects/<int:project_id>/close")
def close_project(project_id: int):
    project = get_project(project_id, current_user, write=True, lifecycle=True)
    data = json_body()
    sign_off = lifecycle.close_project(project, current_user, data.get("password"), data.get("meaning"))
    db.session.commit()
    return jsonify(project=project_json(project), sign_off=sign_off_json(sign_off))


@bp.post("/projects/<int:project_id>/reopen")
def reopen_project(project_id: int):
    project = get_project(project_id, current_user, write=True, lifecycle=True)
    data = json_body()
    lifecycle.reopen_project(project, current_user, data.get("reason"), data.get("stage") or "improve")
    db.session.commit()
    return jsonify(project_json(project))


@bp.get("/projects/<int:project_id>/effectiveness")
def list_checks(project_id: int):
    project = get_project(project_id, current_user)
    return jsonify(items=[check_json(c) for c in effectiveness.checks_of(project.id)])


@bp.post("/projects/<int:project_id>/effectiveness")
def create_check(project_id: int):
    project = get_project(project_id, current_user, write=True)
    check = effectiveness.save_check(None, project, json_body())
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
    return jsonify(check_json(check) | {"significant": result.significant, "rate_ratio": result.rate_ratio})


@bp.post("/effectiveness/<int:check_id>/decision")
def decide_check(check_id: int):
    check = _check(check_id, write=True)
    data = json_body()
    check_version(check, data, required=True)
    effectiveness.decide(check, current_user, data.get("decision"), data.get("note", ""))
    db.session.commit()
    return jsonify(check_json(check))


_id = {"type": "integer"}
_str = {"type": "string"}
_date = {"type": "string", "format": "date"}
bp.schema(
    "CorrectiveAction",
    {
        "type": "object",
        "properties": {
            "id": _id, "project_id": _id, "title": _str, "type": {"type": "string", "enum": list(ACTION_TYPES)},
            "owner_id": _id, "due_date": _date, "status": {"type": "string", "enum": list(ACTION_STATUSES)},
            "overdue": {"type": "boolean"}, "completed_on": {"type": ["string", "null"], "format": "date"},
            "evidence_text": _str, "evidence_file": {"type": ["string", "null"]},
            "cause_id": {"type": ["integer", "null"]}, "fmea_row_id": {"type": ["integer", "null"]}, "version": _id,
        },
    },
)
bp.schema(
    "EffectivenessCheck",
    {
        "type": "object",
        "properties": {
            "id": _id, "criteria": _str, "actions_on": _date, "check_date": _date, "process_owner_id": {"type": ["integer", "null"]},
            "product": {"type": ["string", "null"]}, "category": {"type": ["string", "null"]},
            "before_count": {"type": ["integer", "null"]}, "after_count": {"type": ["integer", "null"]},
            "p_value": {"type": ["number", "null"]}, "decision": {"type": "string", "enum": ["pending", "accepted", "rejected"]},
            "version": _id,
        },
    },
)
_action_in = {
    "type": "object",
    "required": ["title", "type", "owner_id", "due_date"],
    "properties": {
        "title": _str, "type": {"type": "string", "enum": list(ACTION_TYPES)}, "owner_id": _id, "due_date": _date,
        "status": {"type": "string", "enum": list(ACTION_STATUSES)}, "evidence_text": _str,
        "cause_id": {"type": ["integer", "null"]}, "fmea_row_id": {"type": ["integer", "null"]},
        "version": {"type": "integer", "description": "the version you read; a stale one answers 409"},
    },
}
_check_in = {
    "type": "object",
    "required": ["criteria", "actions_on", "check_date"],
    "properties": {
        "criteria": _str, "actions_on": _date, "check_date": _date,
        "process_owner": {"type": "string", "description": "process owner key; defaults to the project's"},
        "product": _str, "category": _str,
    },
}
_pid = [{"name": "project_id", "in": "path", "required": True, "schema": _id}]
_aid = [{"name": "action_id", "in": "path", "required": True, "schema": _id}]
_cid = [{"name": "check_id", "in": "path", "required": True, "schema": _id}]
_items = lambda name: {"type": "object", "properties": {"items": {"type": "array", "items": openapi.ref(name)}}}  # noqa: E731
bp.path(
    "/projects/{project_id}/actions",
    get={"summary": "Actions of a project", "parameters": _pid, "responses": {"200": openapi.ok("Actions", _items("CorrectiveAction")), **openapi.ERRORS}},
    post={"summary": "Add an action", "parameters": _pid, "requestBody": openapi.body(_action_in),
          "responses": {"201": openapi.ok("Created", openapi.ref("CorrectiveAction")), **openapi.ERRORS}},
)
bp.path(
    "/actions/{action_id}",
    get={"summary": "One action", "parameters": _aid, "responses": {"200": openapi.ok("Action", openapi.ref("CorrectiveAction")), **openapi.ERRORS}},
    patch={"summary": "Change an action (status, owner, due date, evidence text, links)", "parameters": _aid,
           "requestBody": openapi.body(openapi.versioned(_action_in)),
           "responses": {"200": openapi.ok("Action", openapi.ref("CorrectiveAction")), **openapi.CONFLICT, **openapi.ERRORS}},
)
bp.path(
    "/projects/{project_id}/lifecycle",
    get={"summary": "Is / is-not, lessons learned, what blocks closing, stage history and sign-offs", "parameters": _pid,
         "responses": {"200": openapi.ok("Lifecycle"), **openapi.ERRORS}},
    patch={"summary": "Write is / is-not, lessons learned and the linked theme", "parameters": _pid,
           "description": "`version` is the charter's (top-level `version` of the GET); it is required once the charter has been saved.",
           "requestBody": openapi.body({"type": "object", "properties": {
               "is_text": _str, "is_not_text": _str, "lessons_learned": _str, "theme_id": {"type": ["integer", "null"]}, "version": openapi.VERSION}}),
           "responses": {"200": openapi.ok("Lifecycle"), **openapi.CONFLICT, **openapi.ERRORS}},
)
bp.path(
    "/projects/{project_id}/close",
    post={"summary": "Close with the quality manager's electronic sign-off (password re-entered, meaning of the signature)",
          "parameters": _pid,
          "requestBody": openapi.body({"type": "object", "required": ["password", "meaning"], "properties": {
              "password": _str, "meaning": {"type": "string", "enum": list(lifecycle.SIGNATURE_MEANINGS)}}}),
          "responses": {"200": openapi.ok("Closed"), **openapi.ERRORS}},
)
bp.path(
    "/projects/{project_id}/reopen",
    post={"summary": "Reopen a closed project (or move it back) with a reason", "parameters": _pid,
          "requestBody": openapi.body({"type": "object", "required": ["reason"], "properties": {"reason": _str, "stage": _str}}),
          "responses": {"200": openapi.ok("Reopened", openapi.ref("Project")), **openapi.ERRORS}},
)
bp.path(
    "/projects/{project_id}/effectiveness",
    get={"summary": "Effectiveness checks of a project", "parameters": _pid, "responses": {"200": openapi.ok("Checks", _items("EffectivenessCheck")), **openapi.ERRORS}},
    post={"summary": "Plan an effectiveness check", "parameters": _pid, "requestBody": openapi.body(_check_in),
          "responses": {"201": openapi.ok("Created", openapi.ref("EffectivenessCheck")), **openapi.ERRORS}},
)
bp.path(
    "/effectiveness/{check_id}/measure",
    post={"summary": "Count complaints before vs after and run the exact Poisson test", "parameters": _cid,
          "responses": {"200": openapi.ok("Measured", openapi.ref("EffectivenessCheck")), **openapi.ERRORS}},
)
bp.path(
    "/effectiveness/{check_id}/decision",
    post={"summary": "Accept or reject (a rejection sends the project back to Improve)", "parameters": _cid,
          "requestBody": openapi.body({"type": "object", "required": ["decision", "version"], "properties": {
              "decision": {"type": "string", "enum": ["accepted", "rejected"]}, "note": _str, "version": openapi.VERSION}}),
          "responses": {"200": openapi.ok("Decided", openapi.ref("EffectivenessCheck")), **openapi.CONFLICT, **openapi.ERRORS}},
)


# The teams API documents PATCH /projects/{id}; this package's gate reads two more fields, so its copy
# of that operation (which replaces the teams one in the document) adds them.
_project_patch_operation = copy.deepcopy(teams_api.bp.paths["/projects/{project_id}"]["patch"])
_project_patch = _project_patch_operation["requestBody"]["content"]["application/json"]["schema"]["properties"]
_project_patch["signature"] = {
    "type": "object",
    "description": "closing: the quality manager's electronic sign-off",
    "properties": {"password": _str, "meaning": {"type": "string", "enum": list(lifecycle.SIGNATURE_MEANINGS)}},
}
_project_patch["reason"] = {"type": "string", "description": "reopening a closed project: why"}
bp.path("/projects/{project_id}", patch=_project_patch_operation)
