"""Background work of the complaint import on the core task queue (``workbench.queue``)."""

from workbench.complaint_import import jobs, selftrain
from workbench.complaint_import.retraining import apply_run, run_preview
from workbench.complaint_import.suggestions import suggest
from workbench.complaint_import.themes import mark_queued, rebuild
from workbench.extensions import db
from workbench.queue import huey, init_app  # noqa: F401  (the queue lives in the core)
from workbench.queue import task_app as _app


@huey.task()
def check_job(job_id: int) -> None:
    """Read and check the whole file; store the preview, counts and row errors."""
    with _app().app_context():
        jobs.run_job(job_id, commit=False)


@huey.task()
def commit_job(job_id: int) -> None:
    """Import the good rows of a checked file in one transaction."""
    with _app().app_context():
        jobs.run_job(job_id, commit=True)
    self_train(job_id)  # a gap model from the rules' confident labels, for what they left Unclassified
    suggest_rules()  # phrases that mark each category in the data just imported
    with _app().app_context():
        mark_queued()
    build_themes()  # themes over every complaint, the new ones included


@huey.task()
def self_train(job_id: int | None = None) -> None:
    """Rule-seeded self-training after import ``job_id``: its complaints and a sample of the older ones (see ``selftrain``)."""
    with _app().app_context():
        selftrain.after_import(job_id)
        db.session.commit()


@huey.task()
def suggest_rules() -> None:
    """Propose phrases for category rules from the organisation's own complaints."""
    with _app().app_context():
        suggest()
        db.session.commit()


@huey.task()
def retrain_classifier(run_id: int) -> None:
    """Train on confirmed labels and preview what would move (nothing is relabelled yet)."""
    with _app().app_context():
        run_preview(run_id)


@huey.task()
def apply_classifier_run(run_id: int) -> None:
    """Put a previewed run's models in use and relabel unconfirmed complaints."""
    with _app().app_context():
        apply_run(run_id)


@huey.task()
def build_themes() -> None:
    """Rebuild the recurring themes over every complaint (after every import)."""
    with _app().app_context():
        rebuild()
        db.session.commit()
