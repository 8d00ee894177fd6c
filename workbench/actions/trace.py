"""Traceability: complaints / theme → project → causes → FMEA rows → actions, as a networkx graph drawn as clickable SVG."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import graphviz
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, select, union

from workbench.actions.services import actions_of, is_overdue
from workbench.complaint_import.models import Complaint
from workbench.extensions import db, get_or_not_found
from workbench.i18n import is_persian
from workbench.registry import HookPoint
from workbench.teams import theme_link
from workbench.teams.access import team_scope
from workbench.teams.models import ImprovementProject as P

if TYPE_CHECKING:
    import networkx as nx


class NodeDescriber(Protocol):
    """Names a node of kind "cause", "fmea_row" or "theme": ``{"label": str, "url": str | None}`` or None."""

    def __call__(self, kind: str, ref: int) -> dict | None: ...


class GraphExtender(Protocol):
    """Adds nodes and edges to a project's graph (e.g. an FMEA row linked to the cause it came from)."""

    def __call__(self, project: Any, graph: nx.DiGraph) -> None: ...


class ComplaintProjectFinder(Protocol):
    """Another way a complaint leads to projects (e.g. through its theme): a select of project ids, or None."""

    def __call__(self, complaint: Complaint) -> Select | None: ...


# Filled in ``init_app`` (``links.py`` describes causes and FMEA rows and extends the graph with them).
NODE_DESCRIBERS: HookPoint[NodeDescriber] = HookPoint("actions.node_describers")
GRAPH_EXTENDERS: HookPoint[GraphExtender] = HookPoint("actions.graph_extenders")
COMPLAINT_PROJECT_FINDERS: HookPoint[ComplaintProjectFinder] = HookPoint("actions.complaint_project_finders")

KIND_STYLE = {
    "complaints": ("note", "#fde8e7"),
    "theme": ("folder", "#fff7e6"),
    "project": ("box", "#e0eaff"),
    "cause": ("ellipse", "#fef0c7"),
    "fmea_row": ("box", "#f4ebff"),
    "action": ("box", "#d1fadf"),
}


def _describe(kind: str, ref: int) -> dict:
    for describe in NODE_DESCRIBERS.all():
        found = describe(kind, ref)
        if found:
            return found
    names = {"cause": _("Cause #%(id)d", id=ref), "fmea_row": _("FMEA row #%(id)d", id=ref), "theme": _("Theme #%(id)d", id=ref)}
    return {"label": names[kind], "url": None}


def project_graph(project) -> nx.DiGraph:
    """The traceability graph of one project; node ids are ``"kind:id"``."""
    import networkx as nx  # imported when a graph is drawn: a command that draws none starts faster

    graph = nx.DiGraph()
    pid = f"project:{project.id}"
    graph.add_node(pid, kind="project", label=project.title, url=url_for("teams.project_detail", project_id=project.id))
    parent = pid
    if project.theme_id:
        parent = f"theme:{project.theme_id}"
        theme = theme_link.theme_of(project)
        graph.add_node(parent, kind="theme", label=_("Theme: %(name)s", name=theme.name),
                       url=url_for("complaints.complaint_list", theme=theme.id))
        graph.add_edge(parent, pid)
    linked = theme_link.linked_count(project.id)
    if linked:
        node = "complaints:linked"
        graph.add_node(node, kind="complaints", label=ngettext("%(num)d complaint", "%(num)d complaints", linked),
                       url=url_for("complaints.complaint_list", project=project.id))
        graph.add_edge(node, parent)
    for action in actions_of(project.id):
        node = f"action:{action.id}"
        graph.add_node(node, kind="action", label=action.title, overdue=is_overdue(action),
                       url=url_for("actions.action_edit", action_id=action.id))
        parent = pid
        if action.cause_id:
            cause = f"cause:{action.cause_id}"
            graph.add_node(cause, kind="cause", **_describe("cause", action.cause_id))
            graph.add_edge(pid, cause)
            parent = cause
        if action.fmea_row_id:
            row = f"fmea_row:{action.fmea_row_id}"
            graph.add_node(row, kind="fmea_row", **_describe("fmea_row", action.fmea_row_id))
            graph.add_edge(parent, row)
            parent = row
        graph.add_edge(parent, node)
    for extend in GRAPH_EXTENDERS.all():
        extend(project, graph)
    return graph


def graph_json(graph: nx.DiGraph) -> dict:
    return {
        "nodes": [{"id": n, **{k: v for k, v in d.items()}} for n, d in graph.nodes(data=True)],
        "edges": [{"source": a, "target": b} for a, b in graph.edges()],
    }


def graph_svg(graph: nx.DiGraph) -> str:
    """Lay out with Graphviz ``dot``; each node links to its page (labels are escaped by Graphviz)."""
    # Named, so the drawing's tooltip is the page's title (Graphviz would call it "%3"); the flow runs the page's way.
    dot = graphviz.Digraph(name=_("Traceability"), graph_attr={"rankdir": "RL" if is_persian() else "LR", "bgcolor": "transparent"},
                           node_attr={"fontname": "Vazirmatn", "fontsize": "11", "style": "filled"})
    for number, (node, data) in enumerate(graph.nodes(data=True)):
        shape, colour = KIND_STYLE.get(data.get("kind"), ("box", "#ffffff"))
        label = str(data.get("label") or node)
        if len(label) > 48:
            label = label[:47] + "…"
        attrs = {"shape": shape, "fillcolor": colour, "tooltip": graphviz.nohtml(label.replace("\\", "\\\\"))}
        if data.get("overdue"):
            attrs.update(color="#b42318", penwidth="2")
        if data.get("url"):
            attrs.update(URL=data["url"], target="_top")
        dot.node(f"n{number}", label=graphviz.nohtml(label.replace("\\", "\\\\")), **attrs)
    index = {node: number for number, node in enumerate(graph.nodes())}
    for a, b in graph.edges():
        dot.edge(f"n{index[a]}", f"n{index[b]}")
    svg = dot.pipe(format="svg").decode()
    return svg[svg.index("<svg"):]


def projects_for_complaint(complaint_id: int, user) -> tuple:
    """The complaint and the projects (visible to ``user``) it is linked to: the way back."""
    complaint = get_or_not_found(Complaint, complaint_id)
    finders = [theme_link.projects_of_complaint(complaint.id)]
    finders += [s for s in (find(complaint) for find in COMPLAINT_PROJECT_FINDERS.all()) if s is not None]
    ids = union(*finders).subquery() if len(finders) > 1 else finders[0].subquery()
    stmt = team_scope(select(P).where(P.id.in_(select(ids.c[0]))), P.team_id, user).order_by(P.id)
    return complaint, list(db.session.scalars(stmt))
