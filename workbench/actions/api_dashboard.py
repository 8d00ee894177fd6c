"""API: the leadership dashboard, notifications and a project's traceability graph."""

from flask import jsonify, request
from flask_login import current_user

from workbench.actions import dashboard, notify, trace
from workbench.actions.schemas import ComplaintTraceSchema, DashboardSchema, NotificationsSchema, TraceGraphSchema
from workbench.api import openapi
from workbench.api.routes import ApiRoutes
from workbench.api.schemas import with_values
from workbench.teams.services import get_project

bp = ApiRoutes("dashboard_api", __name__)


@bp.get("/dashboard")
def get_dashboard():
    return jsonify(DashboardSchema().dump(dashboard.build(current_user, dashboard.parse_filters(request.args))))


@bp.get("/notifications")
def list_notifications():
    return jsonify(NotificationsSchema().dump({
        "items": [with_values(n, message=notify.notification_text(n)) for n in notify.notifications_for(current_user)],
        "unread": notify.unread_count(current_user),
    }))


@bp.get("/projects/<int:project_id>/trace")
def project_trace(project_id: int):
    project = get_project(project_id, current_user)
    return jsonify(TraceGraphSchema().dump(trace.graph_json(trace.project_graph(project))))


_q = lambda name, schema, text: {"name": name, "in": "query", "schema": schema, "description": text}  # noqa: E731
bp.path(
    "/dashboard",
    get={
        "summary": "Projects and actions by process owner and stage: open, overdue, ageing, on-time %, closed in the period, complaints before/after",
        "parameters": [
            _q("owner_id", {"type": "integer"}, "process owner id"),
            _q("team_id", {"type": "integer"}, "team id"),
            _q("from", {"type": "string", "format": "date"}, "start of the period (default: this quarter)"),
            _q("to", {"type": "string", "format": "date"}, "end of the period"),
        ],
        "responses": {"200": openapi.ok("Dashboard figures", DashboardSchema), **openapi.ERRORS},
    },
)
bp.path("/notifications", get={"summary": "The caller's action reminders", "responses": {"200": openapi.ok("Notifications", NotificationsSchema)}})
bp.path(
    "/projects/{project_id}/trace",
    get={
        "summary": "Traceability graph: complaints / theme → project → causes → FMEA rows → actions",
        "parameters": [{"name": "project_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"200": openapi.ok("Nodes and edges", TraceGraphSchema), **openapi.ERRORS},
    },
)


@bp.get("/trace/complaints/<int:complaint_id>")
def complaint_trace(complaint_id: int):
    complaint, projects = trace.projects_for_complaint(complaint_id, current_user)
    return jsonify(ComplaintTraceSchema().dump({
        "complaint": complaint,
        "projects": [with_values(p, trace=trace.graph_json(trace.project_graph(p))) for p in projects],
    }))


bp.path(
    "/trace/complaints/{complaint_id}",
    get={
        "summary": "From a complaint back to the projects (and their causes, FMEA rows and actions) that addressed it",
        "parameters": [{"name": "complaint_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"200": openapi.ok("Complaint and projects", ComplaintTraceSchema), **openapi.ERRORS},
    },
)

