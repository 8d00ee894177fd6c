"""Bodies of the fishbone API: the diagram, categories, causes, evidence and dot votes."""

from workbench.api.schemas import ApiSchema, Flag, Items, Mapping, Moment, Record, Text, WholeNumber, edit_of, fields
from workbench.fishbone.evidence import complaint_label
from workbench.fishbone.services import TEMPLATES

_STATUSES = ["open", "suspected", "verified"]
_REVISION = {"description": "the diagram's revision after this change; poll …/changes?since="}


class CauseNodeSchema(ApiSchema):
    """A cause in the diagram's tree, with its sub-causes."""

    id = WholeNumber(required=True)
    text = Text(required=True)
    status = Text(required=True, metadata={"enum": _STATUSES})
    is_why = Flag(required=True)
    notes = Text()
    votes = WholeNumber(required=True)
    evidence_count = WholeNumber(required=True)
    version = WholeNumber(required=True)
    children = Items(Record(lambda: CauseNodeSchema()), required=True)


class CategoryNodeSchema(ApiSchema):
    """A category (bone) of the diagram with its causes."""

    id = WholeNumber(required=True)
    name = Text(required=True)
    position = WholeNumber(required=True)
    version = WholeNumber(required=True)
    causes = Items(Record(CauseNodeSchema), required=True)


class VotingRoundSchema(ApiSchema):
    """A dot-voting round."""

    id = WholeNumber(required=True)
    votes_per_member = WholeNumber(required=True)
    open = Flag(required=True)


class VotingSchema(ApiSchema):
    """The latest voting round, the caller's own dots per cause id and the dots they have left."""

    session = Record(VotingRoundSchema, allow_none=True, required=True)
    mine = Mapping(keys=fields.String(), values=fields.Integer(), required=True)
    left = WholeNumber(required=True)


class FishboneSchema(ApiSchema):
    """The fishbone: the effect, the categories with ids and the cause tree, and the voting round."""

    id = WholeNumber(required=True)
    project_id = WholeNumber(required=True)
    effect = Text(required=True)
    template = Text(required=True)
    version = WholeNumber(required=True)
    revision = WholeNumber(required=True, metadata={"description": "bumped on every change; poll …/changes?since="})
    categories = Items(Record(CategoryNodeSchema), required=True)
    voting = Record(VotingSchema, required=True)


class NewFishboneSchema(ApiSchema):
    """Start the fishbone from a template or from category names."""

    template = Text(metadata={"enum": list(TEMPLATES), "default": "6m"})
    effect = Text()
    language = Text(metadata={"enum": ["fa", "en"]})
    categories = Items(Text(), allow_none=True)


class FishboneEffectSchema(ApiSchema):
    """The effect (the problem at the fish's head)."""

    effect = Text()


FishboneChangeSchema = edit_of(FishboneEffectSchema)


class OutlineInSchema(ApiSchema):
    """A text outline: an indented list or a Mermaid ishikawa."""

    outline = Text(required=True)


class OutlineSchema(ApiSchema):
    """The fishbone as a text outline."""

    style = Text(required=True, metadata={"enum": ["list", "mermaid"]})
    outline = Text(required=True)


class RevisionSchema(ApiSchema):
    """Has the diagram changed since the revision the caller holds?"""

    revision = WholeNumber(required=True)
    changed = Flag(required=True)


class CategoryInSchema(ApiSchema):
    """A category (bone) as sent."""

    name = Text(required=True)
    position = WholeNumber()


CategoryChangeSchema = edit_of(CategoryInSchema)


class CategorySchema(ApiSchema):
    """A category (bone)."""

    id = WholeNumber(required=True)
    name = Text(required=True)
    position = WholeNumber(required=True)
    version = WholeNumber(required=True)
    revision = WholeNumber(required=True, metadata=_REVISION)


class DeletedSchema(ApiSchema):
    """What was removed."""

    deleted = WholeNumber(required=True, metadata={"description": "the id of the removed record"})
    revision = WholeNumber(required=True, metadata=_REVISION)


class NewCauseSchema(ApiSchema):
    """A cause, or a sub-cause with ``parent_id``."""

    text = Text(required=True)
    category_id = WholeNumber(required=True)
    parent_id = WholeNumber()
    after_id = WholeNumber(metadata={"description": "insert after this sibling"})
    notes = Text()
    is_why = Flag(allow_none=True)


class CauseInSchema(ApiSchema):
    """Edit, move or mark a cause."""

    text = Text()
    notes = Text()
    status = Text(metadata={"enum": ["open", "suspected"]})
    parent_id = WholeNumber()
    category_id = WholeNumber()
    position = WholeNumber()


CauseChangeSchema = edit_of(CauseInSchema)


class EvidenceSchema(ApiSchema):
    """A piece of evidence on a cause."""

    id = WholeNumber(required=True)
    cause_id = WholeNumber(required=True)
    kind = Text(required=True, metadata={"enum": ["text", "link", "file", "complaint"]})
    text = Text()
    url = Text()
    file_name = Text()
    file_size = WholeNumber()
    complaint_id = WholeNumber()
    complaint_label = Text(source=lambda item: complaint_label(item.complaint_id), metadata={"description": "the complaint as people name it"})
    verifies = Flag(required=True, metadata={"description": "this evidence verified the cause as a root cause"})
    created_at = Moment(required=True)
    version = WholeNumber(required=True)
    revision = WholeNumber(metadata=_REVISION)


class CauseLinkSchema(ApiSchema):
    """A record of another capability that came from the cause (an FMEA row, an action)."""

    label = Text(required=True)
    url = Text(required=True)


class CauseSchema(ApiSchema):
    """A cause; ``evidence`` and ``links`` when read on its own or verified, ``revision`` after a change."""

    id = WholeNumber(required=True)
    diagram_id = WholeNumber(required=True)
    category_id = WholeNumber(required=True)
    parent_id = WholeNumber()
    text = Text(required=True)
    notes = Text()
    position = WholeNumber(required=True)
    status = Text(required=True, metadata={"enum": _STATUSES})
    is_why = Flag(required=True)
    verified_at = Moment()
    version = WholeNumber(required=True)
    revision = WholeNumber(metadata=_REVISION)
    evidence = Items(Record(EvidenceSchema))
    links = Items(Record(CauseLinkSchema))


class CauseChainSchema(ApiSchema):
    """The causes of a 5 Whys chain, top first."""

    items = Items(Record(CauseSchema), required=True)
    revision = WholeNumber(required=True, metadata=_REVISION)


class WhysSchema(ApiSchema):
    """A 5 Whys chain: each answer becomes a sub-cause of the one before."""

    whys = Items(Text(), required=True)


class VerifyInSchema(ApiSchema):
    """The evidence that verified a root cause: an existing piece (``evidence_id``) or a new text or link."""

    evidence_id = WholeNumber()
    evidence = Text()
    url = Text()


VerifySchema = edit_of(VerifyInSchema)


class NewEvidenceSchema(ApiSchema):
    """Evidence as JSON (a file is sent as multipart/form-data with ``file``)."""

    kind = Text(metadata={"enum": ["text", "link", "file", "complaint"]})
    text = Text()
    url = Text()
    complaint_id = fields.Raw(allow_none=True, metadata={"type": ["integer", "string", "null"], "description": "the complaint's id, or as written: #412"})


class NewVotingRoundSchema(ApiSchema):
    """Start a dot-voting round."""

    votes_per_member = WholeNumber()


class NewVotingRoundAnswerSchema(VotingRoundSchema):
    """The new round."""

    revision = WholeNumber(required=True, metadata=_REVISION)


class VoteSchema(ApiSchema):
    """The cause's dots after the caller's vote, and the dots the caller has left."""

    cause_id = WholeNumber(required=True)
    votes = WholeNumber(required=True)
    left = WholeNumber(required=True)
    revision = WholeNumber(required=True, metadata=_REVISION)


class SentSchema(ApiSchema):
    """How many verified root causes the FMEA took."""

    sent = WholeNumber(required=True)
