"""Bodies of the core API: users, tokens and audit history."""

from workbench.api.schemas import ApiSchema, Flag, Items, Mapping, Moment, Record, Text, WholeNumber
from workbench.roles import ROLES, Role


class UserSchema(ApiSchema):
    """A user as the caller may see them."""

    id = WholeNumber(required=True)
    name = Text(required=True)
    role = Text(required=True, metadata={"enum": list(ROLES)})
    active = Flag(required=True)
    email = Text(metadata={"description": "only for admins, quality managers and oneself"})
    locale = Text(metadata={"description": "only for admins, quality managers and oneself"})


class NewUserSchema(ApiSchema):
    """Create a user (admin)."""

    email = Text(required=True)
    name = Text(required=True)
    role = Text(load_default=Role.MEMBER.value, metadata={"enum": list(ROLES), "default": Role.MEMBER.value})
    password = Text(required=True, metadata={"minLength": 8})
    locale = Text(metadata={"enum": ["fa", "en", None]})


class NewTokenSchema(ApiSchema):
    """Name a new API token."""

    name = Text(metadata={"maxLength": 80, "default": "api"})


class TokenSchema(ApiSchema):
    """A new API token; ``token`` is shown this once."""

    id = WholeNumber(required=True)
    name = Text(required=True)
    token = Text(required=True)
    created_at = Moment(required=True)


class AuditRowSchema(ApiSchema):
    """One change of one field, or the creation or deletion of a record."""

    at = Moment(required=True)
    actor = Text(required=True)
    action = Text(required=True)
    field = Text()
    old_value = Text()
    new_value = Text()


class AuditHistorySchema(ApiSchema):
    """The history of one record, oldest first."""

    items = Items(Record(AuditRowSchema), required=True)


class ErrorSchema(ApiSchema):
    """A refused request: what happened, in the caller's language; for invalid input each bad field with its message."""

    error = Text(required=True, metadata={"description": "invalid, unauthorized, forbidden, not_found, csrf ..."})
    message = Text(required=True)
    errors = Mapping(keys=Text(), values=Text(), metadata={"description": "400: field (or its path, `members[0].user_id`) → message"})


class ConflictSchema(ApiSchema):
    """An edit refused because the record changed since the version sent (or none was sent): nothing was saved."""

    error = Text(required=True, metadata={"enum": ["conflict", "frozen"]})
    message = Text(required=True, metadata={"description": "what happened and what to do, in the caller's language"})
    current = Mapping(allow_none=True, metadata={"description": "the record as stored now, with its `version` (null when it was deleted)"})
    submitted = Mapping(metadata={"description": "what the refused edit sent"})
