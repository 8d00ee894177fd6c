"""Pages: Excel/CSV export and the import with preview (all rows or none)."""

import json
import secrets
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workbench.extensions import db
from workbench.fmea import bp, excel, fields, services
from workbench.fmea.forms import ImportForm
from workbench.teams.services import get_project
from workbench.validation import InvalidInput

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(project, ext: str) -> str:
    return f"fmea-project-{project.id}.{ext}"


@bp.route("/projects/<int:project_id>/fmea.xlsx")
@login_required
def export_xlsx(project_id: int):
    project = get_project(project_id, current_user)
    document = services.document_of(project)
    body = excel.export_xlsx(document, project, services.row_dicts(document))
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{_filename(project, "xlsx")}"'})


@bp.route("/projects/<int:project_id>/fmea.csv")
@login_required
def export_csv(project_id: int):
    project = get_project(project_id, current_user)
    body = excel.export_csv(services.row_dicts(services.document_of(project)))
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{_filename(project, "csv")}"'})


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
@login_required
def import_file(project_id: int):
    project = get_project(project_id, current_user, write=True)
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
            (_upload_dir() / f"{token}.json").write_text(json.dumps({"user_id": current_user.id, "project_id": project.id, "filename": name}))
            return redirect(url_for("fmea.import_preview", project_id=project.id, token=token))
    return render_template("fmea/import.html", project=project, form=form), 400 if request.method == "POST" else 200


@bp.route("/projects/<int:project_id>/fmea/import/<token>", methods=["GET", "POST"])
@login_required
def import_preview(project_id: int, token: str):
    project = get_project(project_id, current_user, write=True)
    path, meta = _stored(token)
    if meta["project_id"] != project.id:
        abort(404)
    try:
        rows, errors = excel.parse(path.read_bytes(), meta["filename"])
    except ValueError as error:
        rows, errors = [], [{"row": "", "column": "", "label": "", "message": str(error)}]
    for row in rows:
        cause_id = row["values"].get("cause_id")
        if cause_id is not None and not services.is_project_cause(project, cause_id):
            row["values"]["cause_id"] = None  # a link to another project's fishbone does not travel with the rows
        try:
            services.check_responsible(project, row["values"].get("responsible_id"))
        except InvalidInput as error:
            errors.append({"row": row["sheet_row"], "column": "", "label": fields.label("responsible_id"), "message": str(error.errors["responsible_id"])})
    if request.method == "POST":
        from workbench.auth.forms import EmptyForm

        if not EmptyForm().validate_on_submit():
            abort(400)
        if errors or not rows:
            flash(_("Nothing was imported: fix the errors in the file and upload it again."), "error")
            return redirect(url_for("fmea.import_preview", project_id=project.id, token=token))
        try:
            services.create_rows(project, [row["values"] for row in rows])
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            flash(_("Nothing was imported: %(message)s", message=str(error)), "error")
            return redirect(url_for("fmea.import_preview", project_id=project.id, token=token))
        path.unlink(missing_ok=True)
        path.with_suffix(".json").unlink(missing_ok=True)
        flash(_("%(n)s rows imported.", n=len(rows)), "info")
        return redirect(url_for("fmea.table", project_id=project.id))
    from workbench.auth.forms import EmptyForm

    return render_template(
        "fmea/import_preview.html", project=project, rows=rows, errors=errors, filename=meta["filename"], token=token, form=EmptyForm()
    )
