"""Marshmallow schemas of API bodies (core): the fields every capability's schemas are built from.

A capability declares its request and response bodies as :class:`ApiSchema` classes in its
``schemas.py``. The routes check a request body with :func:`checked_body` (a bad field is
:class:`~workbench.validation.InvalidInput`, 400 naming it, in the caller's language) and answer
with ``SomeSchema().dump(record)``; the OpenAPI document is generated from the same classes by
apispec's ``MarshmallowPlugin`` (see :mod:`workbench.api.openapi`), so the spec cannot drift from
what the code reads and writes.

A schema checks the shape of a body: which fields, text or number, list or object. Values are the
services' to judge (dates through ``workbench.dates``, ranges, choices, versions, stage gates), as
for forms and imports, so every bad value of a body is named at once; the checked body goes on as sent.
"""

import copy

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, missing, validate

from workbench.api.common import json_body
from workbench.validation import INT_LIMIT, InvalidInput

__all__ = ["ApiSchema", "Day", "Flag", "Moment", "Text", "Version", "WholeNumber", "checked", "checked_body", "edit_of", "flat_dumper", "Items", "Mapping", "Record", "fields", "list_of", "page_of", "Sourced", "with_values", "validate"]

_REQUIRED = _l("%(field)s is required.")
_NULL = _l("%(field)s may not be empty (null).")


class ApiSchema(Schema):
    """Base of every API schema: unknown keys are left to the services (forms share them), not refused."""

    error_messages = {"type": _l("%(field)s must be an object.")}

    class Meta:
        unknown = EXCLUDE


class Sourced:
    """``source=callable``: the answer's value is ``source(record)`` (a related record's key, a count ...) instead of an attribute."""

    def __init__(self, *args, source=None, **kwargs):
        self.source = source
        super().__init__(*args, **kwargs)

    def get_value(self, obj, attr, accessor=None, default=missing):
        if self.source is not None:
            return self.source(obj)
        return super().get_value(obj, attr, accessor=accessor, default=default)


class Text(Sourced, fields.String):
    """Text (never a number, list or object); None allowed, as the services read it as empty."""

    default_error_messages = {"invalid": _l("%(field)s must be text."), "required": _REQUIRED, "null": _NULL}

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        super().__init__(**kwargs)


class WholeNumber(Sourced, fields.Integer):
    """A whole number a database integer holds (booleans and fractions refused)."""

    default_error_messages = {
        "invalid": _l("%(field)s must be a whole number."),
        "too_large": _l("%(field)s must be a whole number."),
        "required": _REQUIRED,
        "null": _NULL,
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        super().__init__(**kwargs)

    def _validated(self, value):
        if isinstance(value, bool) or (isinstance(value, int) and not -INT_LIMIT <= value <= INT_LIMIT):
            raise self.make_error("invalid")
        return super()._validated(value)


class Version(WholeNumber):
    """The ``version`` of a record the edit read (stale or missing: 409 from the service; not a number: 400)."""

    default_error_messages = {"invalid": _l("%(field)s must be a whole number (the version you read).")}

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "metadata",
            {"description": "the `version` you read. Stale or missing: 409 with `current` and `submitted`; not a whole number: 400 naming `version`"},
        )
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "":  # forms send an empty version as ""; the service then answers 409 (missing)
            return None
        return super()._deserialize(value, attr, data, **kwargs)


class Flag(Sourced, fields.Boolean):
    """true or false."""

    default_error_messages = {"invalid": _l("%(field)s must be true or false."), "required": _REQUIRED, "null": _NULL}


class Day(Sourced, fields.Date):
    """A date: sent as text, ISO ``2024-08-02`` or Jalali ``1403/05/12`` (Latin, Persian or Arabic-Indic digits); answered in ISO.

    The schema leaves it to the service, which reads it through ``workbench.dates`` as forms and imports
    do ("not a date", "month 13 does not exist", in the caller's language), so a wrong date is named
    together with every other bad field of the body.
    """

    default_error_messages = {"required": _REQUIRED, "null": _NULL}

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        kwargs.setdefault("metadata", {})
        kwargs["metadata"].setdefault("description", "ISO 2024-08-02 or Jalali 1403/05/12")
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return value


class Moment(Sourced, fields.DateTime):
    """A date and time in ISO 8601, as stored (UTC)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        super().__init__(**kwargs)


class Items(Sourced, fields.List):
    """A list of one kind of value."""

    default_error_messages = {"invalid": _l("%(field)s must be a list."), "required": _REQUIRED, "null": _NULL}


class Record(Sourced, fields.Nested):
    """An object described by another schema."""

    default_error_messages = {"type": _l("%(field)s must be an object."), "required": _REQUIRED, "null": _NULL}


class Mapping(Sourced, fields.Dict):
    """An object whose keys the schema does not fix."""

    default_error_messages = {"invalid": _l("%(field)s must be an object."), "required": _REQUIRED, "null": _NULL}


def _flatten(messages, path: str, found: dict) -> None:
    """One readable message per bad field, named by its path (``members[0].user_id``, as the text limits name it)."""
    if isinstance(messages, dict):
        for key, inner in messages.items():
            if isinstance(key, int):
                _flatten(inner, f"{path}[{key}]", found)
            elif key == "_schema":  # the value itself is wrong (not an object): named by its own path
                _flatten(inner, path, found)
            else:
                _flatten(inner, f"{path}.{key}" if path else key, found)
    elif isinstance(messages, list) and messages and not isinstance(messages[0], (dict, list)):
        _flatten(messages[0], path, found)
    elif isinstance(messages, list):
        for index, inner in enumerate(messages):
            _flatten(inner, f"{path}[{index}]", found)
    elif (path or "_") not in found:
        text = str(messages)
        name = path.rsplit(".", 1)[-1] or "_"
        found[path or "_"] = text % {"field": name} if "%(field)s" in text else text


def invalid_input(error: ValidationError) -> InvalidInput:
    """Marshmallow's errors as InvalidInput: one message per bad field, the field named in it."""
    found: dict[str, str] = {}
    _flatten(error.normalized_messages(), "", found)
    return InvalidInput(found)


def checked(schema: type[Schema], data, complete: bool = False):
    """``data`` after ``schema`` checked the fields it sent; InvalidInput names every bad one.

    A missing top-level field is not refused here unless ``complete``: the service says what is
    missing in its own words (a project needs a title; an edit without ``version`` is a 409 with
    the stored record). Inside a list or an object sent, required fields are required.
    """
    try:
        schema(partial=() if complete else tuple(schema._declared_fields)).load(data)
    except ValidationError as error:
        raise invalid_input(error) from None
    return data


def checked_body(schema: type[Schema], complete: bool = False) -> dict:
    """The request's JSON object after ``schema`` checked it, as sent (400 naming each bad field)."""
    return checked(schema, json_body(), complete=complete)


class with_values:  # noqa: N801 (used like a function)
    """``record`` with extra values for a schema to dump: values computed once (a test result, a name that depends on the viewer)."""

    def __init__(self, record, **values):
        self._record, self._values = record, values

    def __getattr__(self, name):
        values = self.__dict__["_values"]
        return values[name] if name in values else getattr(self.__dict__["_record"], name)


def flat_dumper(schema: type[Schema], exclude: tuple[str, ...] = ()):
    """``schema().dump`` for records read from the database, made for thousands at a time (FMEA rows).

    Only for a flat schema (no nested, computed or renamed fields): each value is passed on as read,
    dates and times as ISO text, which is what the schema's dump gives for database values, in a
    tenth of the time. Any other schema is refused when the dumper is made.
    """
    declared = {name: field for name, field in schema().fields.items() if name not in exclude}
    for name, field in declared.items():
        if isinstance(field, (fields.Nested, fields.List, fields.Dict)) or getattr(field, "source", None) or field.attribute or field.data_key:
            raise TypeError(f"{schema.__name__}.{name} is not a plain field")
    names = tuple(declared)
    dated = frozenset(name for name, field in declared.items() if isinstance(field, (fields.Date, fields.DateTime)))

    def dump(record) -> dict:
        get = record.get if isinstance(record, dict) else record.__getattribute__
        out = {}
        for name in names:
            value = get(name)
            out[name] = value.isoformat() if value is not None and name in dated else value
        return out

    return dump


_EDITS: dict[type[Schema], type[Schema]] = {}


def edit_of(schema: type[Schema]) -> type[Schema]:
    """The body of an edit: ``schema``'s fields, each optional, and the ``version`` read, required.

    A missing or stale version is the service's 409 (with the stored record), not a 400.
    """
    if schema not in _EDITS:
        declared = {}
        for name, field in schema._declared_fields.items():
            declared[name] = copy.copy(field)
            declared[name].required = False
        declared["version"] = Version(required=True, allow_none=True)
        name = schema.__name__.removesuffix("Schema").removesuffix("In") + "Edit"
        _EDITS[schema] = type(name, (schema,), declared)  # a subclass: the schema's own checks still run
    return _EDITS[schema]


_PAGES: dict[type[Schema], type[Schema]] = {}
_LISTS: dict[type[Schema], type[Schema]] = {}


def list_of(item: type[Schema]) -> type[Schema]:
    """The schema of a whole list ``{"items": [...]}`` of ``item`` (one class per item schema)."""
    if item not in _LISTS:
        name = item.__name__.removesuffix("Schema") + "List"
        _LISTS[item] = type(name, (ApiSchema,), {"items": Items(Record(item), required=True)})
    return _LISTS[item]


def page_of(item: type[Schema]) -> type[Schema]:
    """The schema of a paged list ``{"items", "page", "per_page", "total"}`` of ``item`` (one class per item schema)."""
    if item not in _PAGES:
        name = item.__name__.removesuffix("Schema") + "Page"
        _PAGES[item] = type(
            name,
            (ApiSchema,),
            {
                "items": Items(Record(item), required=True),
                "page": WholeNumber(required=True),
                "per_page": WholeNumber(required=True),
                "total": WholeNumber(required=True),
            },
        )
    return _PAGES[item]
