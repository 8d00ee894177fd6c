"""Process owners (core: the organisation): the defaults, lookup by key and their writes."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from workbench.extensions import db
from workbench.models import ProcessOwner
from workbench.validation import InvalidInput

DEFAULT_PROCESS_OWNERS = (
    ("production", "Production", "تولید"),
    ("quality", "Quality", "کیفیت"),
    ("sales", "Sales", "فروش"),
    ("service", "Service", "خدمات پس از فروش"),
)


def ensure_default_process_owners() -> None:
    """Create the four default process owners where they are missing."""
    existing = set(db.session.scalars(select(ProcessOwner.key)))
    for order, (key, en, fa) in enumerate(DEFAULT_PROCESS_OWNERS):
        if key not in existing:
            db.session.add(ProcessOwner(key=key, name_en=en, name_fa=fa, sort_order=order))


def list_process_owners(include_inactive: bool = False) -> list[ProcessOwner]:
    """Return process owners in display order."""
    stmt = select(ProcessOwner).order_by(ProcessOwner.sort_order, ProcessOwner.id)
    if not include_inactive:
        stmt = stmt.where(ProcessOwner.active.is_(True))
    return list(db.session.scalars(stmt))


def process_owner_by_key(key: str | None) -> ProcessOwner | None:
    """Find a process owner by its stable key (or numeric id); None for blank."""
    if key in (None, ""):
        return None
    owner = db.session.scalar(select(ProcessOwner).where(ProcessOwner.key == str(key)))
    if owner is None and str(key).isdigit() and len(str(key)) < 10:
        owner = db.session.get(ProcessOwner, int(key))
    if owner is None:
        raise InvalidInput({"process_owner": _("Unknown process owner “%(key)s”.", key=key)})
    return owner


def save_process_owner(owner: ProcessOwner | None, key: str, name_en: str, name_fa: str, active: bool = True) -> ProcessOwner:
    """Create or update a process owner after checking its key is unique."""
    key = (key or "").strip().lower().replace(" ", "_")
    errors = {}
    if not key:
        errors["key"] = _("A key is required.")
    if not (name_en or "").strip():
        errors["name_en"] = _("An English name is required.")
    if not (name_fa or "").strip():
        errors["name_fa"] = _("A Persian name is required.")
    clash = db.session.scalar(select(ProcessOwner).where(ProcessOwner.key == key))
    if clash is not None and clash is not owner:
        errors["key"] = _("The key “%(key)s” is already used.", key=key)
    if errors:
        raise InvalidInput(errors)
    if owner is None:
        next_order = db.session.scalar(select(func.coalesce(func.max(ProcessOwner.sort_order), 0))) + 1
        owner = ProcessOwner(sort_order=next_order)
        db.session.add(owner)
    owner.key, owner.name_en, owner.name_fa, owner.active = key, name_en.strip(), name_fa.strip(), active
    return owner
