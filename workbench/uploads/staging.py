"""The staging folder: uploads kept under random names, with their owner, until used or abandoned.

Every upload lands here first (``receive``), is checked, then either read by a
task, moved to its capability's folder (``keep``) or removed (``discard``).
Files not used for ``UPLOAD_STAGING_HOURS`` are removed by ``clean_abandoned``,
which runs on each upload, hourly in the worker and as ``flask uploads clean``.
"""

import json
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from workbench.uploads.kinds import Kind, check_content, check_name
from workbench.uploads.limits import setting, size_text
from workbench.validation import InvalidInput

TOKEN = re.compile(r"[0-9a-f]{32}")
SUFFIXES = (".upload", ".json", ".result.json")
CHUNK = 1024 * 1024


@dataclass
class Staged:
    """One staged upload; its files are named by ``token`` alone, never by anything the user sent."""

    token: str
    filename: str
    kind: str
    size: int
    owner_id: int | None = None
    context: dict = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return staging_folder() / f"{self.token}.upload"

    @property
    def meta_path(self) -> Path:
        return staging_folder() / f"{self.token}.json"

    @property
    def result_path(self) -> Path:
        return staging_folder() / f"{self.token}.result.json"


def staging_folder() -> Path:
    """``UPLOAD_STAGING_FOLDER``, by default ``<instance>/staging``."""
    folder = Path(current_app.config.get("UPLOAD_STAGING_FOLDER") or os.path.join(current_app.instance_path, "staging"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def client_filename(storage) -> str:
    """The name the user's file had, without any folder part (it is shown, never used as a path)."""
    return os.path.basename(str(getattr(storage, "filename", "") or "").replace("\\", "/")).strip()[:255]


def receive(storage, kind: Kind, user=None, context: dict | None = None) -> Staged:
    """Stage an uploaded file (a werkzeug ``FileStorage``) after checking its name, size and content.

    Refused files raise ``InvalidInput`` naming the file and the limit, and leave nothing behind.
    """
    filename = client_filename(storage)
    if not filename:
        raise InvalidInput({kind.field: _("Choose a file.")})
    check_name(kind, filename)
    clean_abandoned()
    staged = Staged(secrets.token_hex(16), filename, kind.name, 0, getattr(user, "id", None), dict(context or {}))
    limit = kind.size_limit()
    try:
        with open(staged.path, "xb") as out:
            while chunk := storage.stream.read(CHUNK):
                staged.size += len(chunk)
                if staged.size > limit:
                    raise InvalidInput({kind.field: _("“%(name)s” is larger than the limit of %(limit)s.", name=filename, limit=size_text(limit))})
                out.write(chunk)
        if staged.size == 0:
            raise InvalidInput({kind.field: _("“%(name)s” is empty.", name=filename)})
        check_content(kind, str(staged.path), filename)
        staged.meta_path.write_text(json.dumps({"filename": filename, "kind": kind.name, "size": staged.size, "owner_id": staged.owner_id, "context": staged.context}))
    except BaseException:
        discard(staged)
        raise
    return staged


def find(token: str, owner_id: int | None = None, any_owner: bool = False) -> Staged | None:
    """The staged upload ``token`` of ``owner_id`` (``None`` when unknown, gone or someone else's); marks it used."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    folder = staging_folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
    except (OSError, ValueError):
        return None
    if not (folder / f"{token}.upload").is_file() or (not any_owner and meta.get("owner_id") != owner_id):
        return None
    staged = Staged(token, meta["filename"], meta["kind"], meta["size"], meta.get("owner_id"), meta.get("context") or {})
    for path in (staged.path, staged.meta_path, staged.result_path):
        if path.exists():
            os.utime(path)  # in use: not abandoned
    return staged


def find_path(path: str) -> Staged | None:
    """The staged upload stored at ``path`` (a path we built, e.g. kept on an import job)."""
    path = Path(path)
    if path.resolve().parent != staging_folder().resolve() or not path.name.endswith(".upload"):
        return None
    return find(path.name.removesuffix(".upload"), any_owner=True)


def discard(staged: Staged) -> None:
    """Remove a staged upload and everything kept with it."""
    for path in (staged.path, staged.meta_path, staged.result_path):
        path.unlink(missing_ok=True)


def keep(staged: Staged, folder: Path, name: str) -> Path:
    """Move a staged upload to its capability's ``folder`` as ``name`` (a name we chose) and forget it here."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.move(str(staged.path), target)
    discard(staged)
    return target


def save_result(staged: Staged, result: dict) -> None:
    """Keep what a task read from the upload, beside it."""
    temporary = staged.result_path.with_suffix(".tmp")
    temporary.write_text(json.dumps(result, ensure_ascii=False))
    os.replace(temporary, staged.result_path)


def load_result(staged: Staged) -> dict | None:
    """What a task read from the upload, or ``None`` while it is still queued."""
    try:
        return json.loads(staged.result_path.read_text())
    except FileNotFoundError:
        return None


def clean_abandoned(hours: float | None = None) -> int:
    """Remove staged files not used for ``hours`` (``UPLOAD_STAGING_HOURS``); returns how many files went."""
    hours = float(setting("UPLOAD_STAGING_HOURS") if hours is None else hours)
    cutoff = time.time() - hours * 3600
    removed = 0
    for entry in os.scandir(staging_folder()):
        if not entry.is_file() or not TOKEN.fullmatch(entry.name.split(".", 1)[0]):
            continue
        try:
            if entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:  # another process cleaned it first
            continue
    return removed
