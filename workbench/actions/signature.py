"""What a closing signature signs: a canonical JSON of the project's record, and its SHA-256.

The hash is taken when the quality manager signs and stored on the signature; the 8D report
and the lifecycle page show it, so anyone can recompute it from the same records later.
"""

import hashlib
import json

from sqlalchemy import select

from workbench.actions.models import CorrectiveAction, EffectivenessCheck, ProjectCharter
from workbench.extensions import db
from workbench.fishbone.models import FishboneCause, FishboneDiagram
from workbench.fmea.models import FmeaDocument, FmeaRow

# Bookkeeping columns that change without the content changing.
_SKIP = {"created_at", "updated_at", "version"}


def _record(obj) -> dict:
    return {column.key: getattr(obj, column.key) for column in obj.__table__.columns if column.key not in _SKIP}


def signed_content(project) -> dict:
    """The charter, causes, FMEA rows, actions and effectiveness results of ``project`` as plain data."""
    pid = project.id
    charter = db.session.scalar(select(ProjectCharter).where(ProjectCharter.project_id == pid))
    causes = db.session.scalars(
        select(FishboneCause).join(FishboneDiagram, FishboneDiagram.id == FishboneCause.diagram_id)
        .where(FishboneDiagram.project_id == pid).order_by(FishboneCause.id)
    )
    rows = db.session.scalars(
        select(FmeaRow).join(FmeaDocument, FmeaDocument.id == FmeaRow.document_id)
        .where(FmeaDocument.project_id == pid).order_by(FmeaRow.id)
    )
    actions = db.session.scalars(select(CorrectiveAction).where(CorrectiveAction.project_id == pid).order_by(CorrectiveAction.id))
    checks = db.session.scalars(select(EffectivenessCheck).where(EffectivenessCheck.project_id == pid).order_by(EffectivenessCheck.id))
    return {
        "project": {"id": pid, "title": project.title, "problem_statement": project.problem_statement},
        "charter": _record(charter) if charter else None,
        "causes": [_record(c) for c in causes],
        "fmea_rows": [_record(r) for r in rows],
        "actions": [_record(a) for a in actions],
        "effectiveness": [_record(c) for c in checks],
    }


def canonical_json(content: dict) -> str:
    """Sorted keys, no spaces, UTF-8 text, dates in ISO form: the same records give the same text."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=lambda value: value.isoformat() if hasattr(value, "isoformat") else str(value))


def content_hash(project) -> str:
    """SHA-256 (hex) of the canonical JSON of what a closing signature of ``project`` signs."""
    return hashlib.sha256(canonical_json(signed_content(project)).encode("utf-8")).hexdigest()
