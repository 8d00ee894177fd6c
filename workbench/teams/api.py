"""API: process owners, teams and improvement projects."""

from flask import abort, jsonify, request
from flask_login import current_user

from workbench import process_owners
from workbench.api import openapi
from workbench.api.common import paginate
from workbench.api.routes import ApiRoutes
from workbench.api.schemas import checked_body, edit_of, list_of, page_of
from workbench.extensions import db
from workbench.persistence import check_version
from workbench.teams import services, stages
from workbench.teams.schemas import ProcessOwnerSchema, ProjectInSchema, ProjectSchema, TeamInSchema, TeamSchema
from workbench.validation import whole_number

bp = ApiRoutes("teams_api", __name__)
bp.schema("ProcessOwner", ProcessOwnerSchema)
bp.schema("Team", TeamSchema)
bp.schema("TeamIn", TeamInSchema)
bp.schema("Project", ProjectSchema)
bp.schema("ProjectIn", ProjectInSchema)
team_json = TeamSchema().dump
project_json = ProjectSchema().dump


@bp.get("/process-owners")
def list_process_owners():
    return jsonify(list_of(ProcessOwnerSchema)().dump({"items": process_owners.list_process_owners(include_inactive=True)}))


@bp.get("/teams")
def list_teams():
    return jsonify(list_of(TeamSchema)().dump({"items": services.teams_for(current_user)}))


@bp.post("/teams")
def create_team():
    if not current_user.can_manage:
        abort(403)
    data = checked_body(TeamInSchema)
    team = services.save_team(None, data.get("name"), data.get("leader_id"), data.get("members"))
    db.session.commit()
    return jsonify(team_json(team)), 201


@bp.get("/teams/<int:team_id>")
def get_team(team_id: int):
    return jsonify(team_json(services.get_team(team_id, current_user)))


@bp.route("/teams/<int:team_id>", methods=["PATCH", "PUT"])
def update_team(team_id: int):
    team = services.get_team(team_id, current_user, write=True)
    data = checked_body(edit_of(TeamInSchema))
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
    project = services.save_project(None, current_user, checked_body(ProjectInSchema))
    db.session.commit()
    return jsonify(project_json(project)), 201


@bp.get("/projects/<int:project_id>")
def get_project(project_id: int):
    return jsonify(project_json(services.get_project(project_id, current_user)))


@bp.route("/projects/<int:project_id>", methods=["PATCH"])
def update_project(project_id: int):
    project = services.get_project(project_id, current_user, write=True, lifecycle=True)  # other fields: save_project refuses on a closed project
    data = checked_body(edit_of(ProjectInSchema))
    check_version(project, data, required=True)
    fields = {key: value for key, value in data.items() if key not in ("stage", "reason", "signature")}
    if set(fields) - {"version"}:
        services.save_project(project, current_user, fields)
    if "stage" in data and data["stage"] != project.stage:
        stages.change_stage(project, current_user, data["stage"], data.get("reason"), data.get("signature"))
    db.session.commit()
    return jsonify(project_json(project))


_id = {"type": "integer"}
_pid = [{"name": "project_id", "in": "path", "required": True, "schema": _id}]
_tid = [{"name": "team_id", "in": "path", "required": True, "schema": _id}]
bp.path("/process-owners", get={"summary": "Process owners", "responses": {"200": openapi.ok("Owners", list_of(ProcessOwnerSchema))}})
bp.path(
    "/teams",
    get={"summary": "Teams visible to the caller", "responses": {"200": openapi.ok("Teams", list_of(TeamSchema))}},
    post={
        "summary": "Create a team of 2 to 6 members (admin, quality manager)",
        "requestBody": openapi.body(TeamInSchema),
        "responses": {"201": openapi.ok("Created", TeamSchema), **openapi.ERRORS},
    },
)
bp.path(
    "/teams/{team_id}",
    get={"summary": "One team", "parameters": _tid, "responses": {"200": openapi.ok("Team", TeamSchema), **openapi.ERRORS}},
    patch={"summary": "Change a team", "parameters": _tid, "requestBody": openapi.body(edit_of(TeamInSchema)),
           "responses": {"200": openapi.ok("Team", TeamSchema), **openapi.CONFLICT, **openapi.ERRORS}},
    put={"summary": "Replace a team", "parameters": _tid, "requestBody": openapi.body(edit_of(TeamInSchema)),
         "responses": {"200": openapi.ok("Team", TeamSchema), **openapi.CONFLICT, **openapi.ERRORS}},
)
bp.path(
    "/projects",
    get={
        "summary": "Improvement projects visible to the caller",
        "parameters": openapi.PAGING + [{"name": "team_id", "in": "query", "schema": _id}, {"name": "stage", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": openapi.ok("Projects", page_of(ProjectSchema))},
    },
    post={"summary": "Start a project for a team", "requestBody": openapi.body(ProjectInSchema), "responses": {"201": openapi.ok("Created", ProjectSchema), **openapi.ERRORS}},
)
bp.path(
    "/projects/{project_id}",
    get={"summary": "One project", "parameters": _pid, "responses": {"200": openapi.ok("Project", ProjectSchema), **openapi.ERRORS}},
    patch={
        "summary": "Change a project",
        "parameters": _pid,
        "requestBody": openapi.body(edit_of(ProjectInSchema)),
        "responses": {"200": openapi.ok("Project", ProjectSchema), **openapi.CONFLICT, **openapi.ERRORS},
    },
)

