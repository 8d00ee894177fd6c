"""Import jobs: uploaded files checked and imported in the background, with progress kept in the database."""

import csv
import io
import os
from datetime import datetime

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from workbench.audit import acting_as
from workbench.complaint_import import reading
from workbench.complaint_import.defaults import ensure_defaults
from workbench.complaint_import.importer import ImportCancelled, ImportOptions, run_import
from workbench.complaint_import.models import ComplaintSource, ImportJob, ImportPreset
from workbench.extensions import db
from workbench.models import User, utcnow
from workbench.spreadsheets import neutralised
from workbench.uploads import TABLE, discard, find_path, receive, setting, short
from workbench.validation import InvalidInput


def create_job(storage, source: str, user: User, preset_id: int | None = None, kind: str = "complaints") -> ImportJob:
    """Stage the uploaded file (checked by the upload pipeline) and queue its check."""
    source = (source or "").strip()
    if not source:
        raise InvalidInput({"source": _("Name the source of the file (e.g. crm, call-centre).")})
    if len(source) > 80:
        raise InvalidInput({"source": _("The source name is longer than 80 characters.")})
    preset = db.session.get(ImportPreset, preset_id) if preset_id else None
    if preset_id and preset is None:
        raise InvalidInput({"preset": _("Unknown preset.")})
    staged = receive(storage, TABLE, user)
    job = ImportJob(kind=kind, source_name=source, filename=staged.filename, stored_path=str(staged.path), size_bytes=staged.size, status="queued", phase="checking", created_by_id=user.id)
    if preset:
        job.mapping = dict(preset.mapping or {})
        job.options = dict(preset.options or {})
    # Row errors and messages are written by the worker (no page, no language): in the uploader's.
    job.options = {**(job.options or {}), "locale": str(get_locale())}
    db.session.add(job)
    db.session.flush()
    return job


def _write(job_id: int, **values) -> None:
    """Progress goes through its own connection, so other processes see it while the import runs."""
    with db.engine.begin() as connection:
        connection.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))


def _cancel_requested(job_id: int) -> bool:
    with db.engine.connect() as connection:
        return bool(connection.scalar(select(ImportJob.cancel_requested).where(ImportJob.id == job_id)))


def run_job(job_id: int, commit: bool) -> None:
    """Check (``commit=False``) or import a job's file; never raises for bad input, records it on the job.

    Reasons and messages are stored as text, in the language of the page the file was uploaded from."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.status == "cancelled":
        return
    user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    locale = (job.options or {}).get("locale") or (user.locale if user else None) or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        _run_job(job_id, job, commit)


def _run_job(job_id: int, job: ImportJob, commit: bool) -> None:
    if find_path(job.stored_path) is None and not os.path.isfile(job.stored_path):
        _write(job_id, status="failed", phase=None, finished_at=utcnow(), message=_("“%(name)s” is no longer kept (uploads unused for %(hours)s hours are removed); upload it again.", name=job.filename, hours=setting("UPLOAD_STAGING_HOURS")))
        return
    ensure_defaults()
    db.session.commit()  # nothing of ours may hold a write lock while progress is written
    sqlite = db.engine.dialect.name == "sqlite"
    started = utcnow()
    _write(job_id, status="running", phase="importing" if commit else "checking", started_at=started, rows_done=0, bytes_done=0, message=None)

    def progress(rows: int, bytes_done: int, phase: str) -> None:
        if phase == "writing":
            if not sqlite:  # SQLite has one writer: our own transaction holds it until the commit
                _write(job_id, rows_done=rows, phase="writing")
            return
        _write(job_id, rows_done=rows, bytes_done=bytes_done)

    options = ImportOptions(
        source=job.source_name,
        mapping=dict(job.mapping or {}),
        layout=dict((job.options or {}).get("layout") or {}),
        date_order=(job.options or {}).get("date_order"),
        skip_bad_rows=commit,
        dry_run=not commit,
        job_id=job_id if commit else None,
        spool=sqlite,
    )
    if sqlite and commit:
        _write(job_id, phase="importing")
    user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    try:
        with acting_as(user.email if user else "import", user.id if user else None):
            outcome = run_import(job.stored_path, job.filename, options, progress, lambda: _cancel_requested(job_id))
            values = {
                "status": "done" if commit else "previewed",
                "phase": None,
                "detected": {"layout": outcome.layout, "date_order": outcome.date_order, "mapping": outcome.mapping},
                "preview": outcome.preview,
                "errors": kept_errors(outcome.errors),
                "good_rows": outcome.good,
                "bad_rows": outcome.bad,
                "new_rows": outcome.new,
                "updated_rows": outcome.updated,
                "unchanged_rows": outcome.unchanged,
                "rejected_rows": outcome.rejected,
                "rows_done": outcome.good + outcome.bad,
                "bytes_done": job.size_bytes,
                "finished_at": utcnow() if commit else None,
            }
            job = db.session.get(ImportJob, job_id)
            for key, value in values.items():
                setattr(job, key, value)
            db.session.commit()  # the complaints and the job's outcome land together
    except ImportCancelled:
        db.session.rollback()
        _write(job_id, status="cancelled", phase=None, finished_at=utcnow(), message=_("Cancelled; nothing was imported."))
    except InvalidInput as error:
        db.session.rollback()
        detected = {"problems": {k: short(v) for k, v in error.errors.items()}, "mapping": dict(job.mapping or {})}
        try:  # the columns, so the user can fix the mapping on the page
            detected["layout"] = reading.detect_layout(job.stored_path, job.filename, options.layout).as_dict()
        except InvalidInput:
            pass
        _write(job_id, status="failed", phase=None, finished_at=utcnow(), message=short(error), detected=detected)
    except Exception as error:  # recorded on the job so the page can say what happened
        db.session.rollback()
        current_app.logger.exception("import job %s failed", job_id)
        _write(job_id, status="failed", phase=None, finished_at=utcnow(), message=_("The import failed and nothing was stored: %(error)s", error=str(error)[:300]))
    if commit:
        _discard_file(job_id)


def kept_errors(errors: list) -> list[dict]:
    """The first ``IMPORT_KEPT_ERRORS`` row errors, values and reasons cut short (the total is the job's ``bad_rows``)."""
    kept = []
    for error in errors[: int(setting("IMPORT_KEPT_ERRORS"))]:
        item = error.as_dict()
        item["column"], item["value"], item["reason"] = short(item["column"], 200), short(item["value"], 200), short(item["reason"])
        kept.append(item)
    return kept


def _discard_file(job_id: int) -> None:
    job = db.session.get(ImportJob, job_id)
    db.session.refresh(job)
    if job.status in ("done", "cancelled") and job.stored_path:
        _remove_upload(job.stored_path)


def _remove_upload(path: str) -> None:
    staged = find_path(path)
    if staged is not None:
        discard(staged)
    elif os.path.exists(path):  # a file kept before uploads were staged
        os.unlink(path)


def progress_figures(job: ImportJob) -> dict:
    """Percent done, rows per second and seconds left, from what the worker wrote."""
    elapsed = None
    if job.started_at:
        started = job.started_at if job.started_at.tzinfo else job.started_at.replace(tzinfo=utcnow().tzinfo)
        end = job.finished_at or utcnow()
        end = end if end.tzinfo else end.replace(tzinfo=started.tzinfo)
        elapsed = max((end - started).total_seconds(), 0.001)
    is_xlsx = job.filename.lower().endswith(".xlsx")
    percent = None
    if job.status in ("done", "previewed"):
        percent = 100.0
    elif job.size_bytes and job.bytes_done and not is_xlsx:
        percent = round(min(100.0, 100.0 * job.bytes_done / job.size_bytes), 1)
    rate = round(job.rows_done / elapsed, 1) if elapsed and job.rows_done else None
    left = None
    if percent and percent < 100 and elapsed:
        left = round(elapsed * (100 - percent) / percent, 1)
    return {
        "id": job.id,
        "status": job.status,
        "phase": job.phase,
        "rows_done": job.rows_done,
        "percent": percent,
        "rows_per_second": rate,
        "seconds_left": left,
        "message": job.message,
    }


def request_cancel(job: ImportJob) -> None:
    if job.status in ("queued", "running"):
        _write(job.id, cancel_requested=True)
    elif job.status in ("previewed", "failed"):
        job.status = "cancelled"
        job.finished_at = utcnow()
        _remove_upload(job.stored_path)


def reconfigure(job: ImportJob, mapping: dict, layout: dict, date_order: str | None) -> None:
    """The user's corrections to columns and reading options; the file is checked again."""
    job.mapping = dict(mapping)  # an empty value un-maps a guessed column
    job.options = {"layout": {k: v for k, v in layout.items() if v not in (None, "")}, "date_order": date_order or None,
                   "locale": (job.options or {}).get("locale") or str(get_locale())}
    job.status, job.phase, job.cancel_requested = "queued", "checking", False


def save_preset(job: ImportJob, name: str) -> ImportPreset:
    """Keep the job's confirmed mapping and options as a named preset of its source."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput({"preset_name": _("Name the preset.")})
    source = db.session.scalar(select(ComplaintSource).where(ComplaintSource.name == job.source_name))
    if source is None:
        source = ComplaintSource(name=job.source_name, kind=job.kind)
        db.session.add(source)
        db.session.flush()
    preset = db.session.scalar(select(ImportPreset).where(ImportPreset.source_id == source.id, ImportPreset.name == name))
    if preset is None:
        preset = ImportPreset(source_id=source.id, name=name)
        db.session.add(preset)
    detected = job.detected or {}
    preset.mapping = dict(detected.get("mapping") or job.mapping or {})
    layout = dict(detected.get("layout") or {})
    layout.pop("headers", None)
    layout.pop("kind", None)
    preset.options = {"layout": layout, "date_order": detected.get("date_order")}
    db.session.flush()
    return preset


def errors_csv(job: ImportJob) -> str:
    """The bad rows as CSV (row, column, value, reason), cells escaped against formula injection."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "column", "value", "reason"])
    for error in job.errors or []:
        writer.writerow([error["row"], neutralised(error["column"]), neutralised(error["value"]), neutralised(error["reason"])])
    return "\ufeff" + out.getvalue()


def recent_jobs(limit: int = 20) -> list[ImportJob]:
    return list(db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)))


def presets() -> list[ImportPreset]:
    return list(db.session.scalars(select(ImportPreset).join(ComplaintSource).order_by(ComplaintSource.name, ImportPreset.name)))


def stamp() -> datetime:
    return utcnow()
