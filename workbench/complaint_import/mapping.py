"""Which column holds which field, guessed from English and Persian headers."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workbench.complaint_import.textnorm import normalise
from workbench.dates import to_latin_digits
from workbench.validation import InvalidInput

FIELDS = ("external_id", "received_at", "text", "channel", "customer", "product")
REQUIRED = ("received_at", "text")
FIELD_LABELS = {
    "external_id": _l("Complaint ID"),
    "received_at": _l("Date received"),
    "text": _l("Complaint text"),
    "channel": _l("Channel"),
    "customer": _l("Customer"),
    "product": _l("Product"),
}

ALIASES = {
    "external_id": (
        "id", "complaint id", "complaint no", "complaint number", "ticket", "ticket id", "ticket number", "case",
        "case id", "case number", "reference", "ref", "response id", "responseid", "respondent id", "record id",
        "شناسه", "شماره", "شماره شکایت", "شناسه شکایت", "کد", "کد پیگیری", "شماره پیگیری", "شماره تیکت",
    ),
    "received_at": (
        "date", "date received", "received", "received at", "received on", "created", "created at", "created on",
        "submitted", "submitted at", "submission date", "recorded date", "start date", "startdate", "end date",
        "enddate", "complaint date", "timestamp", "تاریخ", "تاریخ ثبت", "تاریخ دریافت", "تاریخ شکایت", "زمان ثبت",
    ),
    "text": (
        "text", "complaint", "complaint text", "description", "details", "detail", "comment", "comments", "message",
        "body", "narrative", "issue", "problem", "feedback", "consumer complaint narrative", "شرح", "شرح شکایت",
        "متن", "متن شکایت", "توضیحات", "شکایت", "پیام", "شرح مشکل", "نظر",
    ),
    "channel": (
        "channel", "source channel", "via", "medium", "submitted via", "contact channel", "کانال", "روش دریافت",
        "مجرا", "کانال دریافت", "نحوه دریافت",
    ),
    "customer": ("customer", "customer name", "client", "name", "customer id", "consumer", "مشتری", "نام مشتری", "مشترک"),
    "product": ("product", "product name", "item", "model", "sku", "sub-product", "محصول", "کالا", "نام محصول", "مدل"),
}
# A column of the issue a customer picked from a list ("Issue", "Sub-issue" in a consumer-finance export): the
# complaint text only when the file has no column of the customer's own words, else context for classifying it.
WEAK_TEXT = frozenset(("issue", "problem"))
ISSUE_COLUMNS = frozenset(("issue", "sub issue", "subissue", "problem", "problem type", "complaint type", "issue type",
                           "موضوع", "موضوع شکایت", "نوع شکایت", "نوع مشکل"))
_DATA_LIKE = re.compile(r"^[\d\s/.,:\-+]+$")
_CLEAN = re.compile(r"[\s_\-.:#()]+")
_ALIAS_INDEX = {}
for _field, _names in ALIASES.items():
    for _name in _names:
        _ALIAS_INDEX[_CLEAN.sub(" ", normalise(_name)).strip()] = _field


_ISSUE_NAMES = frozenset(_CLEAN.sub(" ", normalise(n)).strip() for n in ISSUE_COLUMNS)


def clean_header(header: str) -> str:
    return _CLEAN.sub(" ", normalise(str(header))).strip()


def field_for(header: str) -> str | None:
    """The field a header names, or None."""
    return _ALIAS_INDEX.get(clean_header(header))


def header_score(row: list[str]) -> float:
    """How much a row looks like the column names (known names count most)."""
    cells = [c for c in row if str(c).strip()]
    if not cells:
        return -1
    known = sum(1 for c in cells if field_for(c))
    numeric = sum(1 for c in cells if _DATA_LIKE.match(to_latin_digits(str(c))))
    return known * 3 + len(cells) * 0.1 - numeric


def is_extra_header_row(row: list[str], headers: list[str]) -> bool:
    """A second or third header row: Qualtrics ImportId JSON, or labels where the date should be."""
    cells = [str(c) for c in row]
    if any('"importid"' in c.lower().replace(" ", "") for c in cells):
        return True
    fields = {field_for(h): i for i, h in reversed(list(enumerate(headers)))}
    if "received_at" not in fields:
        return False

    def has_digit(field: str) -> bool:
        index = fields.get(field)
        return index is not None and index < len(cells) and any(ch.isdigit() for ch in to_latin_digits(cells[index]))

    # Data rows carry a date (or at least an id); label rows carry words or nothing there.
    return not has_digit("received_at") and not has_digit("external_id")


def guess(headers: list[str]) -> dict[str, str]:
    """``{field: header}`` for the headers that name a known field (first match wins)."""
    mapping: dict[str, str] = {}
    weak = None
    for header in headers:
        field = field_for(header)
        if field == "text" and clean_header(header) in WEAK_TEXT:
            weak = weak or header
        elif field and field not in mapping:
            mapping[field] = header
    if "text" not in mapping and weak is not None:
        mapping["text"] = weak
    return mapping


def issue_columns(headers: list[str], columns: dict[str, int]) -> list[int]:
    """The columns of a picked issue ("Issue", "Sub-issue", «موضوع») that are not mapped to a field, in file order."""
    mapped = set(columns.values())
    return [i for i, h in enumerate(headers) if i not in mapped and clean_header(h) in _ISSUE_NAMES]


def resolve(headers: list[str], guessed: dict[str, str], overrides: dict[str, str] | None) -> dict[str, int]:
    """``{field: column index}``: the guess with the user's overrides, checked."""
    mapping = dict(guessed)
    for field, column in (overrides or {}).items():
        if field not in FIELDS:
            raise InvalidInput({"map": _("Unknown field “%(field)s”; fields are %(fields)s.", field=field, fields=", ".join(FIELDS))})
        if column in (None, ""):
            mapping.pop(field, None)
        else:
            mapping[field] = column
    indexes: dict[str, int] = {}
    stripped = [h.strip() for h in headers]
    for field, column in mapping.items():
        if column in stripped:
            indexes[field] = stripped.index(column)
        elif str(column).isdigit() and 0 < int(column) <= len(headers):
            indexes[field] = int(column) - 1
        else:
            raise InvalidInput({field: _("Column “%(column)s” is not in the file; its columns are: %(columns)s.", column=column, columns=", ".join(stripped))})
    missing = [f for f in REQUIRED if f not in indexes]
    if missing:
        raise InvalidInput(
            {
                f: _("Required column for “%(field)s” is missing; map it with --map %(key)s=COLUMN. The file's columns are: %(columns)s.", field=str(FIELD_LABELS[f]), key=f, columns=", ".join(stripped))
                for f in missing
            }
        )
    return indexes
