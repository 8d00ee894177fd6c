"""API: bring an FMEA workbook in from a script. Upload (202) → dry-run preview (JSON) → import the good rows or none.

The upload is staged and read by the queue like the pages' (``tasks.analyse_upload``); the preview is
answered from the stored result.
"""

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workbench import uploads
from workbench.api import openapi
from workbench.api.routes import ApiRoutes
from workbench.api.schemas import checked_body
from workbench.extensions import db
from workbench.fmea import importing, places
from workbench.fmea.routes_import import needs_confirmation, queue, staged_upload
from workbench.fmea.schemas import (
    FmeaImportedSchema,
    FmeaImportPreviewSchema,
    FmeaImportProblemSchema,
    FmeaImportSchema,
    FmeaImportStagedSchema,
    FmeaWorkbookUploadSchema,
)
from workbench.teams.stages import ensure_editable
from workbench.validation import InvalidInput

bp = ApiRoutes("fmea_import_api", __name__)


def _pairs(values: list[str], name: str) -> dict[str, str]:
    found = {}
    for item in values:
        key, sep, value = str(item).partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidInput({name: _("“%(item)s” is not NAME=VALUE.", item=item)})
        found[key.strip()] = value.strip()
    return found


@bp.post("/projects/<int:project_id>/fmea/imports")
@bp.post("/fmea/<int:document_id>/imports")
def fmea_import_upload(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id, write=True)
    ensure_editable(place.project)
    storage = request.files.get("file")
    if storage is None:
        raise InvalidInput({"file": _("Send the workbook as multipart/form-data in the field “file”.")})
    combine = request.form.get("combine", "one")
    if combine not in importing.COMBINE:
        raise InvalidInput({"combine": _("combine is “one” (one FMEA) or “each” (one FMEA per sheet).")})
    choices = {
        "sheets": request.form.getlist("sheet"), "field_columns": _pairs(request.form.getlist("map"), "map"),
        "scales": {"*": _pairs(request.form.getlist("scale"), "scale")}, "combine": combine,
    }
    staged = uploads.receive(storage, uploads.WORKBOOK, current_user, context=place.args)
    queue(staged, choices)
    preview = url_for("api.fmea_import_preview", token=staged.token, **place.args)
    return jsonify(FmeaImportStagedSchema().dump({"token": staged.token, "status": "pending", "preview": preview})), 202, {"Location": preview}


def _preview(outcome: dict) -> dict:
    analysis = outcome["analysis"]
    return {
        "status": "done", "filename": analysis["filename"], "choices": outcome.get("choices") or {},
        "counts": importing.counts(analysis), "blocking": importing.blocking(analysis), "header": importing.header_values(analysis),
        "confirm_scales": [f"{sheet}: {base}" for sheet, base in needs_confirmation(analysis)],
        "sheets": [
            {k: s.get(k) for k in ("name", "index", "kind", "selected", "rows", "header_rows", "data_start", "own_export", "ignored", "title_block", "counts")}
            | {"mapping": [{k: m[k] for k in ("letter", "title", "field", "how", "score", "samples")} for m in s["mapping"]],
               "scales": {b: {k: v.get(k) for k in ("name", "mapping", "why", "detected")} for b, v in s.get("scales", {}).items()}}
            for s in analysis["sheets"]
        ],
        "problems": analysis["problems"], "left_out": analysis["left_out"],
        "rows": [{"sheet": r["sheet"], "row": r["row"], "values": r["values"], "ok": not r["errors"]} for r in analysis["rows"]],
    }


@bp.route("/projects/<int:project_id>/fmea/imports/<token>", methods=["GET", "POST"])
@bp.route("/fmea/<int:document_id>/imports/<token>", methods=["GET", "POST"])
def fmea_import_preview(token: str, project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id, write=True)
    staged = staged_upload(token, place)
    outcome = uploads.load_result(staged)
    if outcome is None or outcome["status"] == "pending":
        if request.method == "POST":
            return jsonify(error="pending", message=_("The file is still being read: ask again in a moment.")), 409
        return jsonify(FmeaImportPreviewSchema().dump({"status": "pending"}))
    if outcome["status"] == "failed":
        if request.method == "POST":
            raise InvalidInput({"file": outcome["message"]})
        return jsonify(FmeaImportPreviewSchema().dump({"status": "failed", "message": outcome["message"]}))
    analysis = outcome["analysis"]
    importing.check_against(analysis, place.project)
    if request.method == "GET":
        return jsonify(FmeaImportPreviewSchema().dump(_preview(outcome)))
    body = checked_body(FmeaImportSchema)
    confirm = [f"{sheet}: {base}" for sheet, base in needs_confirmation(analysis)]
    if confirm and body.get("confirm_scales") is not True:
        raise InvalidInput({"confirm_scales": _("Ratings are converted from other scales (%(which)s): send confirm_scales: true.", which=", ".join(confirm))})
    done = importing.store(
        places.ensure(place), place.project, analysis, skip_bad_rows=body.get("skip_bad_rows") is True,
        combine=(outcome.get("choices") or {}).get("combine", "one"), fill_header=body.get("fill_header", True) is not False,
    )
    db.session.commit()
    uploads.discard(staged)
    return jsonify(FmeaImportedSchema().dump(done)), 201


bp.schema("FmeaImportProblem", FmeaImportProblemSchema)
_pid = [{"name": "project_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_token = [{"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}]
_upload = {"required": True, "content": {"multipart/form-data": {"schema": FmeaWorkbookUploadSchema}}}


def _operations(place: list) -> dict[str, dict]:
    """The upload and preview/import operations, for a project's FMEA or a standalone FMEA document (``place``: its path parameter)."""
    return {
        "upload": {
            "summary": "Upload an FMEA workbook to import (read in the background; answers 202 with the preview URL)",
            "parameters": place, "requestBody": _upload,
            "responses": {"202": openapi.ok("Staged", FmeaImportStagedSchema),
                          "409": {"description": "The project is closed and signed (read-only)"}, **openapi.ERRORS},
        },
        "preview": {
            "summary": "Dry-run preview of an uploaded workbook: sheets, mapping, scales, title block, every problem; nothing is written",
            "parameters": place + _token,
            "responses": {"200": openapi.ok("Preview", FmeaImportPreviewSchema), **openapi.ERRORS},
        },
        "import": {
            "summary": "Import the previewed rows in one transaction: all rows, or with skip_bad_rows the good ones; refused means nothing written",
            "parameters": place + _token,
            "requestBody": openapi.body(FmeaImportSchema),
            "responses": {
                "201": openapi.ok("Imported", FmeaImportedSchema),
                "409": {"description": "Still being read, or the project is closed and signed"}, **openapi.ERRORS,
            },
        },
    }


_did = [{"name": "document_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
for _prefix, _place in (("/projects/{project_id}/fmea", _pid), ("/fmea/{document_id}", _did)):
    _ops = _operations(_place)
    bp.path(f"{_prefix}/imports", post=_ops["upload"])
    bp.path(f"{_prefix}/imports/{{token}}", get=_ops["preview"], post=_ops["import"])
