"""Pages: Excel/CSV export (the import is in ``routes_import``)."""

from flask import Response
from flask_babel import get_locale
from flask_login import current_user, login_required

from workbench.fmea import bp, excel, places, services

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
    body = excel.export_xlsx(document, place.project, services.with_actions(services.row_dicts(document)), process_owner=owner,
                              viewer=current_user)
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{_filename(place, "xlsx")}"'})


@bp.route("/projects/<int:project_id>/fmea.csv")
@bp.route("/fmea/<int:document_id>.csv")
@login_required
def export_csv(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id)
    body = excel.export_csv(services.with_actions(services.row_dicts(place.document)), viewer=current_user)
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{_filename(place, "csv")}"'})
