"""Where an FMEA lives: an improvement project (team rule) or standalone for a process owner (organisation-wide)."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from workbench.extensions import db, get_or_not_found
from workbench.fmea import services
from workbench.fmea.models import KINDS, FmeaDocument, FmeaRow
from workbench.live import project_scope
from workbench.models import ProcessOwner, User
from workbench.teams.access import team_scope
from workbench.teams.models import ImprovementProject
from workbench.teams.services import get_project
from workbench.validation import Forbidden, InvalidInput, whole_number


@dataclass
class FmeaPlace:
    """A project's FMEA (``project`` set, ``document`` None until started) or a standalone one (``project`` None)."""

    project: ImprovementProject | None
    document: FmeaDocument | None
    process_owner: ProcessOwner | None = None

    @property
    def args(self) -> dict:
        """URL arguments of this FMEA's pages: ``project_id`` or ``document_id``."""
        return {"project_id": self.project.id} if self.project else {"document_id": self.document.id}

    @property
    def title(self) -> str:
        return self.project.title if self.project else self.document.title

    @property
    def live_scope(self) -> str:
        """The live-update revision pages of this FMEA follow (``workbench.live``)."""
        return project_scope(self.project.id) if self.project else self.document.live_scopes()[0]

    @property
    def standalone(self) -> bool:
        return self.project is None


def owner_name(owner: ProcessOwner | None, lang: str) -> str:
    if owner is None:
        return ""
    return owner.name_fa if lang.startswith("fa") else owner.name_en


def check_standalone(user: User, write: bool) -> None:
    """Everyone signed in reads a standalone FMEA; only admins and quality managers change it (403)."""
    if write and not user.can_manage:
        raise Forbidden()


def for_project(project_id: int, user: User, write: bool = False) -> FmeaPlace:
    project = get_project(project_id, user, write=write)
    return FmeaPlace(project, services.document_of(project))


def for_document(document_id: int, user: User, write: bool = False) -> FmeaPlace:
    """Load any FMEA by id with its own access rule: a project's (team rule) or a standalone one."""
    document = get_or_not_found(FmeaDocument, document_id)
    if document.project_id is not None:
        return FmeaPlace(get_project(document.project_id, user, write=write), document)
    check_standalone(user, write)
    return FmeaPlace(None, document, db.session.get(ProcessOwner, document.process_owner_id))


def resolve(user: User, project_id: int | None = None, document_id: int | None = None, write: bool = False) -> FmeaPlace:
    """The place a page or API call names by ``project_id`` or ``document_id``."""
    if project_id is not None:
        return for_project(project_id, user, write=write)
    return for_document(document_id, user, write=write)


def ensure(place: FmeaPlace) -> FmeaDocument:
    """The place's document, started for a project when missing."""
    if place.document is None:
        place.document = services.ensure_document(place.project)
    return place.document


def create_standalone(user: User, data: dict) -> FmeaDocument:
    """A new standalone FMEA for a process owner (``process_owner`` id or key, ``kind``, ``title``)."""
    check_standalone(user, write=True)
    errors = {}
    owner = None
    wanted = data.get("process_owner")
    if wanted in (None, ""):
        errors["process_owner"] = _("Choose the process owner the FMEA belongs to.")
    else:
        column = ProcessOwner.id if isinstance(wanted, int) or str(wanted).isdigit() else ProcessOwner.key
        try:
            value = whole_number(wanted) if column is ProcessOwner.id else str(wanted).strip()
        except (TypeError, ValueError):
            value = None
        owner = None if value is None else db.session.scalar(select(ProcessOwner).where(column == value, ProcessOwner.active.is_(True)))
        if owner is None:
            errors["process_owner"] = _("No active process owner “%(value)s”.", value=wanted)
    kind = str(data.get("kind") or "process").strip().lower()
    if kind not in KINDS:
        errors["kind"] = _("The FMEA type is “process” or “design”.")
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = _("Give the FMEA a title.")
    elif len(title) > 200:
        errors["title"] = _("At most 200 characters.")
    if errors:
        raise InvalidInput(errors)
    document = FmeaDocument(project_id=None, process_owner_id=owner.id, kind=kind, title=title)
    db.session.add(document)
    db.session.flush()
    return document


def visible(user: User) -> list[dict]:
    """Every FMEA the user may see: projects' (through the project's team) and standalone ones, with row counts."""
    project_stmt = (
        select(FmeaDocument, ImprovementProject.title)
        .join(ImprovementProject, ImprovementProject.id == FmeaDocument.project_id)
        .order_by(FmeaDocument.id)
    )
    found = [(doc, title, None) for doc, title in db.session.execute(team_scope(project_stmt, ImprovementProject.team_id, user))]
    standalone_stmt = (
        select(FmeaDocument, ProcessOwner)
        .join(ProcessOwner, ProcessOwner.id == FmeaDocument.process_owner_id)
        .where(FmeaDocument.project_id.is_(None))
        .order_by(FmeaDocument.id)
    )
    found += [(doc, None, owner) for doc, owner in db.session.execute(standalone_stmt)]
    ids = [doc.id for doc, _t, _o in found]
    counts: dict[int, dict] = {}
    if ids:
        stmt = (
            select(FmeaRow.document_id, FmeaRow.action_priority, func.count())
            .where(FmeaRow.document_id.in_(ids))
            .group_by(FmeaRow.document_id, FmeaRow.action_priority)
        )
        for document_id, ap, n in db.session.execute(stmt):
            counts.setdefault(document_id, {})[ap] = n
    return [
        {
            "document": doc,
            "project_title": project_title,
            "process_owner": owner,
            "rows": sum(counts.get(doc.id, {}).values()),
            "high": counts.get(doc.id, {}).get("H", 0),
        }
        for doc, project_title, owner in found
    ]
