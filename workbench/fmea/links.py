"""The FMEA's side of the fishbone link: verified root causes become failure causes, and
each cause shows the FMEA rows made from it. The FMEA reads the fishbone, never the reverse."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from workbench.extensions import db
from workbench.fmea import services
from workbench.fmea.models import FmeaDocument, FmeaRow

# Fishbone category names (6M, English and Persian) → the AIAG-VDA 4M type of the work element.
FOUR_M = {
    "people": "man", "man": "man", "نیروی انسانی": "man",
    "machine": "machine", "ماشین‌آلات": "machine",
    "material": "material", "مواد": "material",
    "method": "method", "روش": "method",
    "environment": "environment", "محیط": "environment",
    "measurement": "measurement", "اندازه‌گیری": "measurement",
}


def send_causes_to_fmea(project, causes: list[dict], user) -> int:
    """Sink for the fishbone's "send verified root causes" button: one FMEA row per new cause."""
    items = [{**cause, "category": FOUR_M.get(str(cause.get("category") or "").strip().lower(), "")} for cause in causes]
    return len(services.add_rows_from_causes(project, items, user))


def fmea_rows_for_root_causes(project, cause_ids: list[int]) -> dict | None:
    """The FMEA page opened on the rows made from these causes (those rows pinned and highlighted there)."""
    if not cause_ids:
        return None
    rows = db.session.execute(
        select(FmeaRow.id, FmeaRow.cause_id)
        .join(FmeaDocument, FmeaDocument.id == FmeaRow.document_id)
        .where(FmeaDocument.project_id == project.id, FmeaRow.cause_id.in_(cause_ids))
        .order_by(FmeaRow.id)
    ).all()
    if not rows:
        return {"url": None, "taken": []}
    url = url_for("fmea.table", project_id=project.id, rows=",".join(str(r.id) for r in rows)) + f"#row-{rows[0].id}"
    return {"url": url, "taken": [r.cause_id for r in rows]}


def fmea_rows_of_causes(project_id: int, cause_ids: list[int]) -> dict[int, list[dict]]:
    """For the fishbone: the FMEA rows made from each cause, in one query."""
    if not cause_ids:
        return {}
    rows = db.session.execute(
        select(FmeaRow.id, FmeaRow.cause_id, FmeaRow.action_priority, FmeaRow.rpn)
        .join(FmeaDocument, FmeaDocument.id == FmeaRow.document_id)
        .where(FmeaDocument.project_id == project_id, FmeaRow.cause_id.in_(cause_ids))
        .order_by(FmeaRow.id)
    )
    links: dict[int, list[dict]] = {}
    url = url_for("fmea.table", project_id=project_id)
    for row_id, cause_id, ap, rpn in rows:
        label = _("FMEA row %(id)d", id=row_id) + (f" · AP {ap} · RPN {rpn}" if ap else "")
        links.setdefault(cause_id, []).append({"label": label, "url": f"{url}#row-{row_id}"})
    return links

