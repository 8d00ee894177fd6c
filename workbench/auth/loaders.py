"""How a request finds its user: the session cookie or an API bearer token."""

from datetime import UTC, datetime

from flask import jsonify, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from workbench.extensions import db
from workbench.models import ApiToken, User


def register_loaders(login_manager) -> None:
    @login_manager.user_loader
    def load_user(session_token: str):
        return db.session.scalar(select(User).where(User.session_token == session_token, User.active.is_(True)))

    @login_manager.request_loader
    def load_user_from_token(request):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(header[7:].strip())))
        if token is None or not token.user.active:
            return None
        token.last_used_at = datetime.now(UTC)
        db.session.commit()
        request.environ["workbench.token_auth"] = True
        return token.user

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            return jsonify(error="unauthorized", message=_("Sign in or send an API token.")), 401
        return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))
