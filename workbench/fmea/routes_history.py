"""Pages: frozen revisions (baselines), their comparison, and the reports."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workbench.fmea import bp, fields, places, reports, revisions, services
from workbench.fmea.forms import RevisionForm
from workbench.fmea.priority import AP_TABLE, DETECTION_BANDS, action_priority
from workbench.fmea.routes import may_write
from workbench.formtools import commit_or_report, form_status


@bp.route("/projects/<int:project_id>/fmea/revisions", endpoint="revisions", methods=["GET", "POST"])
@bp.route("/fmea/<int:document_id>/revisions", endpoint="revisions", methods=["GET", "POST"])
@login_required
def revisions_page(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id, write=request.method == "POST")
    document = place.document
    form, saved = RevisionForm(), None
    if request.method == "POST":
        if document is None:
            abort(404)
        if form.validate_on_submit():
            with commit_or_report(form, fallback="label") as saved:
                revision = revisions.freeze(document, current_user, form.label.data)
            if saved:
                flash(_("Revision %(n)s frozen.", n=revision.number), "info")
                return redirect(url_for("fmea.revisions", **place.args))
    found = revisions.revisions_of(document)
    return render_template("fmea/revisions.html", place=place, document=document, revisions=found, form=form,
                           can_write=may_write(place)), form_status(saved)



@bp.route("/projects/<int:project_id>/fmea/compare")
@bp.route("/fmea/<int:document_id>/compare")
@login_required
def compare(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id)
    document = place.document
    if document is None:
        abort(404)
    old_key, new_key = request.args.get("a", ""), request.args.get("b", "current")
    old_title, old_rows = revisions.rows_of(document, old_key)
    new_title, new_rows = revisions.rows_of(document, new_key)
    diff = revisions.compare(old_rows, new_rows)
    return render_template(
        "fmea/compare.html", place=place, diff=diff, old_title=old_title, new_title=new_title, label=fields.label, revisions=revisions.revisions_of(document), a=old_key, b=new_key
    )


@bp.route("/projects/<int:project_id>/fmea/reports", endpoint="reports")
@bp.route("/fmea/<int:document_id>/reports", endpoint="reports")
@login_required
def reports_page(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id)
    rows = services.row_dicts(place.document)
    setting = services.settings()
    ap_grid = {(s, o): action_priority(s, o, 10) for s in range(1, 11) for o in range(1, 11)}
    return render_template(
        "fmea/reports.html",
        place=place,
        pareto=reports.pareto(rows),
        ap=reports.ap_before_after(rows),
        matrix=reports.risk_matrix(rows),
        revised_matrix=reports.risk_matrix(rows, revised=True),
        ap_grid=ap_grid,
        threshold=setting.rpn_threshold,
        driver=setting.priority_driver,
    )



@bp.route("/fmea/action-priority", endpoint="ap_table")
@login_required
def ap_table():
    return render_template("fmea/ap_table.html", table=AP_TABLE, detection_bands=DETECTION_BANDS)
