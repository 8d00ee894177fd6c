"""Pages: upload, preview and confirm an import; progress and cancel."""

from datetime import date

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from workbench import uploads
from workbench.access import role_required
from workbench.complaint_import import bp, jobs, tasks
from workbench.complaint_import.forms import UploadForm
from workbench.complaint_import.labels import channel_label, name_maps
from workbench.complaint_import.mapping import FIELD_LABELS, FIELDS
from workbench.complaint_import.models import ImportJob
from workbench.complaint_import.surveys import SurveyOptions, import_surveys
from workbench.extensions import db
from workbench.formtools import choices, commit_or_report, form_status
from workbench.roles import MANAGERS
from workbench.validation import InvalidInput


def _job(job_id: int) -> ImportJob:
    return db.get_or_404(ImportJob, job_id)


@bp.route("/complaints/imports", methods=["GET", "POST"])
@role_required(*MANAGERS)
def imports():
    form = UploadForm()
    form.preset.choices = choices([("", "—")] + [(str(p.id), f"{p.source.name} · {p.name}") for p in jobs.presets()])
    saved = None
    if form.validate_on_submit():
        with commit_or_report(form, fallback="file") as saved:
            job = jobs.create_job(form.file.data, form.source.data, current_user, int(form.preset.data) if form.preset.data else None)
        if saved:
            tasks.check_job(job.id)
            flash(_("File received; checking it."), "info")
            return redirect(url_for("complaints.import_job", job_id=job.id))
    return render_template("complaint_import/imports.html", form=form, jobs=jobs.recent_jobs(), presets=jobs.presets(), limit_mb=_limit_mb()), form_status(saved)


def _limit_mb() -> int:
    return uploads.TABLE.size_limit() // (1024 * 1024)


@bp.route("/complaints/imports/<int:job_id>")
@role_required(*MANAGERS)
def import_job(job_id: int):
    job = _job(job_id)
    detected = job.detected or {}
    layout = detected.get("layout") or {}
    return render_template(
        "complaint_import/job.html",
        job=job,
        figures=jobs.progress_figures(job),
        layout=layout,
        headers=layout.get("headers") or [],
        mapping=detected.get("mapping") or job.mapping or {},
        fields=FIELDS,
        field_labels=FIELD_LABELS,
        errors=(job.errors or [])[:50],
        preview=[{**row, "received_on": date.fromisoformat(row["received_at"])} for row in job.preview or []],
        names=name_maps(),
        channel_label=channel_label,
    )


@bp.route("/complaints/imports/<int:job_id>/progress")
@login_required
def import_progress(job_id: int):
    if current_user.role not in MANAGERS:
        abort(403)
    return jsonify(jobs.progress_figures(_job(job_id)))


@bp.route("/complaints/imports/<int:job_id>/errors.csv")
@role_required(*MANAGERS)
def import_errors(job_id: int):
    job = _job(job_id)
    return Response(
        jobs.errors_csv(job),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=import-{job.id}-bad-rows.csv"},
    )


@bp.post("/complaints/imports/<int:job_id>/recheck")
@role_required(*MANAGERS)
def import_recheck(job_id: int):
    job = _job(job_id)
    if job.status not in ("previewed", "failed"):
        abort(409)
    mapping = {field: request.form.get(f"map_{field}", "") for field in FIELDS}
    layout = {
        "encoding": request.form.get("encoding") or None,
        "delimiter": {"tab": "\t"}.get(request.form.get("delimiter", ""), request.form.get("delimiter") or None),
        "header_row": _int_or_none(request.form.get("header_row"), -1),
        "extra_header_rows": _int_or_none(request.form.get("extra_header_rows"), 0),
    }
    jobs.reconfigure(job, mapping, layout, request.form.get("date_order") or None)
    db.session.commit()
    tasks.check_job(job.id)
    return redirect(url_for("complaints.import_job", job_id=job.id))


def _int_or_none(value, shift: int):
    return int(value) + shift if value and value.strip().isdigit() else None


@bp.post("/complaints/imports/<int:job_id>/confirm")
@role_required(*MANAGERS)
def import_confirm(job_id: int):
    job = _job(job_id)
    if job.status != "previewed":
        abort(409)
    if request.form.get("save_preset"):
        try:
            jobs.save_preset(job, request.form.get("preset_name", ""))
        except InvalidInput as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("complaints.import_job", job_id=job.id))
    job.status, job.phase = "queued", "importing"
    db.session.commit()
    tasks.commit_job(job.id)
    return redirect(url_for("complaints.import_job", job_id=job.id))


@bp.post("/complaints/imports/<int:job_id>/cancel")
@role_required(*MANAGERS)
def import_cancel(job_id: int):
    job = _job(job_id)
    jobs.request_cancel(job)
    db.session.commit()
    flash(_("Cancelled; nothing was imported.") if job.status == "cancelled" else _("Cancel requested; the import stops at the next chunk and stores nothing."), "info")
    return redirect(url_for("complaints.import_job", job_id=job.id))


@bp.route("/complaints/imports/survey", methods=["POST"])
@role_required(*MANAGERS)
def survey_upload():
    """Survey exports are small: checked and imported in the request; any bad row stops the import unless skipped."""
    storage = request.files.get("file")
    source = (request.form.get("source") or "").strip()
    back = url_for("complaints.survey_page") if request.form.get("next") == "surveys" else url_for("complaints.imports")
    if storage is None or not storage.filename:
        flash(_("Choose a file."), "error")
        return redirect(url_for("complaints.imports"))
    try:
        staged = uploads.receive(storage, uploads.TABLE, current_user)
    except InvalidInput as error:
        flash(str(error), "error")
        return redirect(back)
    mapping = {k: request.form.get(k, "").strip() for k in ("csat", "nps", "ces", "text") if request.form.get(k, "").strip()}
    options = SurveyOptions(source=source, mapping=mapping, skip_bad_rows=bool(request.form.get("skip_bad_rows")))
    try:
        outcome = import_surveys(str(staged.path), staged.filename, options)
        if outcome.committed:
            db.session.commit()
            flash(ngettext("%(num)d survey response imported, %(unchanged)d unchanged, %(bad)d rejected; complaints from unhappy respondents: %(complaints)d.",
                           "%(num)d survey responses imported, %(unchanged)d unchanged, %(bad)d rejected; complaints from unhappy respondents: %(complaints)d.",
                           outcome.new, unchanged=outcome.unchanged, bad=outcome.bad, complaints=outcome.complaints), "info")
        else:
            db.session.rollback()
            flash(ngettext("%(num)d bad row: nothing was imported.", "%(num)d bad rows: nothing was imported.", outcome.bad), "error")
            for error in outcome.errors[:20]:
                flash(uploads.short(error, 300), "error")
    except InvalidInput as error:
        db.session.rollback()
        flash(uploads.short(error), "error")
    finally:
        uploads.discard(staged)
    return redirect(back)
