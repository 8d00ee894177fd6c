"""Complaints: listing, labelling (confirm, fix, bulk), categories and rules. Plain data in and out."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, insert, select

from workbench import dates
from workbench.complaint_import.matching import phrase_words
from workbench.complaint_import.models import ClassificationRule, Complaint, ComplaintSource, ExpectationCategory
from workbench.complaint_import.textnorm import normalise
from workbench.extensions import db
from workbench.models import AuditLog, ProcessOwner, User, utcnow
from workbench.roles import MANAGERS, WRITERS
from workbench.validation import InvalidInput, text_value, whole_number

NO_LABEL = ("none", "unclassified")
LABELLERS = WRITERS


def can_label(user: User) -> bool:
    return user.role in LABELLERS


def can_manage(user: User) -> bool:
    return user.role in MANAGERS


def categories(include_inactive: bool = False) -> list[ExpectationCategory]:
    stmt = select(ExpectationCategory).order_by(ExpectationCategory.sort_order, ExpectationCategory.id)
    if not include_inactive:
        stmt = stmt.where(ExpectationCategory.active.is_(True))
    return list(db.session.scalars(stmt))


def owner_keys() -> dict[int, str]:
    return dict(db.session.execute(select(ProcessOwner.id, ProcessOwner.key)).all())


def filtered(stmt, args: dict):
    """Apply the list filters (source, owner, category, theme, product, channel, reason, from, to, q, unconfirmed).

    ``none`` or ``unclassified`` for owner, category, theme, product or channel
    means "without one" (the Pareto's Unclassified bar).
    """
    if args.get("source"):
        stmt = stmt.where(Complaint.source == args["source"])
    owner = args.get("owner")
    if owner in NO_LABEL:
        stmt = stmt.where(Complaint.process_owner_id.is_(None))
    elif owner:
        owner_id = db.session.scalar(select(ProcessOwner.id).where(ProcessOwner.key == owner))
        if owner_id is None:
            raise InvalidInput({"owner": _("Unknown process owner “%(key)s”.", key=owner)})
        stmt = stmt.where(Complaint.process_owner_id == owner_id)
    theme = args.get("theme")
    if theme in NO_LABEL:
        stmt = stmt.where(Complaint.theme_id.is_(None))
    elif theme:
        try:
            stmt = stmt.where(Complaint.theme_id == whole_number(theme))
        except (TypeError, ValueError):
            raise InvalidInput({"theme": _("theme must be the number of a theme.")}) from None
    for field, column in (("category", Complaint.category), ("product", Complaint.product), ("channel", Complaint.channel)):
        value = args.get(field)
        if value in NO_LABEL:
            stmt = stmt.where(column.is_(None))
        elif value:
            stmt = stmt.where(column == value)
    reason = args.get("reason")
    if reason:
        stmt = stmt.where(Complaint.unclassified_reason == reason)
    for field, op in (("from", "ge"), ("to", "le")):
        day = dates.field_date(args.get(field), field)
        if day is not None:
            stmt = stmt.where(Complaint.received_at >= day if op == "ge" else Complaint.received_at <= day)
    if args.get("q"):
        stmt = stmt.where(Complaint.text_norm.contains(normalise(args["q"]), autoescape=True))
    if args.get("unconfirmed"):
        stmt = stmt.where(Complaint.confirmed.is_(False))
    return stmt


def sources() -> list[str]:
    return list(db.session.scalars(select(ComplaintSource.name).order_by(ComplaintSource.name)))


def complaint_list(args: dict):
    return filtered(select(Complaint), args).order_by(Complaint.received_at.desc(), Complaint.id.desc())


def review_queue(args: dict):
    """Unconfirmed complaints, least confident first."""
    stmt = filtered(select(Complaint).where(Complaint.confirmed.is_(False)), args)
    return stmt.order_by(Complaint.confidence.is_(None).desc(), Complaint.confidence.asc(), Complaint.id)


def _check_labels(owner: str | None, category: str | None) -> tuple[int | None, str | None]:
    errors = {}
    owner_id = None
    if owner not in (None, ""):
        owner_id = db.session.scalar(select(ProcessOwner.id).where(ProcessOwner.key == owner))
        if owner_id is None:
            errors["process_owner"] = _("Unknown process owner “%(key)s”.", key=owner)
    if category not in (None, "") and db.session.scalar(select(ExpectationCategory.id).where(ExpectationCategory.key == category)) is None:
        errors["category"] = _("Unknown category “%(key)s”.", key=category)
    if errors:
        raise InvalidInput(errors)
    return owner_id, category or None


def set_labels(complaints: list[Complaint], owner: str | None, category: str | None, user: User) -> int:
    """Record a confirmed label (owner and/or category) on each complaint; audited field by field."""
    if owner is None and category is None:
        raise InvalidInput({"_": _("Send process_owner and/or category.")})
    owner = text_value(owner, "process_owner", None)
    category = text_value(category, "category", None)
    owner_id, category = _check_labels(owner, category)
    keys = owner_keys()
    audit_rows = []
    now = utcnow()
    for complaint in complaints:
        changes = []
        if owner is not None and owner_id != complaint.process_owner_id:
            changes.append(("process_owner", keys.get(complaint.process_owner_id), owner or None))
            complaint.process_owner_id = owner_id
        if category is not None and category != complaint.category:
            changes.append(("category", complaint.category, category))
            complaint.category = category
        if not complaint.confirmed:
            changes.append(("confirmed", "False", "True"))
        complaint.confirmed = True
        complaint.label_source = "user"
        if complaint.category is not None:
            complaint.unclassified_reason = None
        complaint.owner_confidence = complaint.category_confidence = complaint.confidence = 1.0
        for field, old, new in changes:
            audit_rows.append(
                {"at": now, "actor_id": user.id, "actor": user.email, "action": "update", "table_name": "complaints",
                 "record_id": str(complaint.id), "field": field, "old_value": old, "new_value": new}
            )
    db.session.flush()
    if audit_rows:
        db.session.execute(insert(AuditLog), audit_rows)
    return len(complaints)


def complaints_by_ids(ids: list) -> list[Complaint]:
    if not isinstance(ids, list):
        raise InvalidInput({"ids": _("ids must be whole numbers.")})
    try:
        wanted = [whole_number(i) for i in ids]
    except (TypeError, ValueError):
        raise InvalidInput({"ids": _("ids must be whole numbers.")}) from None
    if not wanted:
        raise InvalidInput({"ids": _("Select at least one complaint.")})
    return list(db.session.scalars(select(Complaint).where(Complaint.id.in_(wanted))))


def save_rule(rule: ClassificationRule | None, target: str, key: str, phrase: str, weight, active: bool = True) -> ClassificationRule:
    """Create or change a keyword rule after checking its target, key and phrase."""
    errors = {}
    if target not in ("owner", "category"):
        errors["target"] = _("Choose process owner or category.")
    elif target == "owner" and db.session.scalar(select(ProcessOwner.id).where(ProcessOwner.key == key)) is None:
        errors["key"] = _("Unknown process owner “%(key)s”.", key=key)
    elif target == "category" and db.session.scalar(select(ExpectationCategory.id).where(ExpectationCategory.key == key)) is None:
        errors["key"] = _("Unknown category “%(key)s”.", key=key)
    phrase = normalise(phrase)
    if not phrase_words(phrase):
        errors["phrase"] = _("Write a word or phrase.")
    try:
        weight = float(weight)
        if not 0 < weight <= 10:
            raise ValueError
    except (TypeError, ValueError):
        errors["weight"] = _("Weight must be a number above 0 and at most 10.")
    if not errors:
        clash = db.session.scalar(
            select(ClassificationRule.id).where(ClassificationRule.target == target, ClassificationRule.key == key, ClassificationRule.phrase == phrase)
        )
        if clash is not None and (rule is None or clash != rule.id):
            errors["phrase"] = _("This rule already exists.")
    if errors:
        raise InvalidInput(errors)
    if rule is None:
        rule = ClassificationRule()
        db.session.add(rule)
    elif rule.industry and (rule.phrase, rule.weight, rule.active) != (phrase, weight, active):
        hold_shipped(rule)
    rule.target, rule.key, rule.phrase, rule.weight, rule.active = target, key, phrase, weight, active
    db.session.flush()
    return rule


def hold_shipped(rule: ClassificationRule) -> None:
    """A person changes a shipped phrase: remember what was shipped, and leave the row as they make it
    (picking industries or updating the shipped phrases never switches it back or adds the original again)."""
    rule.shipped_as = rule.shipped_as or rule.phrase
    rule.held = True


def remove_rule(rule: ClassificationRule) -> None:
    """Delete a person's own phrase; a shipped one is switched off and held, so updating the shipped phrases
    does not bring it back."""
    if rule.industry:
        hold_shipped(rule)
        rule.active = False
    else:
        db.session.delete(rule)


def counts_by_owner(since: date) -> list[tuple[str | None, int]]:
    """Complaint counts per process owner key since ``since``, most first."""
    stmt = (
        select(ProcessOwner.key, func.count(Complaint.id))
        .select_from(Complaint)
        .outerjoin(ProcessOwner, ProcessOwner.id == Complaint.process_owner_id)
        .where(Complaint.received_at >= since)
        .group_by(ProcessOwner.key)
        .order_by(func.count(Complaint.id).desc())
    )
    return [(k, n) for k, n in db.session.execute(stmt)]
