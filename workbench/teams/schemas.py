"""Bodies of the teams API: process owners, teams and improvement projects."""

from workbench.api.schemas import ApiSchema, Day, Flag, Items, Mapping, Moment, Record, Text, Version, WholeNumber
from workbench.teams.models import MEMBER_ROLES, STAGES


def _owner_key(record) -> str | None:
    return record.process_owner.key if record.process_owner else None


class ProcessOwnerSchema(ApiSchema):
    """A process owner (the part of the organisation that answers for a kind of complaint)."""

    id = WholeNumber(required=True)
    key = Text(required=True)
    name_en = Text(required=True)
    name_fa = Text(required=True)
    active = Flag(required=True)


class MemberInSchema(ApiSchema):
    """One member of a team as sent."""

    user_id = WholeNumber(required=True)
    role = Text(metadata={"enum": list(MEMBER_ROLES), "default": "process_expert"})
    process_owner = Text(metadata={"description": "key of the owner a process expert speaks for"})


class MemberSchema(MemberInSchema):
    """One member of a team."""

    name = Text(required=True, source=lambda m: m.user.name)
    process_owner = Text(source=_owner_key, metadata={"description": "key of the owner a process expert speaks for"})


class TeamInSchema(ApiSchema):
    """A team of 2 to 6 as sent (PATCH: only the fields to change)."""

    name = Text(required=True)
    leader_id = WholeNumber(required=True)
    members = Items(Record(MemberInSchema), required=True, metadata={"minItems": 2, "maxItems": 6})


class TeamSchema(ApiSchema):
    """A team with its members."""

    id = WholeNumber(required=True)
    name = Text(required=True)
    leader_id = WholeNumber(required=True)
    members = Items(Record(MemberSchema), required=True, attribute="memberships")
    version = WholeNumber(required=True)


class SignOffSchema(ApiSchema):
    """The quality manager's signature that closes a project (checked by the gate that closes it, naming ``password`` or ``meaning``)."""

    password = Text(required=True)
    meaning = Text(required=True)


class ProjectInSchema(ApiSchema):
    """An improvement project as sent (PATCH: only the fields to change, with the ``version`` read)."""

    title = Text(required=True)
    problem_statement = Text()
    team_id = WholeNumber(required=True)
    process_owner = Text(metadata={"description": "the process owner's key"})
    leader_id = WholeNumber()
    started_on = Day()
    target_date = Day()
    theme_id = WholeNumber(metadata={"description": "the complaint theme it came from; its complaints become the project's linked complaints"})
    stage = Text(metadata={"enum": list(STAGES), "description": "the next stage (no stage is skipped; earlier stages need a reason)"})
    reason = Text(metadata={"description": "why the project moves back (required to move back or reopen)"})
    # The closing gate checks the sign-off and names its fields; the schema only asks for an object.
    signature = Mapping(allow_none=True, metadata={"description": "to close: the quality manager's {password, meaning} (SignOff)"})
    version = Version()


class ProjectSchema(ApiSchema):
    """An improvement project."""

    id = WholeNumber(required=True)
    title = Text(required=True)
    problem_statement = Text(required=True)
    team_id = WholeNumber(required=True)
    process_owner = Text(source=_owner_key)
    leader_id = WholeNumber()
    stage = Text(required=True, metadata={"enum": list(STAGES)})
    status = Text(required=True, metadata={"enum": ["open", "closed"]})
    started_on = Day()
    target_date = Day()
    closed_at = Moment()
    theme_id = WholeNumber(metadata={"description": "the complaint theme the project came from"})
    created_at = Moment(required=True)
    updated_at = Moment(required=True)
    version = WholeNumber(required=True)
