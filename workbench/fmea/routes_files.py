"""Pages: Excel/CSV export and the import with preview (all rows or none)."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workbench import uploads
from workbench.auth.forms import EmptyForm
from workbench.extensions import db
from workbench.fmea import bp, excel, fields, places, services
from workbench.fmea.forms import ImportForm
from workbench.uploads import tasks as upload_tasks
from workbench.validation import InvalidInput

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(place, ext: str) -> str:
    if place.project is not None:
        return f"fmea-project-{place.project.id}.{ext}"
    return f"fmea-{place.document.id}.{ext}"


@bp.route("/projects/<int:project_id>/fmea.xlsx")
@bp.route("/fmea/<int:document_id>.xlsx")
@login_required
def export_xlsx(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id)
    document = place.document
    owner = places.owner_name(place.process_owner, str(get_locale()))
    body = excel.export_xlsx(document, place.project, services.with_actions(services.row_dicts(document)), process_owner=owner)
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{_filename(place, "xlsx")}"'})


@bp.route("/projects/<int:project_id>/fmea.csv")
@bp.route("/fmea/<int:document_id>.csv")
@login_required
def export_csv(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id)
    body = excel.export_csv(services.with_actions(services.row_dicts(place.document)))
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{_filename(place, "csv")}"'})


def _staged(token: str, place) -> uploads.Staged:
    """The user's own staged file for this FMEA, or 404."""
    staged = uploads.find(token, current_user.id)
    if staged is None or staged.kind != uploads.SHEETS.name or any(staged.context.get(key) != value for key, value in place.args.items()):
        abort(404)
    return staged


@bp.route("/projects/<int:project_id>/fmea/import", methods=["GET", "POST"])
@bp.route("/fmea/<int:document_id>/import", methods=["GET", "POST"])
@login_required
def import_file(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id, write=True)
    form = ImportForm()
    if form.validate_on_submit():
        try:
            staged = uploads.receive(form.file.data, uploads.SHEETS, current_user, context=place.args)
        except InvalidInput as error:
            form.file.errors.extend(error.errors.values())
        else:
            upload_tasks.read_sheets(staged.token)  # parsed by the worker, never in this request
            return redirect(url_for("fmea.import_preview", **place.args, token=staged.token))
    return render_template("fmea/import.html", place=place, form=form), 400 if request.method == "POST" else 200


def _checked_rows(project, sheets: list[dict]) -> tuple[list[dict], list[dict], int]:
    """The first sheet's rows and errors, with responsible people and cause links checked against ``project``."""
    rows, errors = [], []
    try:
        rows, errors = excel.parse(sheets[0]["rows"] if sheets else [])
    except ValueError as error:
        errors = [{"row": "", "column": "", "label": "", "message": str(error)}]
    foreign_causes = 0
    for row in rows:
        try:
            services.check_responsible(project, row["values"].get("responsible_id"))
        except InvalidInput as error:
            errors.append({"row": row["sheet_row"], "column": "", "label": fields.label("responsible_id"), "message": str(error.errors["responsible_id"])})
        if row["values"].get("cause_id") is not None:
            try:
                services.check_cause(project, row["values"]["cause_id"])
            except InvalidInput:
                # A workbook from another project: its fishbone causes are not this project's.
                row["values"]["cause_id"] = None
                foreign_causes += 1
    return rows, errors, foreign_causes


@bp.route("/projects/<int:project_id>/fmea/import/<token>", methods=["GET", "POST"])
@bp.route("/fmea/<int:document_id>/import/<token>", methods=["GET", "POST"])
@login_required
def import_preview(token: str, project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id, write=True)
    project = place.project
    staged = _staged(token, place)
    result = uploads.load_result(staged)
    if result is None:  # still queued: the page reloads itself until the worker has read the file
        if request.method == "POST":
            abort(409)
        return render_template("fmea/import_preview.html", place=place, pending=True, filename=staged.filename, rows=[], errors=[], form=EmptyForm())
    if result["status"] == "failed":
        rows, errors, foreign_causes = [], [{"row": "", "column": "", "label": "", "message": result["message"]}], 0
    else:
        rows, errors, foreign_causes = _checked_rows(project, result["sheets"])
    if foreign_causes and request.method == "GET":
        flash(_("%(n)s links to fishbone causes of another project will be left out.", n=foreign_causes), "info")
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        if errors or not rows:
            flash(_("Nothing was imported: fix the errors in the file and upload it again."), "error")
            return redirect(url_for("fmea.import_preview", **place.args, token=token))
        try:
            services.add_rows(places.ensure(place), project, [row["values"] for row in rows])
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            flash(_("Nothing was imported: %(message)s", message=str(error)), "error")
            return redirect(url_for("fmea.import_preview", **place.args, token=token))
        uploads.discard(staged)
        flash(_("%(n)s rows imported.", n=len(rows)), "info")
        return redirect(url_for("fmea.table", **place.args))
    return render_template(
        "fmea/import_preview.html", place=place, pending=False, rows=rows, errors=errors, filename=staged.filename, token=token, form=EmptyForm(),
        kept=int(uploads.setting("IMPORT_KEPT_ERRORS")),
    )
