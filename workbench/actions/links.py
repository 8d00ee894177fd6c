"""How corrective actions read the fishbone and the FMEA: the 8D report's drawing and top rows,
the traceability graph's cause and FMEA-row nodes, and the actions shown on each cause."""

import re

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from workbench.actions.models import CorrectiveAction
from workbench.extensions import db
from workbench.fishbone import render as fishbone_render
from workbench.fishbone import services as fishbone
from workbench.fishbone.models import FishboneCause, FishboneDiagram
from workbench.fmea.models import FmeaDocument, FmeaRow
from workbench.i18n import is_persian

AP_ORDER = {"H": 0, "M": 1, "L": 2}


def report_fishbone(project) -> str | None:
    """The project's fishbone as inline SVG for the 8D report (None when there is none)."""
    diagram = fishbone.diagram_of(project)
    if diagram is None:
        return None
    svg = fishbone_render.draw(diagram, "svg", rtl=is_persian()).decode()
    svg = svg[svg.index("<svg"):]  # drop the XML prologue: the drawing sits inside HTML
    return re.sub(r'<svg width="[^"]*" height="[^"]*"', '<svg width="100%"', svg, count=1)


def report_fmea_rows(project, limit: int) -> dict | None:
    """The highest-priority FMEA rows (AP, then RPN) for the 8D report."""
    rows = db.session.execute(
        select(FmeaRow.failure_mode, FmeaRow.failure_cause, FmeaRow.severity, FmeaRow.occurrence, FmeaRow.detection,
               FmeaRow.rpn, FmeaRow.action_priority, FmeaRow.revised_rpn, FmeaRow.revised_action_priority)
        .join(FmeaDocument, FmeaDocument.id == FmeaRow.document_id)
        .where(FmeaDocument.project_id == project.id, FmeaRow.action_priority.is_not(None))
    ).all()
    if not rows:
        return None
    rows = sorted(rows, key=lambda r: (AP_ORDER.get(r.action_priority, 3), -(r.rpn or 0)))[:limit]
    columns = [_("Failure mode"), _("Failure cause"), "S", "O", "D", "RPN", "AP", _("Revised RPN"), _("Revised AP")]
    return {"columns": columns, "rows": [["" if v is None else v for v in row] for row in rows]}


def describe_node(kind: str, ref: int) -> dict | None:
    """Name the cause and FMEA-row nodes of the traceability graph, with links to their pages."""
    if kind == "cause":
        found = db.session.execute(
            select(FishboneCause.text, FishboneDiagram.project_id)
            .join(FishboneDiagram, FishboneDiagram.id == FishboneCause.diagram_id)
            .where(FishboneCause.id == ref)
        ).first()
        if found:
            return {"label": found.text, "url": url_for("fishbone.page", project_id=found.project_id)}
    if kind == "fmea_row":
        found = db.session.execute(
            select(FmeaRow.failure_mode, FmeaRow.action_priority, FmeaDocument.project_id)
            .join(FmeaDocument, FmeaDocument.id == FmeaRow.document_id)
            .where(FmeaRow.id == ref)
        ).first()
        if found:
            label = (found.failure_mode or _("FMEA row %(id)d", id=ref)) + (f" (AP {found.action_priority})" if found.action_priority else "")
            return {"label": label, "url": url_for("fmea.table", project_id=found.project_id) + f"#row-{ref}"}
    return None


def extend_graph(project, graph) -> None:
    """Add verified root causes and the FMEA rows made from causes, even before any action exists."""
    pid = f"project:{project.id}"
    for cause in fishbone.verified_root_causes(project.id):
        node = f"cause:{cause['id']}"
        if node not in graph:
            graph.add_node(node, kind="cause", label=cause["text"], url=url_for("fishbone.page", project_id=project.id))
            graph.add_edge(pid, node)
    rows = db.session.execute(
        select(FmeaRow.id, FmeaRow.cause_id)
        .join(FmeaDocument, FmeaDocument.id == FmeaRow.document_id)
        .where(FmeaDocument.project_id == project.id, FmeaRow.cause_id.is_not(None))
    )
    for row_id, cause_id in rows:
        cause, row = f"cause:{cause_id}", f"fmea_row:{row_id}"
        if cause not in graph:
            continue
        if row not in graph:
            graph.add_node(row, kind="fmea_row", **(describe_node("fmea_row", row_id) or {"label": f"#{row_id}", "url": None}))
        graph.add_edge(cause, row)


def actions_of_causes(project_id: int, cause_ids: list[int]) -> dict[int, list[dict]]:
    """For the fishbone: the corrective actions that address each cause, in one query."""
    if not cause_ids:
        return {}
    rows = db.session.execute(
        select(CorrectiveAction.id, CorrectiveAction.cause_id, CorrectiveAction.title, CorrectiveAction.status)
        .where(CorrectiveAction.project_id == project_id, CorrectiveAction.cause_id.in_(cause_ids))
        .order_by(CorrectiveAction.id)
    )
    links: dict[int, list[dict]] = {}
    for action_id, cause_id, title, status in rows:
        links.setdefault(cause_id, []).append(
            {"label": _("Action: %(title)s (%(status)s)", title=title, status=status), "url": url_for("actions.action_edit", action_id=action_id)}
        )
    return links

