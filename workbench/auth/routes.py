"""Sign in, sign out, and the user's own account (language, password, API tokens)."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from workbench.auth import bp, throttle
from workbench.auth.forms import EmptyForm, LoginForm, PasswordForm, PreferencesForm, TokenForm
from workbench.extensions import db
from workbench.formtools import commit_or_report
from workbench.models import ApiToken, User
from workbench.persistence import check_version


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect a fresh sign-in to another site."""
    if not target:
        return url_for("main.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("main.index")
    return target


def _too_many(form, refused: throttle.Refused):
    minutes = max(1, -(-refused.retry_after // 60))
    flash(ngettext("Too many failed sign-ins. Try again in %(num)d minute.", "Too many failed sign-ins. Try again in %(num)d minutes.", minutes), "error")
    response = current_app.make_response((render_template("auth/login.html", form=form), 429))
    response.headers["Retry-After"] = str(refused.retry_after)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        rules, refused = throttle.begin_attempt(email, request.remote_addr or "")
        if refused is not None:
            return _too_many(form, refused)
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None and user.active and user.check_password(form.password.data):
            throttle.succeeded(rules)
            lang = session.get("lang")
            session.clear()  # a fresh session at sign-in (no fixation)
            if lang:
                session["lang"] = lang
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong email or password."), "error")
        return render_template("auth/login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    if current_user.is_authenticated:
        if request.method == "GET":
            return render_template("auth/logout.html", form=EmptyForm())
        if not EmptyForm().validate_on_submit():
            return redirect(url_for("main.index"))
        current_user.rotate_session_token()
        db.session.commit()
        logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    prefs = PreferencesForm(prefix="prefs", obj=current_user)
    password = PasswordForm(prefix="pw")
    token_form = TokenForm(prefix="token")
    new_token = None
    status = 200
    if "prefs-name" in request.form and prefs.validate_on_submit():
        me = current_user._get_current_object()
        with commit_or_report(prefs) as saved:
            # request.form, not the form: a version missing from the post would take the stored one (obj=current_user).
            check_version(me, {"version": request.form.get("prefs-version"), "name": prefs.name.data}, required=True)
            me.name, me.locale = prefs.name.data.strip(), prefs.locale.data
        if saved:
            session["lang"] = prefs.locale.data
            flash(_("Saved."), "info")
            return redirect(url_for("auth.account"))
        status = saved.status
    if "pw-new" in request.form and password.validate_on_submit():
        if not current_user.check_password(password.current.data):
            password.current.errors.append(_("The current password is wrong."))
        else:
            current_user.set_password(password.new.data)
            current_user.rotate_session_token()
            db.session.commit()
            login_user(current_user)
            flash(_("Password changed. Other sessions are signed out."), "info")
            return redirect(url_for("auth.account"))
    if "token-name" in request.form and token_form.validate_on_submit():
        token, new_token = ApiToken.issue(current_user._get_current_object(), token_form.name.data.strip())
        db.session.add(token)
        db.session.commit()
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id))
    return render_template(
        "auth/account.html",
        prefs=prefs,
        password=password,
        token_form=token_form,
        tokens=list(tokens),
        new_token=new_token,
        revoke_form=EmptyForm(),
    ), status


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        return redirect(url_for("auth.account"))
    if EmptyForm().validate_on_submit():
        db.session.delete(token)
        db.session.commit()
        flash(_("Token revoked."), "info")
    return redirect(url_for("auth.account"))
