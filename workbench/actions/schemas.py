"""Bodies of the actions API: corrective actions, the project's lifecycle, effectiveness checks, the dashboard and traceability."""

from workbench.actions.lifecycle import SIGNATURE_MEANINGS
from workbench.actions.models import ACTION_STATUSES, ACTION_TYPES
from workbench.actions.services import is_overdue
from workbench.api.schemas import (
    ApiSchema,
    Day,
    Flag,
    Items,
    Mapping,
    Moment,
    Record,
    Text,
    Version,
    WholeNumber,
    edit_of,
    fields,
)
from workbench.teams.schemas import ProjectSchema


class CorrectiveActionSchema(ApiSchema):
    """A corrective action of a project."""

    id = WholeNumber(required=True)
    project_id = WholeNumber(required=True)
    title = Text(required=True)
    type = Text(required=True, metadata={"enum": list(ACTION_TYPES)})
    owner_id = WholeNumber()
    owner = Text(source=lambda action: action.owner.name if action.owner else None)
    due_date = Day(required=True)
    status = Text(required=True, metadata={"enum": list(ACTION_STATUSES)})
    overdue = Flag(required=True, source=is_overdue)
    completed_on = Day()
    evidence_text = Text()
    evidence_file = Text(attribute="evidence_name")
    cause_id = WholeNumber()
    fmea_row_id = WholeNumber()
    created_at = Moment(required=True)
    version = WholeNumber(required=True)


class ActionInSchema(ApiSchema):
    """A corrective action as sent (PATCH: the fields to change, with the ``version`` read)."""

    title = Text(required=True)
    type = Text(required=True, metadata={"enum": list(ACTION_TYPES)})
    owner_id = WholeNumber(required=True)
    due_date = Day(required=True)
    status = Text(metadata={"enum": list(ACTION_STATUSES)})
    evidence_text = Text()
    cause_id = WholeNumber()
    fmea_row_id = WholeNumber()


ActionChangeSchema = edit_of(ActionInSchema)


class StageChangeSchema(ApiSchema):
    """One move of the project between stages."""

    from_stage = Text()
    to_stage = Text(required=True)
    actor = Text(required=True, metadata={"description": "the name (with the email only for admins and quality managers)"})
    actor_id = WholeNumber()
    reason = Text()
    sign_off_id = WholeNumber()
    at = Moment(required=True)


class SignOffRecordSchema(ApiSchema):
    """An electronic sign-off (closing a project)."""

    id = WholeNumber(required=True)
    signer_name = Text(required=True)
    user_id = WholeNumber()
    meaning = Text(required=True, metadata={"enum": list(SIGNATURE_MEANINGS)})
    signed_at = Moment(required=True)
    content_hash = Text(required=True)
    superseded_at = Moment()


class LifecycleSchema(ApiSchema):
    """Is / is-not, lessons learned, what blocks closing, the stage history and the sign-offs."""

    project = Record(ProjectSchema, required=True)
    version = WholeNumber(required=True, metadata={"description": "the charter's version (0 until it is saved)"})
    is_text = Text()
    is_not_text = Text()
    lessons_learned = Text()
    theme_id = WholeNumber()
    close_blockers = Items(Text(), required=True)
    stage_changes = Items(Record(StageChangeSchema), required=True)
    sign_offs = Items(Record(SignOffRecordSchema), required=True)


class CharterSchema(ApiSchema):
    """Is / is-not, lessons learned and the linked theme (``version``: the charter's, once it was saved)."""

    is_text = Text()
    is_not_text = Text()
    lessons_learned = Text()
    theme_id = WholeNumber()
    version = Version()


class CloseSchema(ApiSchema):
    """The quality manager's electronic sign-off: the password again and the meaning of the signature."""

    password = Text(required=True)
    meaning = Text(required=True, metadata={"enum": list(SIGNATURE_MEANINGS)})


class ClosedSchema(ApiSchema):
    """The closed project and its sign-off."""

    project = Record(ProjectSchema, required=True)
    sign_off = Record(SignOffRecordSchema, required=True)


class ReopenSchema(ApiSchema):
    """Why the project is reopened, and the stage it goes back to (default Improve)."""

    reason = Text(required=True)
    stage = Text()


class SurveyWindowSchema(ApiSchema):
    """Survey answers in one window."""

    answers = WholeNumber(required=True)
    csat_answers = WholeNumber(required=True)
    csat_pct = fields.Float(allow_none=True)
    nps_answers = WholeNumber(required=True)
    nps = fields.Float(allow_none=True)


class SurveyComparisonSchema(ApiSchema):
    """CSAT and NPS before and after the actions."""

    before = Record(SurveyWindowSchema, required=True)
    after = Record(SurveyWindowSchema, required=True)


class EffectivenessCheckSchema(ApiSchema):
    """An effectiveness check: complaints before vs after the actions, the test, and the decision."""

    id = WholeNumber(required=True)
    project_id = WholeNumber(required=True)
    criteria = Text(required=True)
    actions_on = Day(required=True)
    check_date = Day(required=True)
    process_owner_id = WholeNumber()
    product = Text()
    category = Text()
    before_count = WholeNumber()
    after_count = WholeNumber()
    p_value = fields.Float(allow_none=True)
    enough_data = Flag(allow_none=True, metadata={"description": "null until measured"})
    complaints_needed_before = WholeNumber()
    change_pct = fields.Float(allow_none=True)
    change_ci_pct = Items(fields.Float(), allow_none=True, metadata={"description": "95% interval of the change"})
    measured_at = Moment()
    decision = Text(required=True, metadata={"enum": ["pending", "accepted", "rejected"]})
    decision_note = Text()
    decided_by = Text(source=lambda check: check.decided_by.name if check.decided_by else None)
    decided_at = Moment()
    surveys = Record(SurveyComparisonSchema, allow_none=True)
    version = WholeNumber(required=True)


class MeasuredCheckSchema(EffectivenessCheckSchema):
    """The check just measured, with the test's verdict."""

    significant = Flag(allow_none=True)
    rate_ratio = fields.Float(allow_none=True)


class CheckInSchema(ApiSchema):
    """Plan an effectiveness check."""

    criteria = Text(required=True)
    actions_on = Day(required=True)
    check_date = Day(required=True)
    process_owner = Text(metadata={"description": "process owner key; defaults to the project's"})
    product = Text()
    category = Text()


class DecisionSchema(ApiSchema):
    """Accept or reject a measured check (with the check's ``version`` read)."""

    decision = Text(required=True, metadata={"enum": ["accepted", "rejected"]})
    note = Text()
    version = Version(required=True, allow_none=True)


# -- dashboard, notifications, traceability ---------------------------------------------------


class OverdueActionSchema(ApiSchema):
    """An overdue action on the dashboard."""

    id = WholeNumber(required=True)
    title = Text(required=True)
    due_date = Text(required=True, metadata={"format": "date"})
    days_overdue = WholeNumber(required=True)
    project_id = WholeNumber(required=True)
    project = Text(required=True)
    owner = Text()


class DashboardSchema(ApiSchema):
    """Projects and actions by process owner and stage, with totals, for the period."""

    period = Mapping(keys=fields.String(), values=fields.String(), required=True, metadata={"description": "from, to (ISO dates)"})
    filters = Mapping(required=True, metadata={"description": "owner_id, team_id"})
    today = Text(required=True, metadata={"format": "date"})
    owners = Items(Mapping(), required=True, metadata={
        "description": "per process owner: owner_id, owner_key, owner names, projects by stage, actions (total, open, overdue, completed, "
                       "on_time, on_time_pct, by_stage, ageing), closed_in_period, complaints before/after with change_pct and its interval"})
    totals = Mapping(required=True, metadata={"description": "the same figures for every owner together"})
    overdue_actions = Items(Record(OverdueActionSchema), required=True)


class NotificationSchema(ApiSchema):
    """An action reminder."""

    id = WholeNumber(required=True)
    action_id = WholeNumber(required=True)
    kind = Text(required=True)
    due_date = Day()
    message = Text(required=True)
    created_at = Moment(required=True)
    read_at = Moment()


class NotificationsSchema(ApiSchema):
    """The caller's action reminders and how many are unread."""

    items = Items(Record(NotificationSchema), required=True)
    unread = WholeNumber(required=True)


class TraceEdgeSchema(ApiSchema):
    """A link of the traceability graph."""

    source = Text(required=True)
    target = Text(required=True)


class TraceGraphSchema(ApiSchema):
    """Traceability: complaints / theme → project → causes → FMEA rows → actions."""

    nodes = Items(Mapping(), required=True, metadata={"description": "id, kind, label, url and, for actions, overdue"})
    edges = Items(Record(TraceEdgeSchema), required=True)


class TracedComplaintSchema(ApiSchema):
    """The complaint a trace starts from."""

    id = WholeNumber(required=True)
    received_at = Day()
    product = Text()
    category = Text()
    process_owner_id = WholeNumber()


class TracedProjectSchema(ApiSchema):
    """A project that addressed the complaint, with its traceability graph."""

    id = WholeNumber(required=True)
    title = Text(required=True)
    stage = Text(required=True)
    trace = Record(TraceGraphSchema, required=True)


class ComplaintTraceSchema(ApiSchema):
    """From a complaint back to the projects that addressed it."""

    complaint = Record(TracedComplaintSchema, required=True)
    projects = Items(Record(TracedProjectSchema), required=True)
