"""Error pages, and JSON errors for the API."""

from flask import abort, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug import exceptions as http
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from workbench import limits
from workbench.extensions import db
from workbench.validation import Conflict, Forbidden, Frozen, InvalidInput, NotFound


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _text_inputs():
    """(field, text) for every query argument, form field and JSON string (keys too) of the request."""
    yield from request.args.items(multi=True)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        yield from request.form.items(multi=True)
    stack = [("", request.get_json(silent=True))] if request.is_json else []
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path or "_", value
        elif isinstance(value, dict):
            for key, item in value.items():
                stack.append((f"{path}.{key}" if path else str(key), item))
                yield path or "_", str(key)
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))


def conflict_message(error: Conflict, form: bool = False) -> str:
    """What a person is told about a refused edit: whose version won, and what to do (``form``: the page shows the form again)."""
    current = (error.current or {}).get("version")
    if current is None:
        return _("This record was deleted by someone else; your change was not saved.")
    if error.missing:
        return _(
            "The edit did not say which version of the record it was based on (field “version”); the current version is %(current)s. "
            "Reload, then send your change with that version.",
            current=current,
        )
    if form:
        return _(
            "Someone else changed this record first (now version %(current)s, you edited version %(sent)s); your change was not saved. "
            "Your input is kept in the form: check it against the current values and save again to replace them.",
            current=current,
            sent=(error.submitted or {}).get("version"),
        )
    return _(
        "Someone else changed this record first (now version %(current)s, you edited version %(sent)s); your change was not saved. "
        "Both versions are included; reload and reapply.",
        current=current,
        sent=(error.submitted or {}).get("version"),
    )


def register(app) -> None:
    @app.before_request
    def refuse_oversized_and_nul_input():
        """JSON too big or too deep, texts too long, or NUL (PostgreSQL cannot store U+0000): 400 naming the field."""
        if isinstance(request.routing_exception, MethodNotAllowed) and limits.names_an_id_out_of_range(request.path):
            abort(404)
        limits.check_json_body()
        for value in (request.view_args or {}).values():
            if isinstance(value, str) and "\x00" in value:
                abort(404)
        for field, text in _text_inputs():
            limits.check_text(field, text)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = _("The form expired or was not sent by workbench (missing CSRF token). Reload the page and try again.")
        if _wants_json():
            return jsonify(error="csrf", message=message), 400
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(InvalidInput)
    def invalid_input(error):
        db.session.rollback()
        if _wants_json():
            return jsonify(error="invalid", message=str(error), errors=error.errors), 400
        return render_template("errors/error.html", code=400, message=str(error)), 400

    @app.errorhandler(Conflict)
    def conflict(error):
        db.session.rollback()
        message = conflict_message(error)
        if _wants_json():
            body = {"error": "conflict", "message": message, "current": error.current, "submitted": error.submitted}
            return jsonify(body), 409
        return render_template("errors/error.html", code=409, message=message), 409

    @app.errorhandler(Frozen)
    def frozen(error):
        db.session.rollback()
        if _wants_json():
            return jsonify(error="frozen", message=error.message), 409
        return render_template("errors/error.html", code=409, message=error.message), 409

    @app.errorhandler(NotFound)
    def not_found(error):
        """A service's NotFound: the same page and JSON as a route's ``abort(404)``."""
        return http_error(http.NotFound(error.message))

    @app.errorhandler(Forbidden)
    def forbidden(error):
        """A service's Forbidden: the same page and JSON as a route's ``abort(403)``."""
        return http_error(http.Forbidden(error.message))

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code and error.code >= 500:
            db.session.rollback()
        # A description the raiser gave (``NotFound("…")``) is shown in the API; werkzeug's own English one never is.
        given = error.description if error.description != type(error).description else None
        message = {
            403: _("You do not have access to this page."),
            404: _("This page does not exist, or you do not have access to it."),
            413: _("The file is larger than the upload limit of %(mb)d MB.", mb=(app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)),
            429: _("Too many failed attempts. Try again later."),
        }.get(error.code)
        if _wants_json():
            body = {"error": error.name.lower().replace(" ", "_"), "message": (given if error.code != 429 else None) or message or error.description}
            return jsonify(body), error.code
        return render_template("errors/error.html", code=error.code, message=message or error.description), error.code

    @app.errorhandler(Exception)
    def server_error(error):
        db.session.rollback()
        app.logger.exception("unhandled error")
        if _wants_json():
            return jsonify(error="server_error", message=_("Something went wrong on the server.")), 500
        return render_template("errors/error.html", code=500, message=_("Something went wrong on the server.")), 500
