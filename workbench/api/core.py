"""API: users, the caller's tokens, audit history and the OpenAPI document."""

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from workbench import audit
from workbench.api import openapi
from workbench.api.common import iso, json_body, paginate
from workbench.api.routes import ApiRoutes
from workbench.extensions import db
from workbench.models import ROLES, ApiToken, User
from workbench.users import create_user, person_json, visible_users
from workbench.validation import InvalidInput, text_value

bp = ApiRoutes("core_api", __name__)


def user_json(user: User) -> dict:
    """A user as the caller may see them (email only for admins, quality managers and oneself)."""
    return person_json(user, current_user)


bp.schema(
    "User",
    {
        "type": "object",
        "required": ["id", "name", "role", "active"],
        "properties": {
            "id": {"type": "integer"},
            "email": {"type": "string", "description": "only for admins, quality managers and oneself"},
            "name": {"type": "string"},
            "role": {"type": "string", "enum": list(ROLES)},
            "locale": {"type": ["string", "null"]},
            "active": {"type": "boolean"},
        },
    },
)


def openapi_document():
    return jsonify(openapi.document())


bp.add_url_rule("/openapi.json", endpoint="openapi", view_func=openapi_document)


@bp.get("/users")
def list_users():
    stmt = visible_users(current_user, select(User).order_by(User.id))
    if request.args.get("active") in ("1", "true"):
        stmt = stmt.where(User.active.is_(True))
    return paginate(stmt, user_json)


@bp.get("/users/<int:user_id>")
def get_user(user_id: int):
    user = db.session.scalar(visible_users(current_user).where(User.id == user_id))
    if user is None:
        abort(404)
    return jsonify(user_json(user))


@bp.get("/me")
def me():
    return jsonify(user_json(current_user))


@bp.post("/users")
def post_user():
    if current_user.role != "admin":
        abort(403)
    data = json_body()
    user = create_user(data.get("email"), data.get("name"), data.get("role", "member"), data.get("password"), data.get("locale"))
    db.session.commit()
    return jsonify(user_json(user)), 201


@bp.post("/tokens")
def create_token():
    data = json_body()
    name = text_value(data.get("name"), "name").strip() or "api"
    if len(name) > 80:
        raise InvalidInput({"name": _("The name is longer than %(n)d characters.", n=80)})
    token, raw = ApiToken.issue(current_user._get_current_object(), name)
    db.session.add(token)
    db.session.commit()
    return jsonify(id=token.id, name=token.name, token=raw, created_at=iso(token.created_at)), 201


@bp.get("/audit/<table>/<record_id>")
def record_history(table: str, record_id: str):
    if not current_user.can_manage:
        abort(403)
    return jsonify(
        items=[
            {
                "at": iso(row.at),
                "actor": row.actor,
                "action": row.action,
                "field": row.field,
                "old_value": row.old_value,
                "new_value": row.new_value,
            }
            for row in audit.history(table, record_id)
        ]
    )


bp.path("/openapi.json", get={"summary": "This document", "security": [], "responses": {"200": openapi.ok("OpenAPI 3.1 document")}})
bp.path(
    "/users",
    get={
        "summary": "List users",
        "description": "Admins, quality managers and viewers see every user; members see themselves and the people of their own teams. "
        "`email` and `locale` are given only to admins, quality managers and the user themselves.",
        "parameters": openapi.PAGING,
        "responses": {"200": openapi.ok("Users", openapi.list_of("User")), **openapi.ERRORS},
    },
    post={
        "summary": "Create a user (admin)",
        "requestBody": openapi.body(
            {
                "type": "object",
                "required": ["email", "name", "password"],
                "properties": {
                    "email": {"type": "string"},
                    "name": {"type": "string"},
                    "role": {"type": "string", "enum": list(ROLES)},
                    "password": {"type": "string", "minLength": 8},
                    "locale": {"type": "string", "enum": ["fa", "en"]},
                },
            }
        ),
        "responses": {"201": openapi.ok("Created", openapi.ref("User")), **openapi.ERRORS},
    },
)
bp.path(
    "/users/{user_id}",
    get={
        "summary": "One user (404 for someone the caller may not see)",
        "parameters": [{"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"200": openapi.ok("User", openapi.ref("User")), **openapi.ERRORS},
    },
)
bp.path("/me", get={"summary": "The calling user", "responses": {"200": openapi.ok("User", openapi.ref("User"))}})
bp.path(
    "/tokens",
    post={
        "summary": "Create an API token for the calling user; the raw token is shown once",
        "requestBody": openapi.body({"type": "object", "properties": {"name": {"type": "string"}}}),
        "responses": {"201": openapi.ok("Token")},
    },
)
bp.path(
    "/audit/{table}/{record_id}",
    get={
        "summary": "History of one record (admin, quality manager)",
        "parameters": [
            {"name": "table", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "record_id", "in": "path", "required": True, "schema": {"type": "string"}},
        ],
        "responses": {"200": openapi.ok("Audit rows, oldest first"), **openapi.ERRORS},
    },
)

