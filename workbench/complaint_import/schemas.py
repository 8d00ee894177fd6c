"""Bodies of the complaints API: complaints and their labels, Pareto and trends, survey scores and the classifier."""

from workbench.api.schemas import ApiSchema, Day, Flag, Items, Mapping, Moment, Record, Text, WholeNumber, edit_of, fields


class ComplaintSchema(ApiSchema):
    """A complaint with its labels."""

    id = WholeNumber(required=True)
    external_id = Text()
    source = Text()
    received_at = Day(required=True)
    text = Text(required=True)
    channel = Text()
    customer = Text()
    product = Text()
    # The owner's stable key (the routes add it, the keys read once per page: ``with_values``).
    process_owner = Text(metadata={"description": "stable key, e.g. production"})
    category = Text(metadata={"description": "stable key, e.g. delivery_speed"})
    confidence = fields.Float(allow_none=True)
    confirmed = Flag(required=True)
    label_source = Text(metadata={"enum": ["rules", "model", "selftrain", "user", None]})
    unclassified_reason = Text(metadata={"enum": ["empty", "no_words", "other_language", "no_match", "conflict", None],
                                         "description": "why the complaint has no category"})
    theme_id = WholeNumber()
    attributes = Mapping(required=True, source=lambda complaint: complaint.attributes or {})
    version = WholeNumber(required=True)


class LabelSchema(ApiSchema):
    """A confirmed label: the process owner's key and/or the category's."""

    process_owner = Text()
    category = Text()


LabelChangeSchema = edit_of(LabelSchema)


class BulkLabelSchema(LabelSchema):
    """The same label for many complaints."""

    ids = Items(WholeNumber(), required=True)


class UpdatedSchema(ApiSchema):
    """How many complaints were relabelled."""

    updated = WholeNumber(required=True)


class ParetoBarSchema(ApiSchema):
    """A bar of the Pareto chart."""

    key = Text()
    count = WholeNumber(required=True)
    cumulative_pct = fields.Float(required=True)


class TrendSchema(ApiSchema):
    """Monthly counts of the top keys of a dimension."""

    months = Items(Text(), required=True)
    series = Mapping(keys=fields.String(), values=Items(fields.Integer()), required=True, metadata={"description": "key → count per month"})


class ModelInUseSchema(ApiSchema):
    """The model in use for one target with its held-out figures."""

    trained_at = Moment(required=True)
    labels = WholeNumber(required=True)
    model_accuracy = fields.Float(allow_none=True)
    rules_accuracy = fields.Float(allow_none=True)
    trusted = Items(Text(), required=True)
    threshold = fields.Float(allow_none=True)
    used = Text(required=True)


class ClassifierSchema(ApiSchema):
    """The model in use per target (a target missing: the rules decide)."""

    owner = Record(ModelInUseSchema)
    category = Record(ModelInUseSchema)


class ClassifierRunSchema(ApiSchema):
    """A retraining run: status, progress and, once previewed, held-out figures and the moves from label to label."""

    id = WholeNumber(required=True)
    status = Text(required=True, metadata={"enum": ["queued", "running", "previewed", "applying", "applied", "discarded", "failed"]})
    phase = Text()
    done = WholeNumber(required=True)
    total = WholeNumber(required=True)
    message = Text()
    report = Mapping(required=True, source=lambda run: run.report or {})


class SurveyScoreSchema(ApiSchema):
    """CSAT, NPS and CES of one group, with the answers behind each."""

    key = Text()
    answers = WholeNumber(required=True)
    csat = fields.Float(allow_none=True)
    nps = fields.Float(allow_none=True)
    ces = fields.Float(allow_none=True)
    csat_answers = WholeNumber(required=True)
    nps_answers = WholeNumber(required=True)


class DriverSchema(ApiSchema):
    """How strongly one rated expectation drives the outcome."""

    key = Text(required=True)
    answers = WholeNumber(required=True)
    mean = fields.Float(allow_none=True)
    correlation = fields.Float(allow_none=True)
    beta = fields.Float(allow_none=True)
    complete_answers = WholeNumber()


class DriversSchema(ApiSchema):
    """Key drivers, strongest first."""

    outcome = Text(required=True, metadata={"enum": ["csat", "nps"]})
    respondents = WholeNumber(required=True)
    drivers = Items(Record(DriverSchema), required=True)
    improve_first = Text()

