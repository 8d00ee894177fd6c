"""Pages: Excel/CSV export and the import with preview (all rows or none)."""

import json
import secrets
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workbench.extensions import db
from workbench.fmea import bp, excel, fields, places, services
from workbench.fmea.forms import ImportForm
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


def _upload_dir() -> Path:
    folder = Path(current_app.instance_path) / "fmea-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored(token: str) -> tuple[Path, dict]:
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        abort(404)
    meta_path = _upload_dir() / f"{token}.json"
    if not meta_path.exists():
        abort(404)
    meta = json.loads(meta_path.read_text())
    if meta["user_id"] != current_user.id:
        abort(404)
    return _upload_dir() / f"{token}.bin", meta


@bp.route("/projects/<int:project_id>/fmea/import", methods=["GET", "POST"])
@bp.route("/fmea/<int:document_id>/import", methods=["GET", "POST"])
@login_required
def import_file(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id, write=True)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        name = upload.filename or "upload.xlsx"
        if not name.lower().endswith((".xlsx", ".csv")):
            form.file.errors.append(_("Send an .xlsx workbook or a .csv file."))
        else:
            token = secrets.token_urlsafe(16)
            data = upload.read()
            (_upload_dir() / f"{token}.bin").write_bytes(data)
            (_upload_dir() / f"{token}.json").write_text(json.dumps({"user_id": current_user.id, **place.args, "filename": name}))
            return redirect(url_for("fmea.import_preview", **place.args, token=token))
    return render_template("fmea/import.html", place=place, form=form), 400 if request.method == "POST" else 200


@bp.route("/projects/<int:project_id>/fmea/import/<token>", methods=["GET", "POST"])
@bp.route("/fmea/<int:document_id>/import/<token>", methods=["GET", "POST"])
@login_required
def import_preview(token: str, project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id, write=True)
    project = place.project
    path, meta = _stored(token)
    if any(meta.get(key) != value for key, value in place.args.items()):
        abort(404)
    try:
        rows, errors = excel.parse(path.read_bytes(), meta["filename"])
    except ValueError as error:
        rows, errors = [], [{"row": "", "column": "", "label": "", "message": str(error)}]
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
    if foreign_causes and request.method == "GET":
        flash(_("%(n)s links to fishbone causes of another project will be left out.", n=foreign_causes), "info")
    if request.method == "POST":
        from workbench.auth.forms import EmptyForm

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
        path.unlink(missing_ok=True)
        path.with_suffix(".json").unlink(missing_ok=True)
        flash(_("%(n)s rows imported.", n=len(rows)), "info")
        return redirect(url_for("fmea.table", **place.args))
    from workbench.auth.forms import EmptyForm

    return render_template(
        "fmea/import_preview.html", place=place, rows=rows, errors=errors, filename=meta["filename"], token=token, form=EmptyForm()
    )
