"""How corrective actions read the fishbone and the FMEA: the 8D report's drawing, root causes and FMEA changes,
the traceability graph's cause and FMEA-row nodes, and the actions shown on each cause."""

import re

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workbench.actions.models import CorrectiveAction
from workbench.extensions import db
from workbench.fishbone import render as fishbone_render
from workbench.fishbone import services as fishbone
from workbench.fishbone.models import FishboneCategory, FishboneCause, FishboneDiagram
from workbench.fmea.models import FmeaDocument, FmeaRevision, FmeaRow
from workbench.i18n import is_persian
from workbench.models import User

AP_ORDER = {"H": 0, "M": 1, "L": 2}


def report_fishbone(project) -> str | None:
    """The project's fishbone as inline SVG for the 8D report (None when there is none)."""
    diagram = fishbone.diagram_of(project)
    if diagram is None:
        return None
    svg = fishbone_render.draw(diagram, "svg", rtl=is_persian()).decode()
    svg = svg[svg.index("<svg"):]  # drop the XML prologue: the drawing sits inside HTML
    return re.sub(r'<svg width="[^"]*" height="[^"]*"', '<svg width="100%"', svg, count=1)


def report_root_causes(project) -> list[dict]:
    """The verified root causes with who verified them, when, their notes and every piece of evidence (8D D4)."""
    causes = list(db.session.scalars(
        select(FishboneCause)
        .join(FishboneDiagram, FishboneDiagram.id == FishboneCause.diagram_id)
        .where(FishboneDiagram.project_id == project.id, FishboneCause.status == "verified")
        .options(selectinload(FishboneCause.evidence))
        .order_by(FishboneCause.verified_at, FishboneCause.id)
    ))
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_({c.verified_by_id for c in causes} - {None}))).all())
    categories = dict(db.session.execute(
        select(FishboneCategory.id, FishboneCategory.name).where(FishboneCategory.id.in_({c.category_id for c in causes}))
    ).all())
    return [{
        "text": cause.text, "category": categories.get(cause.category_id, ""), "notes": cause.notes,
        "verified_at": cause.verified_at, "verified_by": names.get(cause.verified_by_id, ""),
        "evidence": [{"kind": e.kind, "text": e.text, "url": e.url, "file_name": e.file_name, "complaint_id": e.complaint_id,
                      "verifies": e.verifies} for e in sorted(cause.evidence, key=lambda e: (not e.verifies, e.id))],
    } for cause in causes]


def report_fmea(project) -> dict | None:
    """The project's FMEA for the 8D report (D7): every rated row, before and after its actions, and its baselines."""
    document = db.session.scalar(select(FmeaDocument).where(FmeaDocument.project_id == project.id))
    if document is None:
        return None
    rows = db.session.scalars(
        select(FmeaRow).where(FmeaRow.document_id == document.id, FmeaRow.action_priority.is_not(None))
    ).all()
    revisions = db.session.execute(
        select(FmeaRevision.number, FmeaRevision.label, FmeaRevision.created_at)
        .where(FmeaRevision.document_id == document.id).order_by(FmeaRevision.number)
    ).all()
    if not rows and not revisions:
        return None
    rows = sorted(rows, key=lambda r: (r.revised_rpn is None, AP_ORDER.get(r.action_priority, 3), -(r.rpn or 0)))
    return {
        "rows": [{
            "failure_mode": r.failure_mode, "failure_cause": r.failure_cause, "action_taken": r.action_taken or r.prevention_action,
            "before": {"s": r.severity, "o": r.occurrence, "d": r.detection, "rpn": r.rpn, "ap": r.action_priority},
            "after": {"s": r.revised_severity, "o": r.revised_occurrence, "d": r.revised_detection,
                      "rpn": r.revised_rpn, "ap": r.revised_action_priority} if r.revised_rpn is not None else None,
        } for r in rows],
        "revisions": [{"number": n, "label": label, "at": at} for n, label, at in revisions],
    }


def cause_choices(project_id: int) -> list[tuple[str, str]]:
    """The causes of the project's fishbone for the action form's picker: ("id", "category › cause")."""
    rows = db.session.execute(
        select(FishboneCause.id, FishboneCause.text, FishboneCause.status, FishboneCategory.name)
        .join(FishboneDiagram, FishboneDiagram.id == FishboneCause.diagram_id)
        .join(FishboneCategory, FishboneCategory.id == FishboneCause.category_id)
        .where(FishboneDiagram.project_id == project_id)
        .order_by(FishboneCategory.position, FishboneCategory.id, FishboneCause.position, FishboneCause.id)
    )
    verified = _("verified root cause")
    return [(str(r.id), f"{r.name} › {r.text}" + (f" ({verified})" if r.status == "verified" else "")) for r in rows]


def fmea_row_choices(project_id: int) -> list[tuple[str, str]]:
    """The rows of the project's FMEA for the action form's picker: ("id", "failure mode — cause (AP)")."""
    rows = db.session.execute(
        select(FmeaRow.id, FmeaRow.failure_mode, FmeaRow.failure_cause, FmeaRow.action_priority)
        .join(FmeaDocument, FmeaDocument.id == FmeaRow.document_id)
        .where(FmeaDocument.project_id == project_id)
        .order_by(FmeaRow.position, FmeaRow.id)
    )
    found = []
    for r in rows:
        label = " — ".join(t for t in (r.failure_mode, r.failure_cause) if t) or _("FMEA row %(id)d", id=r.id)
        found.append((str(r.id), label + (f" (AP {r.action_priority})" if r.action_priority else "")))
    return found


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

