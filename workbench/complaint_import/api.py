"""API: complaints, labels, Pareto, trends and the classifier."""

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from workbench import dates
from workbench.api import openapi
from workbench.api.common import paginate
from workbench.api.routes import ApiRoutes
from workbench.api.schemas import checked_body, page_of, with_values
from workbench.complaint_import import analysis, learning, retraining, services, survey_scores, tasks
from workbench.complaint_import.models import ClassifierRun, Complaint
from workbench.complaint_import.schemas import (
    BulkLabelSchema,
    ClassifierRunSchema,
    ClassifierSchema,
    ComplaintSchema,
    DriversSchema,
    LabelChangeSchema,
    ParetoBarSchema,
    SurveyScoreSchema,
    TrendSchema,
    UpdatedSchema,
)
from workbench.extensions import db
from workbench.persistence import check_version
from workbench.validation import InvalidInput

bp = ApiRoutes("complaints_api", __name__)


bp.schema("Complaint", ComplaintSchema)
bp.schema("ClassifierRun", ClassifierRunSchema)


def complaint_json(complaint: Complaint, keys: dict[int, str]) -> dict:
    """A complaint with its owner's key (``keys``: owner id → key, read once per answer)."""
    return ComplaintSchema().dump(with_values(complaint, process_owner=keys.get(complaint.process_owner_id)))


@bp.get("/complaints")
def list_complaints():
    keys = services.owner_keys()
    return paginate(services.complaint_list(request.args), lambda c: complaint_json(c, keys))


@bp.get("/complaints/<int:complaint_id>")
def get_complaint(complaint_id: int):
    return jsonify(complaint_json(db.get_or_404(Complaint, complaint_id), services.owner_keys()))


@bp.patch("/complaints/<int:complaint_id>")
def label_complaint(complaint_id: int):
    if not services.can_label(current_user):
        abort(403)
    complaint = db.get_or_404(Complaint, complaint_id)
    data = checked_body(LabelChangeSchema)
    check_version(complaint, data, required=True)
    services.set_labels([complaint], data.get("process_owner"), data.get("category"), current_user)
    db.session.commit()
    return jsonify(complaint_json(complaint, services.owner_keys()))


@bp.post("/complaints/labels")
def bulk_label():
    if not services.can_label(current_user):
        abort(403)
    data = checked_body(BulkLabelSchema)
    complaints = services.complaints_by_ids(data.get("ids") or [])
    count = services.set_labels(complaints, data.get("process_owner"), data.get("category"), current_user)
    db.session.commit()
    return jsonify(UpdatedSchema().dump({"updated": count}))


@bp.get("/complaints/pareto")
def pareto():
    start = dates.field_date(request.args.get("from"), "from")
    end = dates.field_date(request.args.get("to"), "to")
    return jsonify(ParetoBarSchema(many=True).dump(analysis.pareto(request.args.get("by", "process_owner"), start, end)))


@bp.get("/complaints/trend")
def trend():
    start = dates.field_date(request.args.get("from"), "from")
    end = dates.field_date(request.args.get("to"), "to")
    return jsonify(TrendSchema().dump(analysis.monthly(request.args.get("by", "process_owner"), start, end)))


@bp.get("/classifier")
def classifier_status():
    return jsonify(ClassifierSchema().dump(learning.latest_models()))


_run_json = ClassifierRunSchema().dump


@bp.post("/classifier/retrain")
def retrain():
    if not services.can_manage(current_user):
        abort(403)
    run = retraining.start_run(current_user)
    db.session.commit()
    tasks.retrain_classifier(run.id)
    db.session.expire_all()
    return jsonify(_run_json(db.session.get(type(run), run.id))), 202


@bp.get("/classifier/runs/<int:run_id>")
def classifier_run_api(run_id: int):
    return jsonify(_run_json(db.get_or_404(ClassifierRun, run_id)))


@bp.post("/classifier/runs/<int:run_id>/apply")
def classifier_run_apply_api(run_id: int):
    if not services.can_manage(current_user):
        abort(403)
    run = db.get_or_404(ClassifierRun, run_id)
    retraining.set_applying(run)
    db.session.commit()
    tasks.apply_classifier_run(run_id)
    db.session.expire_all()
    return jsonify(_run_json(db.session.get(ClassifierRun, run_id))), 202


@bp.post("/classifier/runs/<int:run_id>/discard")
def classifier_run_discard_api(run_id: int):
    if not services.can_manage(current_user):
        abort(403)
    run = db.get_or_404(ClassifierRun, run_id)
    retraining.discard_run(run)
    db.session.commit()
    return jsonify(_run_json(run))


_PERIOD = [
    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
]
_BY = {"name": "by", "in": "query", "schema": {"type": "string", "enum": list(analysis.DIMENSIONS)}}
_ID = [{"name": "complaint_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
bp.path(
    "/complaints",
    get={
        "summary": "List complaints (every signed-in user)",
        "parameters": [
            {"name": name, "in": "query", "schema": {"type": "string"}} for name in ("source", "owner", "category", "theme", "product", "channel", "reason", "q")
        ] + _PERIOD + openapi.PAGING,
        "responses": {"200": openapi.ok("Complaints", page_of(ComplaintSchema)), **openapi.ERRORS},
    },
)
bp.path(
    "/complaints/{complaint_id}",
    get={"summary": "One complaint", "parameters": _ID, "responses": {"200": openapi.ok("Complaint", ComplaintSchema), **openapi.ERRORS}},
    patch={
        "summary": "Record a confirmed label (members, quality managers, admins)",
        "parameters": _ID,
        "requestBody": openapi.body(LabelChangeSchema),
        "responses": {"200": openapi.ok("Complaint", ComplaintSchema), **openapi.CONFLICT, **openapi.ERRORS},
    },
)
bp.path(
    "/complaints/labels",
    post={
        "summary": "Relabel many complaints at once",
        "requestBody": openapi.body(BulkLabelSchema),
        "responses": {"200": openapi.ok("Number updated", UpdatedSchema), **openapi.ERRORS},
    },
)
bp.path(
    "/complaints/pareto",
    get={
        "summary": "Pareto of complaints by a dimension for a period (SQL GROUP BY)",
        "parameters": [_BY] + _PERIOD,
        "responses": {"200": openapi.ok("Bars, most first", ParetoBarSchema(many=True)), **openapi.ERRORS},
    },
)
bp.path(
    "/complaints/trend",
    get={"summary": "Monthly counts of the top keys of a dimension", "parameters": [_BY] + _PERIOD, "responses": {"200": openapi.ok("months and series", TrendSchema), **openapi.ERRORS}},
)
bp.path("/classifier", get={"summary": "Latest model per target with model and rules held-out accuracy", "responses": {"200": openapi.ok("Accuracies", ClassifierSchema)}})
bp.path(
    "/classifier/retrain",
    post={"summary": "Start a retraining in the background (quality managers, admins); nothing is relabelled until its preview is applied",
          "responses": {"202": openapi.ok("The run: status, progress and, once previewed, held-out figures and moves", ClassifierRunSchema), **openapi.ERRORS}},
)
bp.path("/classifier/runs/{run_id}", get={"summary": "A retraining run: status, progress, held-out accuracy against the rules, moves from label to label",
                                          "responses": {"200": openapi.ok("The run", ClassifierRunSchema), **openapi.ERRORS}})
bp.path("/classifier/runs/{run_id}/apply", post={"summary": "Apply a previewed run: its models go into use and unconfirmed complaints are relabelled",
                                                 "responses": {"202": openapi.ok("The run", ClassifierRunSchema), **openapi.ERRORS}})
bp.path("/classifier/runs/{run_id}/discard", post={"summary": "Discard a previewed run; nothing changes",
                                                   "responses": {"200": openapi.ok("The run", ClassifierRunSchema), **openapi.ERRORS}})


@bp.get("/surveys/scores")
def survey_scores_api():
    group = request.args.get("group", "month")
    if group not in survey_scores.GROUPS:
        raise InvalidInput({"group": _("group must be one of %(groups)s.", groups=", ".join(survey_scores.GROUPS))})
    start = dates.field_date(request.args.get("from"), "from")
    end = dates.field_date(request.args.get("to"), "to")
    return jsonify(SurveyScoreSchema(many=True).dump(survey_scores.scores(group, start, end)))


@bp.get("/surveys/drivers")
def survey_drivers_api():
    outcome = "nps" if request.args.get("outcome") == "nps" else "csat"
    return jsonify(DriversSchema().dump(survey_scores.key_drivers(outcome)))


bp.path(
    "/surveys/scores",
    get={
        "summary": "CSAT (% satisfied), NPS and CES (mean) per month, process owner or product",
        "parameters": [{"name": "group", "in": "query", "schema": {"type": "string", "enum": ["month", "process_owner", "product"]}}] + _PERIOD,
        "responses": {"200": openapi.ok("Scores with the number of answers", SurveyScoreSchema(many=True)), **openapi.ERRORS},
    },
)
bp.path(
    "/surveys/drivers",
    get={
        "summary": "Key drivers: correlation and standardised regression of each rated expectation on CSAT or NPS",
        "parameters": [{"name": "outcome", "in": "query", "schema": {"type": "string", "enum": ["csat", "nps"]}}],
        "responses": {"200": openapi.ok("Drivers, strongest first, with answers behind each", DriversSchema)},
    },
)

