"""Pages: the complaint list, the review queue and labelling."""

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import func, select

from workbench.complaint_import import bp, hooks, services, text_search
from workbench.complaint_import.labels import channel_label, name_maps
from workbench.complaint_import.models import Complaint
from workbench.complaint_import.review import review_page
from workbench.extensions import db
from workbench.formtools import commit_or_report
from workbench.i18n import isolate, join_list, page_language
from workbench.persistence import check_version
from workbench.revalidation import computed_once, revalidated
from workbench.validation import InvalidInput

FILTERS = ("source", "owner", "category", "theme", "product", "channel", "reason", "from", "to", "q", "project")


def _filters() -> dict:
    return {k: request.args.get(k, "").strip() for k in FILTERS if request.args.get(k, "").strip()}


def _context(**extra):
    return {"names": name_maps(), "channel_label": channel_label, "owners": services.owner_keys(), **extra}


@bp.route("/complaints")
@login_required
@revalidated()
def complaint_list():
    args = _filters()
    stmt = services.complaint_list(args)
    if args.get("project"):
        if not args["project"].isdigit() or len(args["project"]) > 9:
            raise InvalidInput({"project": _("project must be the number of a project.")})
        linked = hooks.project_complaint_ids(int(args["project"]), current_user)
        if linked is None:
            abort(404)
        stmt = stmt.where(Complaint.id.in_(linked))
    page = db.paginate(stmt, per_page=50, error_out=False, count=False)
    # How many match, and the names the list shows, are the same for everyone allowed to ask: counted once per
    # data revision (a million complaints take longer to count than the page takes to draw).
    page.total = computed_once(json.dumps(["complaint count", args]),
                               lambda: db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())))
    shown = computed_once(json.dumps(["complaint list names", page_language().code]),
                          lambda: {"names": name_maps(), "owners": services.owner_keys(), "sources": services.sources()})
    owners = {int(owner_id): key for owner_id, key in shown["owners"].items()}
    return render_template("complaint_import/list.html", page=page, args=args, sources=shown["sources"],
                           names=shown["names"], channel_label=channel_label, owners=owners)


@bp.route("/complaints/search.json")
@login_required
def complaint_search():
    """Complaints for a picker (the fishbone's evidence): as everyone signed in sees the complaint list, 20 at most."""
    return {"results": [{"value": str(cid), "text": text} for cid, text in text_search.search(request.args.get("q", ""))]}


@bp.route("/complaints/review")
@login_required
def review():
    args = _filters()
    page = review_page(args, request.args.get("page", 1, type=int) or 1)
    return render_template("complaint_import/review.html", page=page, args=args, can_label=services.can_label(current_user), **_context())


def _what(owner: str | None, category: str | None) -> str:
    """The labels just set, in the page language: "process owner X, category Y"."""
    names = name_maps()
    parts = []
    if owner:
        parts.append(_("process owner “%(name)s”", name=names["owner"].get(owner, owner)))
    if category:
        parts.append(_("category “%(name)s”", name=names["category"].get(category, category)))
    return join_list(parts)


def _back():
    target = request.form.get("next") or ""
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("complaints.review"))


@bp.post("/complaints/<int:complaint_id>/label")
@login_required
def label(complaint_id: int):
    if not services.can_label(current_user):
        abort(403)
    complaint = db.get_or_404(Complaint, complaint_id)
    owner, category = request.form.get("process_owner", ""), request.form.get("category", "")
    # On a conflict the queue shows the complaint as stored now (someone else confirmed or changed it).
    with commit_or_report() as saved:
        check_version(complaint, {"version": request.form.get("version"), "process_owner": owner, "category": category}, required=True)
        services.set_labels([complaint], owner, category, current_user)
    if saved and (owner or category):
        flash(_("Complaint %(id)s confirmed as %(labels)s; it teaches the classifier at the next retraining.", id=isolate(complaint.external_id), labels=_what(owner, category)), "info")
    elif saved:
        flash(_("Complaint %(id)s confirmed as Unclassified.", id=isolate(complaint.external_id)), "info")
    return _back()


@bp.post("/complaints/labels")
@login_required
def bulk_label():
    if not services.can_label(current_user):
        abort(403)
    owner = request.form.get("process_owner") or None
    category = request.form.get("category") or None
    with commit_or_report() as saved:
        ids = request.form.getlist("ids") or [i for i in request.form.get("group_ids", "").split(",") if i]  # ticked, or a whole group
        complaints = services.complaints_by_ids(ids)
        if owner is None and category is None:
            raise InvalidInput({"_": _("Choose a process owner or a category to apply.")})
        count = services.set_labels(complaints, owner, category, current_user)
    if saved:
        flash(ngettext("%(num)d complaint confirmed as %(labels)s; it teaches the classifier at the next retraining.",
                       "%(num)d complaints confirmed as %(labels)s; they teach the classifier at the next retraining.", count, labels=_what(owner, category)), "info")
    return _back()
