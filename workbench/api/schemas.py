"""Marshmallow schemas of API bodies (core): the fields every capability's schemas are built from.

A capability declares its request and response bodies as :class:`ApiSchema` classes in its
``schemas.py``. The routes check a request body with :func:`checked_body` (a bad field is
:class:`~workbench.validation.InvalidInput`, 400 naming it, in the caller's language) and answer
with ``SomeSchema().dump(record)``; the OpenAPI document is generated from the same classes by
apispec's ``MarshmallowPlugin`` (see :mod:`workbench.api.openapi`), so the spec cannot drift from
what the code reads and writes.

Checking a body leaves it as sent: the services apply the same domain rules (versions, dates,
text limits, stage gates) to forms, imports and the API alike.
"""

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from workbench import dates
from workbench.api.common import json_body
from workbench.validation import INT_LIMIT, InvalidInput

__all__ = ["ApiSchema", "Day", "Flag", "Moment", "Text", "Version", "WholeNumber", "checked", "checked_body", "fields", "page_of", "validate"]

_REQUIRED = _l("%(field)s is required.")
_NULL = _l("%(field)s may not be empty (null).")


class ApiSchema(Schema):
    """Base of every API schema: unknown keys are left to the services (forms share them), not refused."""

    class Meta:
        unknown = EXCLUDE


class Text(fields.String):
    """Text (never a number, list or object); None allowed, as the services read it as empty."""

    default_error_messages = {"invalid": _l("%(field)s must be text."), "required": _REQUIRED, "null": _NULL}

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        super().__init__(**kwargs)


class WholeNumber(fields.Integer):
    """A whole number a database integer holds (booleans and fractions refused)."""

    default_error_messages = {
        "invalid": _l("%(field)s must be a whole number."),
        "too_large": _l("%(field)s must be a whole number."),
        "required": _REQUIRED,
        "null": _NULL,
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("strict", True)
        super().__init__(**kwargs)

    def _validated(self, value):
        if isinstance(value, bool) or (isinstance(value, int) and not -INT_LIMIT <= value <= INT_LIMIT):
            raise self.make_error("invalid")
        return super()._validated(value)


class Version(WholeNumber):
    """The ``version`` of a record the edit read (stale or missing: 409 from the service; not a number: 400)."""

    default_error_messages = {"invalid": _l("%(field)s must be a whole number (the version you read).")}

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("strict", False)
        kwargs.setdefault(
            "metadata",
            {"description": "the `version` you read. Stale or missing: 409 with `current` and `submitted`; not a whole number: 400 naming `version`"},
        )
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "":  # forms send an empty version as ""; the service then answers 409 (missing)
            return None
        return super()._deserialize(value, attr, data, **kwargs)


class Flag(fields.Boolean):
    """true or false."""

    default_error_messages = {"invalid": _l("%(field)s must be true or false."), "required": _REQUIRED, "null": _NULL}


class Day(fields.Date):
    """A date: ISO ``2024-08-02`` or Jalali ``1403/05/12`` (Latin, Persian or Arabic-Indic digits), through workbench.dates; answered in ISO."""

    default_error_messages = {"required": _REQUIRED, "null": _NULL}

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return dates.field_date(value, attr)
        except InvalidInput as error:
            raise ValidationError(next(iter(error.errors.values()))) from None


class Moment(fields.DateTime):
    """A date and time in ISO 8601, as stored (UTC)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)


def _first_message(messages):
    """The first readable message of a marshmallow error (a list, a nested dict or one message)."""
    while isinstance(messages, (list, dict)):
        if not messages:
            return ""
        messages = messages[0] if isinstance(messages, list) else next(iter(messages.values()))
    return messages


def invalid_input(error: ValidationError) -> InvalidInput:
    """Marshmallow's errors as InvalidInput: one message per top-level field, the field named in it."""
    found = {}
    for field, messages in error.normalized_messages().items():
        key = "_" if field == "_schema" else field
        text = str(_first_message(messages))
        found[key] = text % {"field": key} if "%(field)s" in text else text
    return InvalidInput(found)


def checked(schema: type[Schema], data, partial: bool = False):
    """``data`` after ``schema`` checked it (``partial``: only the keys sent); InvalidInput names every bad field."""
    try:
        schema(partial=partial).load(data)
    except ValidationError as error:
        raise invalid_input(error) from None
    return data


def checked_body(schema: type[Schema], partial: bool = False) -> dict:
    """The request's JSON object after ``schema`` checked it, as sent (400 naming each bad field)."""
    return checked(schema, json_body(), partial=partial)


_PAGES: dict[type[Schema], type[Schema]] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """The schema of a paged list ``{"items", "page", "per_page", "total"}`` of ``item`` (one class per item schema)."""
    if item not in _PAGES:
        name = item.__name__.removesuffix("Schema") + "Page"
        _PAGES[item] = type(
            name,
            (ApiSchema,),
            {
                "items": fields.List(fields.Nested(item), required=True),
                "page": fields.Integer(required=True),
                "per_page": fields.Integer(required=True),
                "total": fields.Integer(required=True),
            },
        )
    return _PAGES[item]
