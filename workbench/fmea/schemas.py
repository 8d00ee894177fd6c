"""Bodies of the FMEA API: rows, the header block, the priority setting, standalone FMEAs and workbook imports."""

from marshmallow import ValidationError, validates_schema

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
from workbench.fmea import fields as row_fields
from workbench.fmea.models import (
    ACTION_STATUSES,
    DATE_FIELDS,
    DRIVERS,
    KINDS,
    RATING_FIELDS,
    RATING_SCALES,
    ROW_FIELDS,
    TEXT_FIELDS,
    WORK_ELEMENT_TYPES,
)

_RATING = {"minimum": 1, "maximum": 10}
_AP = {"enum": ["H", "M", "L", None]}
_CAUSE = {"description": "id of the fishbone cause the row came from"}


class RowValue(fields.Field):
    """One row field as sent; the row schema reads them all together (see ``FmeaRowInSchema``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)


class _RowCheck(ApiSchema):
    """Reads the sent row as pages and spreadsheets read it (``fmea.fields.clean``: Persian digits, labels
    for choices, blank is empty), naming every refused or unknown field with the same message."""

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _clean(self, data, original, **kwargs):
        errors = row_fields.clean(original)[1] if isinstance(original, dict) else {}
        if errors:
            raise ValidationError(errors)


def _row_value(field: str) -> RowValue:
    if field in TEXT_FIELDS:
        return RowValue(metadata={"type": ["string", "null"]})
    if field in RATING_FIELDS:
        return RowValue(metadata={"type": ["integer", "null"], **_RATING})
    if field in DATE_FIELDS:
        return RowValue(metadata={"type": ["string", "null"], "format": "date"})
    if field == "work_element_type":
        return RowValue(metadata={"type": ["string", "null"], "enum": [*WORK_ELEMENT_TYPES, None]})
    if field == "action_status":
        return RowValue(metadata={"type": ["string", "null"], "enum": list(ACTION_STATUSES)})
    return RowValue(metadata={"type": ["integer", "null"], **(_CAUSE if field == "cause_id" else {})})


def _row_answer(field: str):
    if field in TEXT_FIELDS:
        return Text()
    if field in RATING_FIELDS:
        return WholeNumber(metadata=_RATING)
    if field in DATE_FIELDS:
        return Day()
    if field == "work_element_type":
        return Text(metadata={"enum": [*WORK_ELEMENT_TYPES, None]})
    if field == "action_status":
        return Text(required=True, metadata={"enum": list(ACTION_STATUSES)})
    return WholeNumber(metadata=_CAUSE if field == "cause_id" else {})


FmeaRowInSchema = type(
    "FmeaRowInSchema",
    (_RowCheck,),
    {"__doc__": "The fields of an FMEA row as sent (those left out are not changed); a refused value is named with its column title.",
     **{field: _row_value(field) for field in ROW_FIELDS}, "version": Version()},
)
FmeaRowChangeSchema = edit_of(FmeaRowInSchema)


class FmeaLinkedActionSchema(ApiSchema):
    """A corrective action of the project that addresses the row."""

    id = WholeNumber(required=True)
    title = Text(required=True)
    status = Text(required=True)
    status_label = Text(required=True)
    overdue = Flag(required=True)
    owner = Text()
    due_date = Text(required=True, metadata={"format": "date"})
    url = Text(required=True)


FmeaRowSchema = type(
    "FmeaRowSchema",
    (ApiSchema,),
    {
        "__doc__": "An FMEA row with its ratings, RPN and Action Priority and the corrective actions that address it.",
        "id": WholeNumber(required=True),
        "version": WholeNumber(required=True),
        "position": WholeNumber(required=True),
        **{field: _row_answer(field) for field in ROW_FIELDS},
        "rpn": WholeNumber(metadata={"description": "S × O × D"}),
        "action_priority": Text(metadata=_AP),
        "revised_rpn": WholeNumber(),
        "revised_action_priority": Text(metadata=_AP),
        "corrective_actions": Items(Record(FmeaLinkedActionSchema), metadata={
            "description": "the project's corrective actions that address this row; when there are any, "
                           "`action_status` is read from them (all done or verified = completed)"}),
    },
)


class FmeaRowsSchema(ApiSchema):
    """Rows; with ``changed_since``, also the ids that exist now, the server's time and each row's actions."""

    items = Items(Record(FmeaRowSchema), required=True)
    total = WholeNumber(required=True)
    ids = Items(WholeNumber(), metadata={"description": "with changed_since: the ids of the rows that exist now"})
    now = Text(metadata={"description": "with changed_since: pass it next time"})
    links = Mapping(keys=fields.String(), values=Mapping(), metadata={
        "description": "with changed_since: row id → its corrective actions and the status they give it"})


class CauseRefSchema(ApiSchema):
    """A fishbone cause to make a row from."""

    id = WholeNumber(required=True)
    text = Text()
    category = Text()


class FromCausesSchema(ApiSchema):
    """Fishbone causes to make rows from."""

    causes = Items(Record(CauseRefSchema), required=True)


class NewRowActionSchema(ApiSchema):
    """What the person chose for the new action; the rest comes from the row."""

    owner_id = WholeNumber()
    due_date = Day()


class RowActionSchema(ApiSchema):
    """The new action, what was assumed for it, and the row it is linked to."""

    action = Record(FmeaLinkedActionSchema, required=True)
    message = Text()
    row = Record(FmeaRowSchema, required=True)


class FmeaIssueSchema(ApiSchema):
    """A consistency problem of a row."""

    code = Text(required=True)
    message = Text(required=True)


class FmeaIssuesSchema(ApiSchema):
    """Consistency problems per row id."""

    issues = Mapping(keys=fields.String(), values=Items(Record(FmeaIssueSchema)), required=True)


class FmeaSettingsSchema(ApiSchema):
    """What drives FMEA priority in the organisation."""

    priority_driver = Text(required=True, metadata={"enum": list(DRIVERS)})
    rpn_threshold = WholeNumber(required=True, metadata={"minimum": 1, "maximum": 1000})
    version = Version(required=True, allow_none=True)


class FmeaSettingsInSchema(FmeaSettingsSchema):
    """A change of the priority setting (``version`` once it was saved)."""

    priority_driver = Text(metadata={"enum": list(DRIVERS)})
    rpn_threshold = WholeNumber(metadata={"minimum": 1, "maximum": 1000})
    version = Version()


class FmeaRevisionSchema(ApiSchema):
    """A frozen baseline of the rows."""

    number = WholeNumber(required=True)
    label = Text(required=True)
    created_at = Moment(required=True)
    rows = WholeNumber(required=True, source=lambda revision: len(revision.snapshot))


class FmeaHeaderSchema(ApiSchema):
    """The header block of an FMEA as sent (``version`` once the FMEA exists)."""

    kind = Text(metadata={"enum": list(KINDS)})
    title = Text()
    company = Text()
    location = Text()
    customer = Text()
    program = Text()
    responsible = Text()
    confidentiality = Text()
    rating_scale = Text(metadata={"enum": list(RATING_SCALES), "description": "the S/O/D criteria raters see: manufacturing (AIAG-VDA PFMEA) or service"})
    start_date = Day()
    version = Version(metadata={"description": "required once the FMEA exists (its `id` is not null): the version you read"})


class FmeaDocumentSchema(FmeaHeaderSchema):
    """The header block of an FMEA and its baselines."""

    project_id = WholeNumber(metadata={"description": "null for a standalone FMEA"})
    process_owner_id = WholeNumber(metadata={"description": "the process a standalone FMEA belongs to"})
    id = WholeNumber(metadata={"description": "null until the FMEA is started"})
    version = WholeNumber(required=True)
    revisions = Items(Record(FmeaRevisionSchema), required=True)


class FmeaSummarySchema(ApiSchema):
    """An FMEA in the list of every FMEA the caller may see."""

    id = WholeNumber(required=True)
    kind = Text(required=True, metadata={"enum": list(KINDS)})
    title = Text(required=True)
    project_id = WholeNumber()
    process_owner_id = WholeNumber()
    standalone = Flag(required=True)
    project_title = Text()
    rows = WholeNumber(required=True)
    high = WholeNumber(required=True, metadata={"description": "rows with Action Priority H"})


class FmeaSummariesSchema(ApiSchema):
    """Every FMEA the caller may see."""

    items = Items(Record(FmeaSummarySchema), required=True)
    total = WholeNumber(required=True)


class NewStandaloneFmeaSchema(ApiSchema):
    """A standalone FMEA for a process owner."""

    process_owner = fields.Raw(required=True, metadata={"type": ["integer", "string"], "description": "the process owner's id or key"})
    kind = Text(metadata={"enum": list(KINDS), "default": "process"})
    title = Text(required=True)


# -- workbook imports --------------------------------------------------------------------------


class FmeaWorkbookUploadSchema(ApiSchema):
    """An FMEA workbook, sent as multipart/form-data."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary", "description": ".xlsx, .xlsm, .xls or .csv"})
    sheet = Items(Text(), metadata={"description": "sheets to import (default: every FMEA-looking sheet)"})
    map = Items(Text(), metadata={"description": "FIELD=COLUMN (letter or title), e.g. failure_mode=C"})
    scale = Items(Text(), metadata={"description": "RATING=SCALE: 1-10 (keep), 1-4, 1-5, 1-6, percent, H/M/L ... or A:10,B:7"})
    combine = Text(metadata={"enum": ["one", "each"], "description": "several sheets: one FMEA, or one standalone FMEA each"})


class FmeaImportStagedSchema(ApiSchema):
    """The workbook is staged and read in the background."""

    token = Text(required=True)
    status = Text(required=True, metadata={"enum": ["pending"]})
    preview = Text(required=True, metadata={"description": "the preview's URL (also in Location)"})


class FmeaImportProblemSchema(ApiSchema):
    """A problem of the workbook: where, what and why."""

    sheet = fields.Raw(metadata={"type": ["string", "integer", "null"]})
    row = fields.Raw(metadata={"type": ["string", "integer", "null"]})
    column = fields.Raw(metadata={"type": ["string", "integer", "null"]})
    field = fields.Raw(metadata={"type": ["string", "integer", "null"]})
    label = fields.Raw(metadata={"type": ["string", "integer", "null"]})
    value = fields.Raw(metadata={"type": ["string", "integer", "null"]})
    message = fields.Raw(metadata={"type": ["string", "integer", "null"]})
    level = Text(metadata={"enum": ["error", "warning"]})


class FmeaImportPreviewSchema(ApiSchema):
    """The dry-run preview of an uploaded workbook (nothing is written); ``pending`` or ``failed`` while it cannot be shown."""

    status = Text(required=True, metadata={"enum": ["pending", "failed", "done"]})
    message = Text(metadata={"description": "why the file could not be read (failed)"})
    filename = Text()
    choices = Mapping(metadata={"description": "the sheets, mapping, scales and combine the upload asked for"})
    counts = Mapping(keys=fields.String(), values=fields.Integer(), metadata={"description": "good, bad, left_out, warnings, errors"})
    blocking = fields.Raw(metadata={"description": "what stops the import as a whole"})
    header = Mapping(metadata={"description": "`fills`: FMEA header fields from the title block; `not_stored`: the rest"})
    confirm_scales = Items(Text(), metadata={"description": "rating columns converted from another scale"})
    sheets = Items(Mapping(), metadata={"description": "every sheet: kind (fmea, rating_key, empty, other), header rows, "
                                                       "mapping (letter, title, field, how), ignored columns, scales with their conversion, title block"})
    problems = Items(Record(FmeaImportProblemSchema), metadata={
        "description": "every problem (sheet, row, column, value, reason), RPN/AP differences as warnings"})
    left_out = Items(Mapping(), metadata={"description": "rows not read, with the reason (footer, empty, merge continuation)"})
    rows = Items(Mapping(), metadata={"description": "every row read: sheet, row, values, ok"})


class FmeaImportSchema(ApiSchema):
    """Import the previewed rows."""

    skip_bad_rows = Flag(metadata={"default": False})
    fill_header = Flag(metadata={"default": True})
    confirm_scales = Flag(metadata={"description": "required when ratings are converted from another scale"})


class FmeaImportedSchema(ApiSchema):
    """What was imported."""

    imported = WholeNumber(required=True)
    skipped = Items(Mapping())
    documents = Items(WholeNumber())
    header = Mapping()
