"""Notes and evidence on a cause (text, link, attached file, linked complaint) and root-cause verification."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlparse

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from workbench import uploads
from workbench.complaint_import.models import Complaint
from workbench.extensions import db
from workbench.fishbone.frozen import ensure_cause_editable
from workbench.fishbone.models import EVIDENCE_KINDS, FishboneCause, FishboneEvidence
from workbench.fishbone.services import touch
from workbench.models import utcnow
from workbench.persistence import check_version
from workbench.validation import InvalidInput


def upload_folder() -> Path:
    """Where attached files live: ``<instance>/fishbone_uploads`` (never under static)."""
    folder = Path(current_app.config.get("FISHBONE_UPLOAD_FOLDER") or os.path.join(current_app.instance_path, "fishbone_uploads"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def add_evidence(cause: FishboneCause, user, data: dict, upload=None) -> FishboneEvidence:
    """Attach one piece of evidence; ``upload`` is a werkzeug FileStorage for kind ``file``."""
    ensure_cause_editable(cause.id)
    kind = data.get("kind") or ("file" if upload is not None else "text")
    if kind not in EVIDENCE_KINDS:
        raise InvalidInput({"kind": _("kind must be one of %(kinds)s.", kinds=", ".join(EVIDENCE_KINDS))})
    text = str(data.get("text") or "").strip()
    if len(text) > 5000:
        raise InvalidInput({"text": _("text is longer than %(n)d characters.", n=5000)})
    item = FishboneEvidence(cause_id=cause.id, kind=kind, text=text, created_by_id=user.id if user else None)
    if kind == "text" and not text:
        raise InvalidInput({"text": _("Write the evidence.")})
    if kind == "link":
        url = str(data.get("url") or "").strip()
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or len(url) > 1000:
            raise InvalidInput({"url": _("A link must be a full http:// or https:// address.")})
        item.url = url
    if kind == "complaint":
        try:
            item.complaint_id = int(str(data.get("complaint_id")).strip().lstrip("#"))
        except (TypeError, ValueError):
            raise InvalidInput({"complaint_id": _("complaint_id must be a complaint number.")}) from None
    if kind == "file":
        _store(item, upload)
    db.session.add(item)
    db.session.flush()
    touch(cause.diagram_id)
    return item


def _store(item: FishboneEvidence, upload) -> None:
    if upload is None or not getattr(upload, "filename", ""):
        raise InvalidInput({"file": _("Choose a file to attach.")})
    staged = uploads.receive(upload, uploads.EVIDENCE)
    stored = secrets.token_hex(16)
    item.file_name, item.file_size = staged.filename, staged.size
    uploads.keep(staged, upload_folder(), stored)
    item.stored_name = stored


def file_path(item: FishboneEvidence) -> Path:
    """The stored file of an evidence item (names are random hex, never user text)."""
    return upload_folder() / item.stored_name


def remove_files(cause_ids: set[int]) -> None:
    """Delete the stored files of the causes' evidence (the rows go with the causes)."""
    if not cause_ids:
        return
    names = db.session.scalars(
        select(FishboneEvidence.stored_name).where(FishboneEvidence.cause_id.in_(cause_ids), FishboneEvidence.stored_name.is_not(None))
    )
    for name in names:
        (upload_folder() / name).unlink(missing_ok=True)


def delete_evidence(item: FishboneEvidence) -> None:
    """Remove one piece of evidence (and its file); a verified cause it verified falls back to suspected."""
    ensure_cause_editable(item.cause_id)
    cause = db.session.get(FishboneCause, item.cause_id)
    if item.stored_name:
        file_path(item).unlink(missing_ok=True)
    if item.verifies and cause.status == "verified" and not [e for e in cause.evidence if e.verifies and e is not item]:
        cause.status, cause.verified_at, cause.verified_by_id = "suspected", None, None
    db.session.delete(item)
    db.session.flush()
    touch(cause.diagram_id)


def verify(cause: FishboneCause, user, data: dict) -> FishboneCause:
    """Mark a cause a verified root cause with the evidence that verified it (an existing item or new text)."""
    check_version(cause, data)
    evidence_id = data.get("evidence_id")
    if evidence_id not in (None, ""):
        item = next((e for e in cause.evidence if str(e.id) == str(evidence_id)), None)
        if item is None:
            raise InvalidInput({"evidence_id": _("No evidence %(id)s on this cause.", id=evidence_id)})
    elif str(data.get("evidence") or "").strip() or data.get("url"):
        payload = {"kind": "link" if data.get("url") else "text", "text": data.get("evidence"), "url": data.get("url")}
        item = add_evidence(cause, user, payload)
    else:
        raise InvalidInput({"evidence": _("Say which evidence verified this root cause.")})
    item.verifies = True
    cause.status = "verified"
    cause.verified_at = utcnow()
    cause.verified_by_id = user.id if user else None
    db.session.flush()
    touch(cause.diagram_id)
    return cause


def complaint_label(complaint_id: int | None) -> str | None:
    """A linked complaint as people know it: its number and the start of its text (None when gone)."""
    if not complaint_id:
        return None
    found = db.session.execute(select(Complaint.external_id, Complaint.text).where(Complaint.id == complaint_id)).first()
    return f"{found.external_id} · {' '.join(found.text.split())[:80]}" if found else None
