"""The fishbone's rules: diagrams, category bones and the cause tree (plain data in and out)."""

from typing import Any, Protocol

from flask_babel import gettext as _
from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm.attributes import set_committed_value

from workbench import live
from workbench.extensions import db, get_or_not_found
from workbench.fishbone import evidence
from workbench.fishbone.frozen import ensure_cause_editable, ensure_diagram_editable
from workbench.fishbone.models import CAUSE_STATUSES, FishboneCategory, FishboneCause, FishboneDiagram
from workbench.live import scopes_of
from workbench.persistence import check_version
from workbench.registry import HookPoint
from workbench.teams.services import get_project
from workbench.teams.stages import ensure_editable
from workbench.validation import InvalidInput, NotFound, text_value, whole_number


class RootCauseSink(Protocol):
    """Takes the verified root causes of a project (``[{"id", "text", "category"}]``); answers how many it took."""

    def __call__(self, project: Any, causes: list[dict], user: Any) -> int: ...


class RootCauseDestination(Protocol):
    """Where sent causes live downstream: ``{"url": page showing the rows made from them, "taken": [cause ids already there]}``."""

    def __call__(self, project: Any, cause_ids: list[int]) -> dict | None: ...


class CauseLinkSource(Protocol):
    """What another capability made from these causes: ``{cause_id: [{"label", "url"}]}``, in one query."""

    def __call__(self, project_id: int, cause_ids: list[int]) -> dict[int, list[dict]]: ...


# Downstream capabilities add implementations in their ``init_app``: the FMEA adds a sink (the
# "send to FMEA" button shows only when one is registered) and the FMEA rows and actions made
# from a cause, shown with the cause so the team can follow it.
ROOT_CAUSE_SINKS: HookPoint[RootCauseSink] = HookPoint("fishbone.root_cause_sinks")
CAUSE_LINK_SOURCES: HookPoint[CauseLinkSource] = HookPoint("fishbone.cause_link_sources")
ROOT_CAUSE_DESTINATIONS: HookPoint[RootCauseDestination] = HookPoint("fishbone.root_cause_destinations")

MAX_TEXT = 500
MAX_CATEGORY = 120

# key -> [(English, Persian)]
TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "6m": [
        ("People", "نیروی انسانی"),
        ("Machine", "ماشین‌آلات"),
        ("Method", "روش"),
        ("Material", "مواد"),
        ("Measurement", "اندازه‌گیری"),
        ("Environment", "محیط"),
    ],
    "8p": [
        ("Product", "محصول"),
        ("Price", "قیمت"),
        ("Place", "مکان"),
        ("Promotion", "ترویج"),
        ("People", "افراد"),
        ("Process", "فرایند"),
        ("Physical evidence", "شواهد فیزیکی"),
        ("Productivity", "بهره‌وری"),
    ],
    "4s": [
        ("Surroundings", "محیط پیرامون"),
        ("Suppliers", "تأمین‌کنندگان"),
        ("Systems", "سیستم‌ها"),
        ("Skills", "مهارت‌ها"),
    ],
    "custom": [],
}


def template_names(template: str, locale: str) -> list[str]:
    """Category names of ``template`` in ``locale``."""
    if template not in TEMPLATES:
        raise InvalidInput({"template": _("Template must be one of %(keys)s.", keys=", ".join(TEMPLATES))})
    return [fa if locale == "fa" else en for en, fa in TEMPLATES[template]]


# -- loading with access --------------------------------------------------------


def diagram_of(project) -> FishboneDiagram | None:
    """The project's diagram, or None before the team starts one."""
    return db.session.scalar(select(FishboneDiagram).where(FishboneDiagram.project_id == project.id))


def load(project_id: int, user, write: bool = False):
    """``(project, diagram)`` for a project ``user`` may see (404) or change (403); 404 without a diagram."""
    project = get_project(project_id, user, write=write)
    diagram = diagram_of(project)
    if diagram is None:
        raise NotFound(_("This project has no fishbone yet."))
    return project, diagram


def load_cause(cause_id: int, user, write: bool = False) -> FishboneCause:
    """A cause whose project ``user`` may see (404) or change (403)."""
    cause = get_or_not_found(FishboneCause, cause_id)
    diagram = db.session.get(FishboneDiagram, cause.diagram_id)
    get_project(diagram.project_id, user, write=write)
    return cause


def load_category(category_id: int, user, write: bool = False) -> FishboneCategory:
    """A category whose project ``user`` may see (404) or change (403)."""
    category = get_or_not_found(FishboneCategory, category_id)
    get_project(category.diagram.project_id, user, write=write)
    return category


def touch(diagram_id: int) -> int:
    """Record that the diagram changed (one SQL increment, no read-modify-write race); returns its new revision."""
    revision = db.session.execute(
        update(FishboneDiagram).where(FishboneDiagram.id == diagram_id).values(revision=FishboneDiagram.revision + 1)
        .returning(FishboneDiagram.revision).execution_options(synchronize_session=False)
    ).scalar_one()
    diagram = db.session.identity_map.get(db.session.identity_key(FishboneDiagram, diagram_id))
    if diagram is not None and "revision" not in inspect(diagram).unloaded:
        # The loaded diagram shows the revision this change made (not its own value plus one).
        set_committed_value(diagram, "revision", revision)
    # Bulk statements pass no ORM object by the live-update listener: tell it here.
    live.bump(scopes_of(FishboneDiagram, diagram_id))
    return revision


def revision(diagram_id: int) -> int:
    """The diagram's change counter, read fresh from the database."""
    return db.session.scalar(select(FishboneDiagram.revision).where(FishboneDiagram.id == diagram_id)) or 0


# -- diagram and categories -----------------------------------------------------


def _clean(value, field: str, limit: int, required: bool = True) -> str:
    text = " ".join(str(value or "").split()) if field != "notes" else str(value or "").strip()
    if required and not text:
        raise InvalidInput({field: _("%(field)s must not be empty.", field=field)})
    if len(text) > limit:
        raise InvalidInput({field: _("%(field)s is longer than %(n)d characters.", field=field, n=limit)})
    return text


def create_diagram(project, template: str = "6m", locale: str = "en", effect: str | None = None,
                   categories: list[str] | None = None) -> FishboneDiagram:
    """Start the project's fishbone from a template (or the given category names)."""
    ensure_editable(project)
    if diagram_of(project) is not None:
        raise InvalidInput({"project": _("This project already has a fishbone.")})
    names = categories if categories is not None else template_names(template, locale)
    effect = text_value(effect, "effect", project.problem_statement or project.title).strip()
    diagram = FishboneDiagram(project_id=project.id, effect=effect[:2000], template=template)
    db.session.add(diagram)
    for position, name in enumerate(names):
        diagram.categories.append(FishboneCategory(name=_clean(name, "name", MAX_CATEGORY), position=position))
    db.session.flush()
    return diagram


def update_diagram(diagram: FishboneDiagram, data: dict) -> FishboneDiagram:
    """Change the effect (the fish's head)."""
    ensure_diagram_editable(diagram.id)
    check_version(diagram, data)
    if "effect" in data:
        diagram.effect = _clean(data["effect"], "effect", 2000)
    db.session.flush()
    touch(diagram.id)
    return diagram


def add_category(diagram: FishboneDiagram, name: str) -> FishboneCategory:
    """Add a bone at the end (any number of bones)."""
    ensure_diagram_editable(diagram.id)
    last = db.session.scalar(select(func.max(FishboneCategory.position)).where(FishboneCategory.diagram_id == diagram.id))
    category = FishboneCategory(diagram_id=diagram.id, name=_clean(name, "name", MAX_CATEGORY), position=(last or 0) + 1)
    db.session.add(category)
    db.session.flush()
    touch(diagram.id)
    return category


def _reorder(records: list, moving, position: int) -> None:
    others = [r for r in records if r is not moving]
    position = max(0, min(int(position), len(others)))
    others.insert(position, moving)
    for index, record in enumerate(others):
        if record.position != index:
            record.position = index


def _position(value) -> int:
    try:
        return whole_number(value)
    except (TypeError, ValueError):
        raise InvalidInput({"position": _("position must be a whole number.")}) from None


def update_category(category: FishboneCategory, data: dict) -> FishboneCategory:
    """Rename a bone or move it to ``position`` (0 = next to the head)."""
    ensure_diagram_editable(category.diagram_id)
    check_version(category, data)
    if "name" in data:
        category.name = _clean(data["name"], "name", MAX_CATEGORY)
    if "position" in data:
        siblings = list(db.session.scalars(
            select(FishboneCategory).where(FishboneCategory.diagram_id == category.diagram_id).order_by(FishboneCategory.position, FishboneCategory.id)
        ))
        _reorder(siblings, category, _position(data["position"]))
    db.session.flush()
    touch(category.diagram_id)
    return category


def delete_category(category: FishboneCategory) -> None:
    """Remove a bone with its causes."""
    ensure_diagram_editable(category.diagram_id)
    diagram_id = category.diagram_id
    for cause in db.session.scalars(select(FishboneCause).where(FishboneCause.category_id == category.id, FishboneCause.parent_id.is_(None))):
        delete_cause(cause, touch_diagram=False)
    db.session.delete(category)
    db.session.flush()
    touch(diagram_id)


# -- causes ---------------------------------------------------------------------


def _sibling_filter(diagram_id: int, category_id: int, parent_id: int | None) -> tuple:
    return (FishboneCause.diagram_id == diagram_id, FishboneCause.category_id == category_id,
            FishboneCause.parent_id.is_(None) if parent_id is None else FishboneCause.parent_id == parent_id)


def _siblings(diagram_id: int, category_id: int, parent_id: int | None) -> list[FishboneCause]:
    stmt = select(FishboneCause).where(*_sibling_filter(diagram_id, category_id, parent_id))
    return list(db.session.scalars(stmt.order_by(FishboneCause.position, FishboneCause.id)))


def _int_or_none(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return whole_number(value)
    except (TypeError, ValueError):
        raise InvalidInput({field: _("%(field)s must be a whole number.", field=field)}) from None


def _placement(diagram: FishboneDiagram, category_id, parent_id) -> tuple[FishboneCategory, FishboneCause | None]:
    parent = None
    parent_id = _int_or_none(parent_id, "parent_id")
    if parent_id is not None:
        parent = db.session.get(FishboneCause, parent_id)
        if parent is None or parent.diagram_id != diagram.id:
            raise InvalidInput({"parent_id": _("No cause %(id)s on this fishbone.", id=parent_id)})
        category_id = parent.category_id
    category_id = _int_or_none(category_id, "category_id")
    if category_id is None:
        raise InvalidInput({"category_id": _("Choose the category (bone) of the cause.")})
    category = db.session.get(FishboneCategory, category_id)
    if category is None or category.diagram_id != diagram.id:
        raise InvalidInput({"category_id": _("No category %(id)s on this fishbone.", id=category_id)})
    return category, parent


def add_cause(diagram: FishboneDiagram, user, data: dict) -> FishboneCause:
    """Add a cause to a bone, or a sub-cause under ``parent_id``; ``after_id`` puts it after that sibling."""
    ensure_diagram_editable(diagram.id)
    text = _clean(data.get("text"), "text", MAX_TEXT)
    category, parent = _placement(diagram, data.get("category_id"), data.get("parent_id"))
    cause = FishboneCause(
        diagram_id=diagram.id,
        category_id=category.id,
        parent_id=parent.id if parent else None,
        text=text,
        is_why=bool(data.get("is_why")),
        notes=_clean(data.get("notes"), "notes", 5000, required=False),
        status="open",
        created_by_id=user.id if user else None,
    )
    after_id = _int_or_none(data.get("after_id"), "after_id")
    where = _sibling_filter(diagram.id, category.id, parent.id if parent else None)
    if after_id is None:
        # Added at the end, as in a meeting: the last position is all it needs, not every sibling.
        last = db.session.scalar(select(func.max(FishboneCause.position)).where(*where))
        cause.position = 0 if last is None else last + 1
    else:
        siblings = _siblings(diagram.id, category.id, parent.id if parent else None)
        index = next((i + 1 for i, s in enumerate(siblings) if s.id == after_id), len(siblings))
        if index == len(siblings):
            cause.position = (siblings[-1].position + 1) if siblings else 0
        else:
            for sibling in siblings[index:]:
                sibling.position += 1
            cause.position = siblings[index - 1].position + 1 if index else 0
    db.session.add(cause)
    db.session.flush()
    touch(diagram.id)
    return cause


def _descendant_ids(cause_id: int) -> set[int]:
    found, frontier = set(), [cause_id]
    while frontier:
        children = list(db.session.scalars(select(FishboneCause.id).where(FishboneCause.parent_id.in_(frontier))))
        frontier = [c for c in children if c not in found]
        found.update(frontier)
    return found


def update_cause(cause: FishboneCause, user, data: dict) -> FishboneCause:
    """Edit text/notes/status, or move the cause (``parent_id``, ``category_id``, ``position``)."""
    ensure_cause_editable(cause.id)
    check_version(cause, data)
    if "text" in data:
        cause.text = _clean(data["text"], "text", MAX_TEXT)
    if "notes" in data:
        cause.notes = _clean(data["notes"], "notes", 5000, required=False)
    if "status" in data:
        status = data["status"]
        if status not in ("open", "suspected"):
            if status in CAUSE_STATUSES:
                raise InvalidInput({"status": _("Mark a root cause verified with the evidence that verified it (POST …/verify).")})
            raise InvalidInput({"status": _("status must be open or suspected.")})
        cause.status = status
        cause.verified_at, cause.verified_by_id = None, None
        for item in cause.evidence:
            item.verifies = False
    if {"parent_id", "category_id", "position"} & data.keys():
        _move(cause, data)
    db.session.flush()
    touch(cause.diagram_id)
    return cause


def _move(cause: FishboneCause, data: dict) -> None:
    diagram = db.session.get(FishboneDiagram, cause.diagram_id)
    parent_id = data["parent_id"] if "parent_id" in data else cause.parent_id
    category_id = data.get("category_id", cause.category_id)
    if "category_id" in data and "parent_id" not in data:
        parent_id = None  # moving to another bone makes it a main cause there
    category, parent = _placement(diagram, category_id, parent_id)
    if parent is not None and (parent.id == cause.id or parent.id in _descendant_ids(cause.id)):
        raise InvalidInput({"parent_id": _("A cause cannot be nested under itself or its own sub-causes.")})
    new_parent_id = parent.id if parent else None
    if category.id != cause.category_id:
        for descendant_id in _descendant_ids(cause.id):
            db.session.get(FishboneCause, descendant_id).category_id = category.id
    moved = new_parent_id != cause.parent_id or category.id != cause.category_id
    cause.parent_id, cause.category_id = new_parent_id, category.id
    siblings = _siblings(diagram.id, category.id, new_parent_id)
    if cause not in siblings:
        siblings.append(cause)
    position = _position(data["position"]) if "position" in data else (len(siblings) - 1 if moved else siblings.index(cause))
    _reorder(siblings, cause, position)


def delete_cause(cause: FishboneCause, touch_diagram: bool = True) -> None:
    """Delete a cause with its sub-causes, evidence files and votes."""
    ensure_cause_editable(cause.id)
    ids = _descendant_ids(cause.id) | {cause.id}
    evidence.remove_files(ids)
    diagram_id = cause.diagram_id
    # Children first, so every row's delete reaches the audit trail.
    for record in sorted((db.session.get(FishboneCause, i) for i in ids), key=lambda c: -_depth(c)):
        db.session.delete(record)
        db.session.flush()
    if touch_diagram:
        touch(diagram_id)


def _depth(cause: FishboneCause) -> int:
    depth = 0
    while cause.parent_id is not None:
        cause = db.session.get(FishboneCause, cause.parent_id)
        depth += 1
    return depth


def add_whys(cause: FishboneCause, user, whys: list) -> list[FishboneCause]:
    """A "5 Whys" chain: each answer becomes a sub-cause of the one before."""
    ensure_cause_editable(cause.id)
    if not isinstance(whys, list) or not [w for w in whys if str(w or "").strip()]:
        raise InvalidInput({"whys": _("Give at least one answer to “why?”.")})
    if len(whys) > 7:
        raise InvalidInput({"whys": _("A why chain has at most 7 steps.")})
    diagram = db.session.get(FishboneDiagram, cause.diagram_id)
    chain, parent = [], cause
    for number, answer in enumerate(whys, start=1):
        if not str(answer or "").strip():
            continue
        try:
            parent = add_cause(diagram, user, {"text": answer, "parent_id": parent.id, "is_why": True})
        except InvalidInput as error:
            raise InvalidInput({f"whys[{number}]": next(iter(error.errors.values()))}) from None
        chain.append(parent)
    return chain


# -- for other capabilities -----------------------------------------------------


def verified_root_causes(project_id: int) -> list[dict]:
    """Verified root causes of a project's fishbone: ``[{"id", "text", "category"}]``."""
    rows = db.session.execute(
        select(FishboneCause.id, FishboneCause.text, FishboneCategory.name)
        .join(FishboneCategory, FishboneCategory.id == FishboneCause.category_id)
        .join(FishboneDiagram, FishboneDiagram.id == FishboneCause.diagram_id)
        .where(FishboneDiagram.project_id == project_id, FishboneCause.status == "verified")
        .order_by(FishboneCategory.position, FishboneCause.id)
    )
    return [{"id": row.id, "text": row.text, "category": row.name} for row in rows]


def send_root_causes(project, user) -> int:
    """Hand the verified root causes to every registered sink (the FMEA); returns how many were taken."""
    ensure_editable(project)
    causes = verified_root_causes(project.id)
    if not causes:
        raise InvalidInput({"causes": _("No verified root causes to send yet.")})
    return sum(int(sink(project, causes, user) or 0) for sink in ROOT_CAUSE_SINKS.all())


def root_cause_destination(project, cause_ids: list[int]) -> dict:
    """Where the sent verified root causes are (the first destination's page) and which were sent already."""
    for destination in ROOT_CAUSE_DESTINATIONS.all():
        found = destination(project, cause_ids)
        if found:
            return {"url": found.get("url"), "taken": set(found.get("taken") or ())}
    return {"url": None, "taken": set()}


def cause_links(project_id: int, cause_ids: list[int]) -> dict[int, list[dict]]:
    """Links other capabilities registered for these causes (e.g. "FMEA row 12")."""
    links: dict[int, list[dict]] = {}
    for source in CAUSE_LINK_SOURCES.all():
        for cause_id, items in (source(project_id, cause_ids) or {}).items():
            links.setdefault(int(cause_id), []).extend(items)
    return links
