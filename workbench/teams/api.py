"""API: process owners, teams and improvement projects."""

from flask import abort, jsonify, request
from flask_login import current_user

from workbench import process_owners
from workbench.api import openapi
from workbench.api.common import iso, json_body, paginate
from workbench.api.routes import ApiRoutes
from workbench.extensions import db
from workbench.models import ProcessOwner
from workbench.persistence import check_version
from workbench.teams import services, stages
from workbench.teams.models import MEMBER_ROLES, STAGES, Team
from workbench.validation import whole_number

bp = ApiRoutes("teams_api", __name__)


def owner_json(owner: ProcessOwner | None) -> dict | None:
    if owner is None:
        return None
    return {"id": owner.id, "key": owner.key, "name_en": owner.name_en, "name_fa": owner.name_fa, "active": owner.active}


def team_json(team: Team) -> dict:
    return {
        "id": team.id,
        "name": team.name,
        "leader_id": team.leader_id,
        "members": [
            {
                "user_id": m.user_id,
                "name": m.user.name,
                "role": m.role,
                "process_owner": m.process_owner.key if m.process_owner else None,
            }
            for m in team.memberships
        ],
        "version": team.version,
    }


def project_json(project) -> dict:
    return {
        "id": project.id,
        "title": project.title,
        "problem_statement": project.problem_statement,
        "team_id": project.team_id,
        "process_owner": project.process_owner.key if project.process_owner else None,
        "leader_id": project.leader_id,
        "stage": project.stage,
        "status": project.status,
        "started_on": iso(project.started_on),
        "target_date": iso(project.target_date),
        "closed_at": iso(project.closed_at),
        "theme_id": project.theme_id,
        "created_at": iso(project.created_at),
        "updated_at": iso(project.updated_at),
        "version": project.version,
    }


@bp.get("/process-owners")
def list_process_owners():
    return jsonify(items=[owner_json(o) for o in process_owners.list_process_owners(include_inactive=True)])


@bp.get("/teams")
def list_teams():
    return jsonify(items=[team_json(t) for t in services.teams_for(current_user)])


@bp.post("/teams")
def create_team():
    if not current_user.can_manage:
        abort(403)
    data = json_body()
    team = services.save_team(None, data.get("name"), data.get("leader_id"), data.get("members"))
    db.session.commit()
    return jsonify(team_json(team)), 201


@bp.get("/teams/<int:team_id>")
def get_team(team_id: int):
    return jsonify(team_json(services.get_team(team_id, current_user)))


@bp.route("/teams/<int:team_id>", methods=["PATCH", "PUT"])
def update_team(team_id: int):
    team = services.get_team(team_id, current_user, write=True)
    data = json_body()
    check_version(team, data, required=True)
    members = data.get(
        "members",
        [{"user_id": m.user_id, "role": m.role, "process_owner": m.process_owner.key if m.process_owner else None} for m in team.memberships],
    )
    services.save_team(team, data.get("name", team.name), data.get("leader_id", team.leader_id), members)
    db.session.commit()
    return jsonify(team_json(team))


@bp.get("/projects")
def list_projects():
    team_id = request.args.get("team_id", type=whole_number)
    return paginate(services.projects_for(current_user, team_id, request.args.get("stage")), project_json)


@bp.post("/projects")
def create_project():
    project = services.save_project(None, current_user, json_body())
    db.session.commit()
    return jsonify(project_json(project)), 201


@bp.get("/projects/<int:project_id>")
def get_project(project_id: int):
    return jsonify(project_json(services.get_project(project_id, current_user)))


@bp.route("/projects/<int:project_id>", methods=["PATCH"])
def update_project(project_id: int):
    project = services.get_project(project_id, current_user, write=True, lifecycle=True)  # other fields: save_project refuses on a closed project
    data = json_body()
    check_version(project, data, required=True)
    fields = {key: value for key, value in data.items() if key not in ("stage", "reason", "signature")}
    if set(fields) - {"version"}:
        services.save_project(project, current_user, fields)
    if "stage" in data and data["stage"] != project.stage:
        stages.change_stage(project, current_user, data["stage"], data.get("reason"), data.get("signature"))
    db.session.commit()
    return jsonify(project_json(project))


_id = {"type": "integer"}
bp.schema(
    "ProcessOwner",
    {"type": "object", "properties": {"id": _id, "key": {"type": "string"}, "name_en": {"type": "string"}, "name_fa": {"type": "string"}, "active": {"type": "boolean"}}},
)
_member = {
    "type": "object",
    "required": ["user_id"],
    "properties": {
        "user_id": _id,
        "role": {"type": "string", "enum": list(MEMBER_ROLES)},
        "process_owner": {"type": ["string", "null"], "description": "key of the owner a process expert speaks for"},
    },
}
bp.schema(
    "Team",
    {
        "type": "object",
        "properties": {"id": _id, "name": {"type": "string"}, "leader_id": _id, "members": {"type": "array", "items": _member}, "version": _id},
    },
)
bp.schema(
    "Project",
    {
        "type": "object",
        "properties": {
            "id": _id,
            "title": {"type": "string"},
            "problem_statement": {"type": "string"},
            "team_id": _id,
            "process_owner": {"type": ["string", "null"]},
            "leader_id": _id,
            "stage": {"type": "string", "enum": list(STAGES)},
            "status": {"type": "string", "enum": ["open", "closed"]},
            "started_on": {"type": "string", "format": "date"},
            "target_date": {"type": ["string", "null"], "format": "date"},
            "theme_id": {"type": ["integer", "null"], "description": "the complaint theme the project came from"},
            "version": _id,
        },
    },
)
_team_in = {
    "type": "object",
    "required": ["name", "leader_id", "members"],
    "properties": {"name": {"type": "string"}, "leader_id": _id, "members": {"type": "array", "minItems": 2, "maxItems": 6, "items": _member}},
}
_project_in = {
    "type": "object",
    "required": ["title", "team_id"],
    "properties": {
        "title": {"type": "string"},
        "problem_statement": {"type": "string"},
        "team_id": _id,
        "process_owner": {"type": "string"},
        "leader_id": _id,
        "target_date": {"type": "string", "format": "date"},
        "theme_id": {"type": ["integer", "null"], "description": "the complaint theme it came from; its complaints become the project's linked complaints"},
        "stage": {"type": "string", "enum": list(STAGES), "description": "the next stage (no stage is skipped; earlier stages need a reason)"},
        "reason": {"type": "string", "description": "why the project moves back (required to move back or reopen)"},
        "signature": {"type": "object", "description": "to close: the quality manager's {password, meaning}"},
        "version": {"type": "integer", "description": "the version you read; a stale one answers 409"},
    },
}
_pid = [{"name": "project_id", "in": "path", "required": True, "schema": _id}]
_tid = [{"name": "team_id", "in": "path", "required": True, "schema": _id}]
bp.path("/process-owners", get={"summary": "Process owners", "responses": {"200": openapi.ok("Owners", openapi.list_of("ProcessOwner"))}})
bp.path(
    "/teams",
    get={"summary": "Teams visible to the caller", "responses": {"200": openapi.ok("Teams", openapi.list_of("Team"))}},
    post={
        "summary": "Create a team of 2 to 6 members (admin, quality manager)",
        "requestBody": openapi.body(_team_in),
        "responses": {"201": openapi.ok("Created", openapi.ref("Team")), **openapi.ERRORS},
    },
)
bp.path(
    "/teams/{team_id}",
    get={"summary": "One team", "parameters": _tid, "responses": {"200": openapi.ok("Team", openapi.ref("Team")), **openapi.ERRORS}},
    patch={"summary": "Change a team", "parameters": _tid, "requestBody": openapi.body(openapi.versioned(_team_in)),
           "responses": {"200": openapi.ok("Team", openapi.ref("Team")), **openapi.CONFLICT, **openapi.ERRORS}},
    put={"summary": "Replace a team", "parameters": _tid, "requestBody": openapi.body(openapi.versioned(_team_in)),
         "responses": {"200": openapi.ok("Team", openapi.ref("Team")), **openapi.CONFLICT, **openapi.ERRORS}},
)
bp.path(
    "/projects",
    get={
        "summary": "Improvement projects visible to the caller",
        "parameters": openapi.PAGING + [{"name": "team_id", "in": "query", "schema": _id}, {"name": "stage", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": openapi.ok("Projects", openapi.list_of("Project"))},
    },
    post={"summary": "Start a project for a team", "requestBody": openapi.body(_project_in), "responses": {"201": openapi.ok("Created", openapi.ref("Project")), **openapi.ERRORS}},
)
bp.path(
    "/projects/{project_id}",
    get={"summary": "One project", "parameters": _pid, "responses": {"200": openapi.ok("Project", openapi.ref("Project")), **openapi.ERRORS}},
    patch={
        "summary": "Change a project",
        "parameters": _pid,
        "requestBody": openapi.body(openapi.versioned(_project_in)),
        "responses": {"200": openapi.ok("Project", openapi.ref("Project")), **openapi.CONFLICT, **openapi.ERRORS},
    },
)

