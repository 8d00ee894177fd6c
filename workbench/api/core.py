"""API: users, the caller's tokens, audit history and the OpenAPI document."""

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from workbench import audit
from workbench.api import openapi
from workbench.api.common import paginate
from workbench.api.core_schemas import AuditHistorySchema, NewTokenSchema, NewUserSchema, TokenSchema, UserSchema
from workbench.api.routes import ApiRoutes
from workbench.api.schemas import checked_body, page_of
from workbench.extensions import db
from workbench.models import ApiToken, User
from workbench.roles import Role
from workbench.users import create_user, sees_emails, visible_users
from workbench.validation import InvalidInput, text_value

bp = ApiRoutes("core_api", __name__)
bp.schema("User", UserSchema)
bp.schema("AuditHistory", AuditHistorySchema)
bp.schema("Token", TokenSchema)


def user_json(user: User) -> dict:
    """A user as the caller may see them (email and language only for admins, quality managers and oneself)."""
    hidden = () if sees_emails(current_user) or user.id == current_user.id else ("email", "locale")
    return UserSchema(exclude=hidden).dump(user)


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
    if current_user.role != Role.ADMIN:
        abort(403)
    data = checked_body(NewUserSchema)
    user = create_user(data.get("email"), data.get("name"), data.get("role", Role.MEMBER), data.get("password"), data.get("locale"))
    db.session.commit()
    return jsonify(user_json(user)), 201


@bp.post("/tokens")
def create_token():
    data = checked_body(NewTokenSchema)
    name = text_value(data.get("name"), "name").strip() or "api"
    if len(name) > 80:
        raise InvalidInput({"name": _("The name is longer than %(n)d characters.", n=80)})
    token, raw = ApiToken.issue(current_user._get_current_object(), name)
    db.session.add(token)
    db.session.commit()
    return jsonify(TokenSchema().dump({"id": token.id, "name": token.name, "token": raw, "created_at": token.created_at})), 201


@bp.get("/audit/<table>/<record_id>")
def record_history(table: str, record_id: str):
    if not current_user.can_manage:
        abort(403)
    return jsonify(AuditHistorySchema().dump({"items": audit.history(table, record_id)}))


bp.path("/openapi.json", get={"summary": "This document", "security": [], "responses": {"200": openapi.ok("OpenAPI 3.1 document")}})
bp.path(
    "/users",
    get={
        "summary": "List users",
        "description": "Admins, quality managers and viewers see every user; members see themselves and the people of their own teams. "
        "`email` and `locale` are given only to admins, quality managers and the user themselves.",
        "parameters": openapi.PAGING,
        "responses": {"200": openapi.ok("Users", page_of(UserSchema)), **openapi.ERRORS},
    },
    post={
        "summary": "Create a user (admin)",
        "requestBody": openapi.body(NewUserSchema),
        "responses": {"201": openapi.ok("Created", UserSchema), **openapi.ERRORS},
    },
)
bp.path(
    "/users/{user_id}",
    get={
        "summary": "One user (404 for someone the caller may not see)",
        "parameters": [{"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"200": openapi.ok("User", UserSchema), **openapi.ERRORS},
    },
)
bp.path("/me", get={"summary": "The calling user", "responses": {"200": openapi.ok("User", UserSchema)}})
bp.path(
    "/tokens",
    post={
        "summary": "Create an API token for the calling user; the raw token is shown once",
        "requestBody": openapi.body(NewTokenSchema),
        "responses": {"201": openapi.ok("Token", TokenSchema), **openapi.ERRORS},
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
        "responses": {"200": openapi.ok("Audit rows, oldest first", AuditHistorySchema), **openapi.ERRORS},
    },
)

