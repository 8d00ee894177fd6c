"""Complaint and survey import, classification, themes and Pareto analysis."""

from flask import Blueprint

bp = Blueprint("complaints", __name__)


@bp.record_once
def _setup(state) -> None:
    from workbench.complaint_import import tasks
    from workbench.complaint_import.labels import PHASE_LABELS, SOURCE_LABELS, STATUS_LABELS, TARGET_LABELS

    tasks.init_app(state.app)
    state.app.jinja_env.globals.update(
        job_status=lambda s: str(STATUS_LABELS.get(s, s)),
        job_phase=lambda s: str(PHASE_LABELS.get(s, s)),
        target_label=lambda s: str(TARGET_LABELS.get(s, s)),
        label_source=lambda s: str(SOURCE_LABELS.get(s, s or "")),
    )


from workbench.complaint_import import (  # noqa: E402
    hooks,
    models,  # noqa: F401
    routes,  # noqa: F401
    routes_analysis,  # noqa: F401
    routes_imports,  # noqa: F401
    routes_rules,  # noqa: F401
    routes_surveys,  # noqa: F401
)

hooks.register()
