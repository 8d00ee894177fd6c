"""Frozen revisions (baselines) of an FMEA and cell-by-cell comparison of two of them."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from workbench.extensions import db
from workbench.fmea import services
from workbench.fmea.frozen import ensure_document_editable
from workbench.fmea.models import COMPUTED_FIELDS, ROW_FIELDS, FmeaDocument, FmeaRevision
from workbench.models import User
from workbench.validation import InvalidInput, whole_number

COMPARED = (*ROW_FIELDS, *COMPUTED_FIELDS)


def freeze(document: FmeaDocument, user: User, label: str) -> FmeaRevision:
    """Freeze every current row of ``document`` as the next numbered baseline."""
    ensure_document_editable(document.id)
    label = (label or "").strip()
    if not label:
        raise InvalidInput({"label": _("Name the baseline, e.g. “before actions”.")})
    number = db.session.scalar(select(func.coalesce(func.max(FmeaRevision.number), 0)).where(FmeaRevision.document_id == document.id)) + 1
    snapshot = [services.row_json(r) for r in services.row_dicts(document)]
    revision = FmeaRevision(document_id=document.id, number=number, label=label[:200], created_by_id=user.id, snapshot=snapshot)
    db.session.add(revision)
    db.session.flush()
    return revision


def revisions_of(document: FmeaDocument | None) -> list[FmeaRevision]:
    if document is None:
        return []
    return list(db.session.scalars(select(FmeaRevision).where(FmeaRevision.document_id == document.id).order_by(FmeaRevision.number)))


def rows_of(document: FmeaDocument, key: str) -> tuple[str, list[dict]]:
    """``(title, rows)`` of a revision number, or of the working copy for ``current``."""
    if key in ("", "current", None):
        return _("Working copy"), [services.row_json(r) for r in services.row_dicts(document)]
    try:
        number = whole_number(key)
    except ValueError:
        raise InvalidInput({"revision": _("Unknown revision “%(key)s”.", key=key)}) from None
    revision = db.session.scalar(select(FmeaRevision).where(FmeaRevision.document_id == document.id, FmeaRevision.number == number))
    if revision is None:
        raise InvalidInput({"revision": _("Unknown revision “%(key)s”.", key=key)})
    return _("Revision %(n)s: %(label)s", n=revision.number, label=revision.label), list(revision.snapshot)


def compare(old_rows: list[dict], new_rows: list[dict]) -> list[dict]:
    """Rows matched by id, each ``{"id", "status", "changes": {field: (old, new)}, "row"}``; unchanged rows are left out."""
    old_by_id = {r["id"]: r for r in old_rows}
    new_by_id = {r["id"]: r for r in new_rows}
    out = []
    for row in new_rows:
        before = old_by_id.get(row["id"])
        if before is None:
            out.append({"id": row["id"], "status": "added", "changes": {f: (None, row.get(f)) for f in COMPARED if row.get(f) not in (None, "")}, "row": row})
            continue
        changes = {f: (before.get(f), row.get(f)) for f in COMPARED if before.get(f) != row.get(f)}
        if changes:
            out.append({"id": row["id"], "status": "changed", "changes": changes, "row": row})
    for row in old_rows:
        if row["id"] not in new_by_id:
            out.append({"id": row["id"], "status": "removed", "changes": {f: (row.get(f), None) for f in COMPARED if row.get(f) not in (None, "")}, "row": row})
    return out
