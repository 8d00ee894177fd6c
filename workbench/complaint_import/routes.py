"""Pages: the complaint list, the review queue and labelling."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workbench.complaint_import import bp, services
from workbench.complaint_import.labels import channel_label, name_maps
from workbench.complaint_import.models import Complaint
from workbench.extensions import db
from workbench.validation import InvalidInput

FILTERS = ("source", "owner", "category", "theme", "product", "channel", "reason", "from", "to", "q", "project")


def _filters() -> dict:
    return {k: request.args.get(k, "").strip() for k in FILTERS if request.args.get(k, "").strip()}


def _context(**extra):
    return {"names": name_maps(), "channel_label": channel_label, "owners": services.owner_keys(), **extra}


@bp.route("/complaints")
@login_required
def complaint_list():
    args = _filters()
    stmt = services.complaint_list(args)
    if args.get("project"):
        stmt = stmt.where(Complaint.project_id == int(args["project"])) if args["project"].isdigit() else stmt
    page = db.paginate(stmt, per_page=50, error_out=False)
    return render_template("complaint_import/list.html", page=page, args=args, sources=services.sources(), **_context())


@bp.route("/complaints/review")
@login_required
def review():
    args = _filters()
    page = db.paginate(services.review_queue(args), per_page=30, error_out=False)
    return render_template("complaint_import/review.html", page=page, args=args, can_label=services.can_label(current_user), **_context())


def _back():
    target = request.form.get("next") or ""
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("complaints.review"))


@bp.post("/complaints/<int:complaint_id>/label")
@login_required
def label(complaint_id: int):
    if not services.can_label(current_user):
        abort(403)
    complaint = db.get_or_404(Complaint, complaint_id)
    try:
        services.set_labels([complaint], request.form.get("process_owner", ""), request.form.get("category", ""), current_user)
        db.session.commit()
        flash(_("Label confirmed for complaint %(id)s.", id=complaint.external_id or complaint.id), "info")
    except InvalidInput as error:
        db.session.rollback()
        flash(str(error), "error")
    return _back()


@bp.post("/complaints/labels")
@login_required
def bulk_label():
    if not services.can_label(current_user):
        abort(403)
    owner = request.form.get("process_owner") or None
    category = request.form.get("category") or None
    try:
        complaints = services.complaints_by_ids(request.form.getlist("ids"))
        if owner is None and category is None:
            raise InvalidInput({"_": _("Choose a process owner or a category to apply.")})
        count = services.set_labels(complaints, owner, category, current_user)
        db.session.commit()
        flash(_("%(count)d complaints relabelled.", count=count), "info")
    except InvalidInput as error:
        db.session.rollback()
        flash(str(error), "error")
    return _back()
