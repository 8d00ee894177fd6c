"""Administration: users, process owners, and the history of any record."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from workbench import audit
from workbench import process_owners as owners_service
from workbench.access import role_required
from workbench.admin import bp
from workbench.admin.forms import ProcessOwnerForm, UserForm
from workbench.extensions import db
from workbench.formtools import commit_or_report, form_status
from workbench.models import ProcessOwner, User
from workbench.persistence import check_version
from workbench.roles import MANAGERS, Role
from workbench.users import create_user
from workbench.validation import InvalidInput


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    rows = db.session.scalars(select(User).order_by(User.name))
    return render_template("admin/users.html", users=list(rows))


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_edit(user_id: int | None = None):
    user = db.get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=user)
    saved = None
    if form.validate_on_submit():
        with commit_or_report(form) as saved:
            if user is None:
                user = create_user(form.email.data, form.name.data, form.role.data, form.password.data, form.locale.data)
                user.active = form.active.data
            else:
                # request.form, not the form: a field missing from the post would take the stored value (obj=user).
                check_version(user, {"version": request.form.get("version"), "name": form.name.data, "role": form.role.data}, required=True)
                if user.role == Role.ADMIN and form.role.data != Role.ADMIN and _last_admin(user):
                    raise InvalidInput({"role": _("The last administrator cannot lose the role.")})
                user.name, user.role, user.locale = form.name.data.strip(), form.role.data, form.locale.data
                user.active = form.active.data
                if form.password.data:
                    user.set_password(form.password.data)
                    user.rotate_session_token()
        if saved:
            flash(_("Saved."), "info")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user), form_status(saved)


def _last_admin(user: User) -> bool:
    admins = db.session.scalars(select(User.id).where(User.role == Role.ADMIN, User.active.is_(True))).all()
    return admins == [user.id]


@bp.route("/process-owners")
@role_required(*MANAGERS)
def process_owners():
    return render_template("admin/process_owners.html", owners=owners_service.list_process_owners(include_inactive=True))


@bp.route("/process-owners/new", methods=["GET", "POST"])
@bp.route("/process-owners/<int:owner_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def process_owner_edit(owner_id: int | None = None):
    owner = db.get_or_404(ProcessOwner, owner_id) if owner_id else None
    form = ProcessOwnerForm(obj=owner)
    saved = None
    if form.validate_on_submit():
        with commit_or_report(form) as saved:
            if owner is not None:
                check_version(owner, {"version": request.form.get("version"), "key": form.key.data, "name_en": form.name_en.data}, required=True)
            owners_service.save_process_owner(owner, form.key.data, form.name_en.data, form.name_fa.data, form.active.data)
        if saved:
            flash(_("Saved."), "info")
            return redirect(url_for("admin.process_owners"))
    return render_template("admin/process_owner_form.html", form=form, owner=owner), form_status(saved)


@bp.route("/history/<table>/<record_id>")
@role_required(*MANAGERS)
def history(table: str, record_id: str):
    rows = audit.history(table, record_id)
    if not rows:
        abort(404)
    return render_template("audit/history.html", rows=rows, table=table, record_id=record_id)
