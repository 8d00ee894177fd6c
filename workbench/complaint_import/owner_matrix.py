"""The owner matrix: which process owner answers for each expectation category (optionally per product or channel).

Plain data in and out. New imports and relabelling follow the matrix;
complaints a person confirmed keep their label.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from workbench.complaint_import.models import ExpectationCategory, OwnerAssignment
from workbench.complaint_import.textnorm import normalise
from workbench.extensions import db
from workbench.models import ProcessOwner
from workbench.validation import InvalidInput


def cells() -> list[OwnerAssignment]:
    """Every cell, category first, general cells before product/channel exceptions."""
    stmt = select(OwnerAssignment).order_by(OwnerAssignment.category, OwnerAssignment.product, OwnerAssignment.channel)
    return list(db.session.scalars(stmt))


def save_cell(cell: OwnerAssignment | None, category: str, product: str | None, channel: str | None, owner: str) -> OwnerAssignment:
    """Create or change a cell after checking every field; refuses a second cell for the same category, product and channel."""
    category, owner = (category or "").strip(), (owner or "").strip()
    product, channel = normalise(product or ""), normalise(channel or "")
    errors = {}
    if db.session.scalar(select(ExpectationCategory.id).where(ExpectationCategory.key == category)) is None:
        errors["category"] = _("Unknown category “%(key)s”.", key=category[:40])
    owner_id = db.session.scalar(select(ProcessOwner.id).where(ProcessOwner.key == owner))
    if owner_id is None:
        errors["process_owner"] = _("Unknown process owner “%(key)s”.", key=owner[:40])
    if len(product) > 200:
        errors["product"] = _("At most %(count)d characters.", count=200)
    if len(channel) > 40:
        errors["channel"] = _("At most %(count)d characters.", count=40)
    if not errors:
        clash = db.session.scalar(
            select(OwnerAssignment.id).where(
                OwnerAssignment.category == category, OwnerAssignment.product == product, OwnerAssignment.channel == channel
            )
        )
        if clash is not None and (cell is None or clash != cell.id):
            errors["category"] = _("This category already has an owner for that product and channel.")
    if errors:
        raise InvalidInput(errors)
    if cell is None:
        cell = OwnerAssignment()
        db.session.add(cell)
    cell.category, cell.product, cell.channel, cell.process_owner_id = category, product, channel, owner_id
    db.session.flush()
    return cell
