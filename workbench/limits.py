"""Hard limits on what a request may carry and what a record may hold (core).

- ids in URLs: the ``int`` converter stops at the largest database integer (2**31 - 1), so a
  bigger id is "not found" (404) instead of a database error; negative ids never match.
- JSON bodies: at most ``JSON_BODY_LIMIT_KB`` and ``JSON_MAX_DEPTH`` levels of nesting (400),
  checked on the raw bytes before anything is parsed.
- every text of a request (query, form, JSON strings) at most ``REQUEST_TEXT_LIMIT`` characters,
  without NUL (400 naming the field).
- every record: a ``String(n)`` column holds at most n characters, a ``Text`` column of a business
  record at most ``TEXT_FIELD_MAX_CHARS``; a JSON object or list is never stored as text. Checked
  at flush, so pages, API, imports and meeting mode all answer 400 naming the field.
"""

import re

from flask import current_app, has_app_context, request
from flask_babel import gettext as _
from sqlalchemy import String, Text, event, inspect
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from workbench.models import Audited
from workbench.validation import INT_LIMIT, InvalidInput

DEFAULTS = {
    "JSON_BODY_LIMIT_KB": 1024,
    "JSON_MAX_DEPTH": 32,
    "REQUEST_TEXT_LIMIT": 100_000,
    "TEXT_FIELD_MAX_CHARS": 20_000,
}


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` that matches only ids a database integer column can hold."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT_LIMIT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def names_an_id_out_of_range(path: str) -> bool:
    """Whether a path segment is a number no database id can be (the id converter refuses it).

    Werkzeug then answers 405 when another rule of the same shape has other
    methods; it is a record that cannot exist, so the app answers 404.
    """
    return any(part.isdigit() and (len(part) > len(str(INT_LIMIT)) or int(part) > INT_LIMIT) for part in path.split("/"))


def _setting(name: str) -> int:
    if has_app_context():
        return int(current_app.config.get(name, DEFAULTS[name]))
    return DEFAULTS[name]


_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth(raw: bytes, stop: int) -> int:
    """Deepest nesting of ``raw`` JSON (strings skipped), counting no further than ``stop``."""
    if raw.count(b"[") + raw.count(b"{") <= stop:
        return 0
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop:
                    return deepest
        else:
            depth -= 1
    return deepest


def check_json_body() -> None:
    """400 for a JSON body that is too big or nested too deep, before it is parsed."""
    if not request.is_json:
        return
    limit = _setting("JSON_BODY_LIMIT_KB") * 1024
    if request.content_length and request.content_length > limit:
        raise InvalidInput({"_": _("The JSON body is larger than %(kb)d KB.", kb=limit // 1024)})
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise InvalidInput({"_": _("The JSON body is larger than %(kb)d KB.", kb=limit // 1024)})
    depth = _setting("JSON_MAX_DEPTH")
    if json_depth(raw, depth) > depth:
        raise InvalidInput({"_": _("The JSON body is nested deeper than %(n)d levels.", n=depth)})


def check_text(field: str, text: str) -> None:
    """400 for one text of the request that is too long or holds NUL."""
    if "\x00" in text:
        raise InvalidInput({field: _("%(field)s contains a NUL character (U+0000), which cannot be stored.", field=field)})
    limit = _setting("REQUEST_TEXT_LIMIT")
    if len(text) > limit:
        raise InvalidInput({field: _("%(field)s is longer than %(n)d characters.", field=field, n=limit)})


def _column_limit(column, audited: bool) -> int | None:
    kind = column.type
    if isinstance(kind, String) and kind.length:
        return kind.length
    if isinstance(kind, Text) and audited:
        return _setting("TEXT_FIELD_MAX_CHARS")
    return None


def check_record(obj) -> None:
    """Refuse text that will not fit its column, or an object/list given for a text column."""
    state = inspect(obj)
    audited = isinstance(obj, Audited)
    errors = {}
    for attr in state.mapper.column_attrs:
        column = attr.columns[0]
        if not isinstance(column.type, (String, Text)):
            continue
        if state.key is not None:  # a stored record: check only what changed
            added = state.attrs[attr.key].history.added
            if not added:
                continue
            value = added[0]
        else:
            value = state.dict.get(attr.key)
        if value is None:
            continue
        if isinstance(value, (dict, list, tuple, set, bytes)):
            errors[attr.key] = _("%(field)s must be text.", field=attr.key)
            continue
        limit = _column_limit(column, audited)
        if limit and isinstance(value, str) and len(value) > limit:
            errors[attr.key] = _("%(field)s is longer than %(n)d characters.", field=attr.key, n=limit)
    if errors:
        raise InvalidInput(errors)


@event.listens_for(Session, "before_flush")
def _check_records(session: Session, flush_context, instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        if getattr(obj, "__table__", None) is not None and obj.__table__.name != "audit_log":
            check_record(obj)


def init_app(app) -> None:
    """Settings, the bounded id converter (before any blueprint adds a rule)."""
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.url_map.converters["int"] = DatabaseIdConverter
