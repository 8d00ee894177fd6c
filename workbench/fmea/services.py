"""FMEA documents and rows: access, validation, writes (audited), and links to fishbone causes."""

from typing import Any, Protocol

from flask_babel import gettext as _
from sqlalchemy import func, select

from workbench.api.schemas import flat_dumper
from workbench.extensions import db, get_or_not_found
from workbench.fishbone.models import FishboneCause, FishboneDiagram
from workbench.fmea import fields
from workbench.fmea.frozen import ensure_document_editable
from workbench.fmea.models import COMPUTED_FIELDS, DRIVERS, KINDS, RATING_SCALES, ROW_FIELDS, FmeaDocument, FmeaRow, FmeaSettings
from workbench.fmea.priority import rating_or_none
from workbench.fmea.schemas import FmeaRowSchema
from workbench.models import User
from workbench.persistence import check_version
from workbench.registry import HookPoint
from workbench.roles import MANAGERS
from workbench.teams.models import ImprovementProject, TeamMembership
from workbench.teams.services import get_project
from workbench.teams.stages import ensure_editable
from workbench.validation import Forbidden, InvalidInput

# -- organisation setting ---------------------------------------------------------


def settings() -> FmeaSettings:
    """The organisation's priority setting (AP by default); a transient default when none is stored."""
    found = db.session.scalar(select(FmeaSettings).order_by(FmeaSettings.id).limit(1))
    return found or FmeaSettings(priority_driver="ap", rpn_threshold=100)


def save_settings(user: User, data: dict, required: bool = False) -> FmeaSettings:
    """Change what drives priority (admins and quality managers); ``required``: the version read must be sent (forms, API)."""
    if not user.can_manage:
        raise Forbidden()
    current = settings()
    if current.id is not None:
        check_version(current, data, required=required)
    driver = str(data.get("priority_driver", current.priority_driver) or "").strip().lower()
    errors = {}
    if driver not in DRIVERS:
        errors["priority_driver"] = _("Priority is driven by “ap” or “rpn”; got “%(value)s”.", value=driver)
    try:
        threshold = int(str(data.get("rpn_threshold", current.rpn_threshold)).strip())
        if not 1 <= threshold <= 1000:
            raise ValueError
    except ValueError:
        errors["rpn_threshold"] = _("The RPN threshold must be a whole number from 1 to 1000.")
    if errors:
        raise InvalidInput(errors)
    if current.id is None:
        db.session.add(current)
    current.priority_driver, current.rpn_threshold = driver, threshold
    return current


# -- documents --------------------------------------------------------------------


def document_of(project: ImprovementProject) -> FmeaDocument | None:
    """The project's FMEA, or None before anyone started it."""
    return db.session.scalar(select(FmeaDocument).where(FmeaDocument.project_id == project.id).order_by(FmeaDocument.id).limit(1))


def ensure_document(project: ImprovementProject) -> FmeaDocument:
    """The project's FMEA, started (process FMEA titled after the project) when missing."""
    document = document_of(project)
    if document is None:
        document = FmeaDocument(project_id=project.id, kind="process", title=project.title[:200])
        db.session.add(document)
        db.session.flush()
    return document


HEADER_FIELDS = ("kind", "title", "company", "location", "customer", "program", "responsible", "confidentiality", "rating_scale", "start_date")


def save_header(document: FmeaDocument, data: dict) -> FmeaDocument:
    """Change the header block of a document."""
    ensure_document_editable(document.id)
    check_version(document, data)
    errors = {}
    if "kind" in data and data["kind"] not in KINDS:
        errors["kind"] = _("The FMEA type is “process” or “design”.")
    if "rating_scale" in data and data["rating_scale"] not in RATING_SCALES:
        errors["rating_scale"] = _("The rating scale is “manufacturing” or “service”.")
    start = None
    if data.get("start_date"):
        try:
            start = fields.parse_date(data["start_date"], "start_date")
        except ValueError as error:
            errors["start_date"] = str(error)
    for key in HEADER_FIELDS[1:-1]:
        if key in data and len(str(data[key] or "")) > 200:
            errors[key] = _("At most 200 characters.")
    if errors:
        raise InvalidInput(errors)
    for key in HEADER_FIELDS[:-1]:
        if key in data:
            setattr(document, key, str(data[key] or "").strip())
    if start:
        document.start_date = start
    return document


# -- rows -------------------------------------------------------------------------


def row_for(row_id: int, user: User, write: bool = False) -> FmeaRow:
    """Load a row the user may see (404) and, with ``write``, change (403)."""
    row = get_or_not_found(FmeaRow, row_id)
    document = db.session.get(FmeaDocument, row.document_id)
    if document.project_id is not None:
        get_project(document.project_id, user, write=write)
    elif write and not user.can_manage:
        # A standalone FMEA is organisation-wide: everyone reads, admins and quality managers change it.
        raise Forbidden()
    return row


def check_responsible(project: ImprovementProject | None, user_id: int | None) -> None:
    """The responsible person is an active user and, in a project's FMEA, on its team (or a manager)."""
    if user_id is None:
        return
    person = db.session.get(User, user_id)
    if person is None or not person.active:
        raise InvalidInput({"responsible_id": _("No active user with id %(id)s.", id=user_id)})
    if project is None:
        return
    member = db.session.scalar(
        select(TeamMembership.id).where(TeamMembership.team_id == project.team_id, TeamMembership.user_id == user_id)
    )
    if member is None and not person.can_manage:
        raise InvalidInput({"responsible_id": _("%(name)s is not a member of the project's team.", name=person.name)})


def is_project_cause(project: ImprovementProject, cause_id: int) -> bool:
    """True when ``cause_id`` is a cause of this project's fishbone."""
    stmt = select(FishboneCause.id).join(FishboneDiagram, FishboneDiagram.id == FishboneCause.diagram_id)
    return db.session.scalar(stmt.where(FishboneCause.id == cause_id, FishboneDiagram.project_id == project.id)) is not None


def check_cause(project: ImprovementProject | None, cause_id: int) -> None:
    """A row may only come from a cause of its own project's fishbone (never another team's)."""
    if project is None:
        raise InvalidInput({"cause_id": _("A standalone FMEA has no fishbone: its causes cannot link to fishbone causes.")})
    if not is_project_cause(project, cause_id):
        raise InvalidInput({"cause_id": _("No cause %(id)s on this project's fishbone.", id=cause_id)})


def recompute(row: FmeaRow) -> None:
    """Set RPN and AP (before and after actions) from the ratings."""
    row.rpn, row.action_priority = rating_or_none(row.severity, row.occurrence, row.detection)
    row.revised_rpn, row.revised_action_priority = rating_or_none(
        row.revised_severity, row.revised_occurrence, row.revised_detection
    )


def _apply(row: FmeaRow, project: ImprovementProject | None, data: dict) -> FmeaRow:
    values, errors = fields.clean(data)
    if errors:
        raise InvalidInput(errors)
    if "responsible_id" in values:
        check_responsible(project, values["responsible_id"])
    if values.get("cause_id") is not None and values["cause_id"] != row.cause_id:  # a link kept after its cause was deleted stays
        check_cause(project, values["cause_id"])
    for key, value in values.items():
        setattr(row, key, value)
    recompute(row)
    return row


def create_row(project: ImprovementProject, data: dict) -> FmeaRow:
    """Add a row at the end of the project's FMEA (started when missing)."""
    return add_row(ensure_document(project), project, data)


def add_row(document: FmeaDocument, project: ImprovementProject | None, data: dict) -> FmeaRow:
    """Add a row at the end of ``document`` (``project`` is None for a standalone FMEA)."""
    ensure_editable(project)
    ensure_document_editable(document.id)
    position = db.session.scalar(select(func.coalesce(func.max(FmeaRow.position), 0)).where(FmeaRow.document_id == document.id))
    row = FmeaRow(document_id=document.id, position=position + 1, action_status="open")
    _apply(row, project, data)
    db.session.add(row)
    db.session.flush()
    return row


def create_rows(project: ImprovementProject, items: list[dict]) -> list[FmeaRow]:
    """Add many rows at the end of the project's FMEA in one flush (imports); any invalid row raises and nothing is kept."""
    return add_rows(ensure_document(project), project, items)


def add_rows(document: FmeaDocument, project: ImprovementProject | None, items: list[dict]) -> list[FmeaRow]:
    """Add many rows at the end of ``document`` in one flush; any invalid row raises and nothing is kept."""
    ensure_editable(project)
    ensure_document_editable(document.id)
    position = db.session.scalar(select(func.coalesce(func.max(FmeaRow.position), 0)).where(FmeaRow.document_id == document.id))
    rows = []
    for offset, data in enumerate(items, start=1):
        row = FmeaRow(document_id=document.id, position=position + offset, action_status="open")
        _apply(row, project, data)
        rows.append(row)
    db.session.add_all(rows)
    db.session.flush()
    return rows


def update_row(row: FmeaRow, data: dict) -> FmeaRow:
    """Change a row; a stale ``version`` raises Conflict (409) with both values."""
    ensure_document_editable(row.document_id)
    check_version(row, data)
    check_status_change(row, data)
    document = db.session.get(FmeaDocument, row.document_id)
    project = db.session.get(ImprovementProject, document.project_id) if document.project_id is not None else None
    return _apply(row, project, data)


def delete_row(row: FmeaRow, data: dict | None = None) -> None:
    """Remove a row (the audit trail keeps its last values)."""
    ensure_document_editable(row.document_id)
    if data:
        check_version(row, data)
    db.session.delete(row)


# The columns a row is read with everywhere (timestamps left out: nobody reads them from a row).
ROW_KEYS = ("id", "version", "position", *ROW_FIELDS, *COMPUTED_FIELDS)


def row_dicts(document: FmeaDocument | None, changed_since=None) -> list[dict]:
    """Every row of a document (or those changed after ``changed_since``) as plain dicts in position order, in one query."""
    if document is None:
        return []
    table = FmeaRow.__table__
    columns = [table.c[k] for k in ROW_KEYS]
    stmt = select(*columns).where(table.c.document_id == document.id)
    if changed_since is not None:
        stmt = stmt.where(table.c.updated_at > changed_since)
    result = db.session.execute(stmt.order_by(table.c.position, table.c.id))
    return [dict(zip(ROW_KEYS, r, strict=True)) for r in result]


def row_ids(document: FmeaDocument | None) -> list[int]:
    """Ids of the rows a document has now (lets a page notice rows deleted by others)."""
    if document is None:
        return []
    return list(db.session.scalars(select(FmeaRow.id).where(FmeaRow.document_id == document.id).order_by(FmeaRow.id)))


# A row (model or dict) as the API answers it and baselines keep it, without its corrective actions:
# FmeaRowSchema's dump, made for thousands of rows (a baseline, the working copy beside one).
row_json = flat_dumper(FmeaRowSchema, exclude=("corrective_actions",))


# -- fishbone causes --------------------------------------------------------------


def add_rows_from_causes(project: ImprovementProject, causes: list[dict], user: User) -> list[FmeaRow]:
    """One row per fishbone cause (``{"id", "text", "category"}``), skipping causes already in the FMEA."""
    ensure_editable(project)
    get_project(project.id, user, write=True)
    document = ensure_document(project)
    present = set(
        db.session.scalars(select(FmeaRow.cause_id).where(FmeaRow.document_id == document.id, FmeaRow.cause_id.is_not(None)))
    )
    created = []
    for cause in causes:
        cause_id = cause.get("id")
        if cause_id is None or int(cause_id) in present:
            continue
        category = str(cause.get("category") or "").strip().lower()
        data = {"failure_cause": str(cause.get("text") or ""), "cause_id": int(cause_id)}
        if category in ("man", "machine", "material", "method", "environment", "measurement"):
            data["work_element_type"] = category
        created.append(create_row(project, data))
        present.add(int(cause_id))
    return created


def rows_for_cause(cause_id: int) -> list[FmeaRow]:
    """Rows that came from one fishbone cause (for the fishbone's side of the link)."""
    return list(db.session.scalars(select(FmeaRow).where(FmeaRow.cause_id == cause_id).order_by(FmeaRow.id)))


def responsible_candidates(project: ImprovementProject | None):
    """A select of the people who may be made responsible for a row's action: the project's team and
    the managers (anyone active in a standalone FMEA), by name."""
    stmt = select(User).where(User.active.is_(True)).order_by(User.name, User.id)
    if project is None:
        return stmt
    return stmt.where(
        User.id.in_(select(TeamMembership.user_id).where(TeamMembership.team_id == project.team_id)) | User.role.in_(MANAGERS)
    )


def team_people(project: ImprovementProject | None) -> list[User]:
    """Everyone ``responsible_candidates`` names (for the .xlsx import's lookup by name)."""
    return list(db.session.scalars(responsible_candidates(project)))


# -- corrective actions (the actions package fills these hooks; this package never imports it) --



class RowActionSource(Protocol):
    """The corrective actions addressing each row, for all ``row_ids`` in one query:
    ``{row_id: [{"id", "title", "status", "status_label", "overdue", "owner", "due_date", "url"}]}``."""

    def __call__(self, row_ids: list[int]) -> dict[int, list[dict]]: ...


class RowActionCreator(Protocol):
    """Makes a corrective action from ``row``: ``{"action": {...as above...}, "message": str | None}``."""

    def __call__(self, project: Any, row: FmeaRow, user: User, chosen: dict | None = None) -> dict: ...


# The actions package adds its implementations in its ``init_app``; this package never imports it.
ROW_ACTION_SOURCES: HookPoint[RowActionSource] = HookPoint("fmea.row_action_sources")
ROW_ACTION_CREATORS: HookPoint[RowActionCreator] = HookPoint("fmea.row_action_creators")

DONE_ACTION_STATUSES = ("done", "verified")
MOVING_ACTION_STATUSES = ("in_progress", "done", "verified")


def linked_actions(row_ids) -> dict[int, list[dict]]:
    """The corrective actions that address each row, from every registered source."""
    row_ids = list(row_ids)
    found: dict[int, list[dict]] = {}
    if not row_ids:
        return found
    for source in ROW_ACTION_SOURCES.all():
        for row_id, items in source(row_ids).items():
            found.setdefault(row_id, []).extend(items)
    return found


def status_from_actions(actions: list[dict]) -> str:
    """The row's optimisation status as its linked actions give it: all done or verified is completed."""
    statuses = [a["status"] for a in actions]
    if all(s in DONE_ACTION_STATUSES for s in statuses):
        return "completed"
    if any(s in MOVING_ACTION_STATUSES for s in statuses):
        return "implementation_pending"
    return "open"


def with_actions(rows: list[dict]) -> list[dict]:
    """Add ``corrective_actions`` to row dicts (one query) and read their status from the actions where linked."""
    links = linked_actions(r["id"] for r in rows)
    for row in rows:
        actions = links.get(row["id"], [])
        row["corrective_actions"] = actions
        if actions:
            row["action_status"] = status_from_actions(actions)
    return rows


def rows_json(rows: list) -> list[dict]:
    """Rows (models or dicts) as the API answers them (``FmeaRowSchema``), each with its ``corrective_actions``."""
    dicts = [row_json(r) for r in rows]
    return with_actions(dicts)


def create_linked_action(row: FmeaRow, user: User, chosen: dict | None = None) -> dict:
    """Make a corrective action in the project's tracker from ``row`` (needs write access)."""
    ensure_document_editable(row.document_id)
    document = db.session.get(FmeaDocument, row.document_id)
    if document.project_id is None:
        raise InvalidInput({"corrective_actions": _("Corrective actions belong to improvement projects; a standalone FMEA records its actions in the row.")})
    project = get_project(document.project_id, user, write=True)
    creators = ROW_ACTION_CREATORS.all()
    if not creators:
        raise InvalidInput({"corrective_actions": _("Corrective actions are not available in this installation.")})
    # ``chosen``: the owner and due date the user picked ({"owner_id", "due_date"}); missing ones come from the row.
    return creators[0](project, row, user, chosen)


def check_status_change(row: FmeaRow, data: dict) -> None:
    """A row with linked actions takes its status from them: refuse a different one typed in the FMEA."""
    if data.get("action_status") in (None, ""):
        return
    actions = linked_actions([row.id]).get(row.id)
    if not actions:
        return
    wanted = fields.clean({"action_status": data["action_status"]})[0].get("action_status")
    if wanted != status_from_actions(actions):
        raise InvalidInput(
            {"action_status": _("This row's status follows its corrective actions; change their status in the action tracker.")}
        )


def row_summary(row_id: int | None, project_id: int) -> dict | None:
    """What an action page shows of the FMEA row it addresses (None unless the row is in ``project_id``)."""
    if row_id is None:
        return None
    found = db.session.execute(
        select(FmeaRow, FmeaDocument.project_id)
        .join(FmeaDocument, FmeaDocument.id == FmeaRow.document_id)
        .where(FmeaRow.id == row_id, FmeaDocument.project_id == project_id)
    ).first()
    if found is None:
        return None
    row = found[0]
    keys = ("id", "position", "process_step", "failure_mode", "failure_cause", "failure_effect", "severity", "occurrence",
            "detection", "rpn", "action_priority", "revised_severity", "revised_occurrence", "revised_detection",
            "revised_action_priority")
    return {key: getattr(row, key) for key in keys}


def rows_not_rerated(project_id: int) -> list[int]:
    """Positions of the FMEA rows that have an action (linked or written) but lack revised S, O or D."""
    stmt = (
        select(FmeaRow.id, FmeaRow.position, FmeaRow.prevention_action, FmeaRow.detection_action)
        .join(FmeaDocument, FmeaDocument.id == FmeaRow.document_id)
        .where(FmeaDocument.project_id == project_id)
        .where(FmeaRow.revised_severity.is_(None) | FmeaRow.revised_occurrence.is_(None) | FmeaRow.revised_detection.is_(None))
        .order_by(FmeaRow.position, FmeaRow.id)
    )
    candidates = db.session.execute(stmt).all()
    links = linked_actions(r.id for r in candidates)
    return [
        r.position
        for r in candidates
        if (r.prevention_action or "").strip() or (r.detection_action or "").strip() or links.get(r.id)
    ]
