"""Rules every API route shares: authentication, CSRF for cookie sessions, paging, JSON bodies."""

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from workbench.extensions import csrf, db
from workbench.roles import Role
from workbench.validation import InvalidInput, whole_number


def require_auth_and_csrf():
    """Before every API request: a signed-in user or token, CSRF for browser sessions, viewers read only."""
    if request.endpoint == "api.openapi":
        return None
    if not current_user.is_authenticated:
        return jsonify(error="unauthorized", message=_("Sign in or send an API token.")), 401
    # A browser session must prove the request came from a workbench page; a bearer token cannot be forged by another site.
    if request.method not in ("GET", "HEAD", "OPTIONS") and not request.environ.get("workbench.token_auth"):
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
    if request.method not in ("GET", "HEAD", "OPTIONS") and current_user.role == Role.VIEWER and request.endpoint != "api.create_token":
        return jsonify(error="forbidden", message=_("Viewers can read but not change records.")), 403
    return None


def json_body() -> dict:
    """The request's JSON object, or a 400 that says what is wrong."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput({"_": _("Send a JSON object with Content-Type: application/json.")})
    return data


def version_sent() -> dict:
    """What a DELETE or a bodiless action (measure) says about the version it read: ``?version=N`` or a JSON
    body ``{"version": N}`` (empty when neither). A stale one is refused with 409 and nothing is changed; a
    non-numeric one is 400.
    """
    if "version" in request.args:
        return {"version": request.args["version"]}
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def paginate(stmt, serialise):
    """Answer ``{"items", "page", "per_page", "total"}`` for a select statement."""
    try:
        page = max(whole_number(request.args.get("page", 1)), 1)
        per_page = whole_number(request.args.get("per_page", 50))
    except ValueError:
        raise InvalidInput({"page": _("page and per_page must be whole numbers.")}) from None
    per_page = min(max(per_page, 1), current_app.config["API_PAGE_SIZE_MAX"])
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    return jsonify(
        items=[serialise(item) for item in pagination.items],
        page=page,
        per_page=per_page,
        total=pagination.total,
    )


def iso(value):
    return value.isoformat() if value is not None else None
