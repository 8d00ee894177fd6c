"""Pages: retrain the classifier in the background, see what would move, apply or discard."""

from flask import flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workbench.access import role_required
from workbench.complaint_import import bp, learning, retraining, tasks
from workbench.complaint_import.labels import name_maps
from workbench.complaint_import.models import ClassifierRun
from workbench.extensions import db
from workbench.formtools import commit_or_report
from workbench.roles import MANAGERS


@bp.post("/complaints/classifier/retrain")
@role_required(*MANAGERS)
def retrain():
    with commit_or_report() as saved:
        run = retraining.start_run(current_user)
    if not saved:
        return redirect(url_for("complaints.rules"))
    tasks.retrain_classifier(run.id)
    flash(_("Retraining started in the background. Nothing is relabelled until you apply its preview."), "info")
    return redirect(url_for("complaints.classifier_run", run_id=run.id))


@bp.get("/complaints/classifier/runs/<int:run_id>")
@login_required
def classifier_run(run_id: int):
    run = db.get_or_404(ClassifierRun, run_id)
    matrices = {t: retraining.move_matrix(m) for t, m in ((run.report or {}).get("moves") or {}).items()}
    return render_template(
        "complaint_import/retraining.html", run=run, matrices=matrices, names=name_maps(), manager=current_user.role in MANAGERS,
        limits={"labels": learning.MIN_LABELS, "per_class": learning.MIN_CLASS_LABELS},
    )


@bp.get("/complaints/classifier/runs/<int:run_id>/progress")
@login_required
def classifier_run_progress(run_id: int):
    run = db.get_or_404(ClassifierRun, run_id)
    return jsonify(status=run.status, phase=run.phase, done=run.done, total=run.total,
                   percent=round(100 * run.done / run.total) if run.total else None)


@bp.post("/complaints/classifier/runs/<int:run_id>/apply")
@role_required(*MANAGERS)
def classifier_run_apply(run_id: int):
    run = db.get_or_404(ClassifierRun, run_id)
    with commit_or_report() as saved:
        retraining.set_applying(run)
    if not saved:
        return redirect(url_for("complaints.classifier_run", run_id=run_id))
    tasks.apply_classifier_run(run_id)
    flash(_("Applying the retraining: unconfirmed complaints are being relabelled; confirmed labels stay as they are."), "info")
    return redirect(url_for("complaints.classifier_run", run_id=run_id))


@bp.post("/complaints/classifier/runs/<int:run_id>/discard")
@role_required(*MANAGERS)
def classifier_run_discard(run_id: int):
    run = db.get_or_404(ClassifierRun, run_id)
    with commit_or_report() as saved:
        retraining.discard_run(run)
    if saved:
        flash(_("Retraining discarded; the classifier in use and every label stay as they were."), "info")
    return redirect(url_for("complaints.classifier_run", run_id=run_id))
