"""The cause tree as a networkx graph, and the diagram as plain JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from workbench.extensions import db
from workbench.fishbone import voting
from workbench.fishbone.models import FishboneCategory, FishboneCause, FishboneDiagram, FishboneEvidence

if TYPE_CHECKING:
    import networkx as nx

EFFECT = "effect"


def category_node(category_id: int) -> str:
    return f"cat{category_id}"


def cause_tree(diagram: FishboneDiagram, vote_counts: dict[int, int] | None = None) -> nx.DiGraph:
    """A rooted tree: effect -> categories (in order) -> causes -> sub-causes; children in ``order``."""
    import networkx as nx  # imported when a graph is drawn: a command that draws none starts faster

    graph = nx.DiGraph()
    graph.add_node(EFFECT, kind="effect", text=diagram.effect)
    categories = list(db.session.scalars(
        select(FishboneCategory).where(FishboneCategory.diagram_id == diagram.id).order_by(FishboneCategory.position, FishboneCategory.id)
    ))
    for order, category in enumerate(categories):
        node = category_node(category.id)
        graph.add_node(node, kind="category", id=category.id, text=category.name, order=order, version=category.version)
        graph.add_edge(EFFECT, node)
    causes = db.session.execute(
        select(
            FishboneCause.id, FishboneCause.parent_id, FishboneCause.category_id, FishboneCause.text, FishboneCause.position,
            FishboneCause.status, FishboneCause.is_why, FishboneCause.notes, FishboneCause.version,
        ).where(FishboneCause.diagram_id == diagram.id)
    ).all()
    counts = vote_counts or {}
    for cause in causes:
        graph.add_node(
            cause.id, kind="cause", id=cause.id, text=cause.text, order=(cause.position, cause.id), status=cause.status,
            is_why=cause.is_why, notes=cause.notes, version=cause.version, category_id=cause.category_id,
            votes=counts.get(cause.id, 0),
        )
    for cause in causes:
        graph.add_edge(cause.parent_id if cause.parent_id is not None else category_node(cause.category_id), cause.id)
    return graph


def children(graph: nx.DiGraph, node) -> list:
    """Children of ``node`` in display order."""
    return sorted(graph.successors(node), key=lambda n: graph.nodes[n]["order"])


def _cause_json(graph: nx.DiGraph, node, evidence: dict) -> dict:
    data = graph.nodes[node]
    return {
        "id": data["id"],
        "text": data["text"],
        "status": data["status"],
        "is_why": data["is_why"],
        "notes": data["notes"],
        "votes": data["votes"],
        "evidence_count": evidence.get(data["id"], 0),
        "version": data["version"],
        "children": [_cause_json(graph, child, evidence) for child in children(graph, node)],
    }


def diagram_json(diagram: FishboneDiagram, user) -> dict:
    """The effect, the categories with their ids and the cause tree, plus the voting round
    (with ``user``'s own dots; none when ``user`` is None, as cached for everyone)."""
    votes = voting.summary(diagram, user)
    graph = cause_tree(diagram, votes["counts"])
    evidence = dict(db.session.execute(
        select(FishboneEvidence.cause_id, func.count())
        .join(FishboneCause, FishboneCause.id == FishboneEvidence.cause_id)
        .where(FishboneCause.diagram_id == diagram.id)
        .group_by(FishboneEvidence.cause_id)
    ).all())
    categories = []
    for node in children(graph, EFFECT):
        data = graph.nodes[node]
        categories.append({
            "id": data["id"],
            "name": data["text"],
            "position": data["order"],
            "version": data["version"],
            "causes": [_cause_json(graph, child, evidence) for child in children(graph, node)],
        })
    return {
        "id": diagram.id,
        "project_id": diagram.project_id,
        "effect": diagram.effect,
        "template": diagram.template,
        "version": diagram.version,
        "revision": diagram.revision,
        "categories": categories,
        "voting": {
            "session": votes["session"],
            "mine": {str(k): v for k, v in votes["mine"].items()},
            "left": votes["left"],
        },
    }
