"""Turning submitted values (JSON, forms, spreadsheets) into row fields, with messages naming what is wrong."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from workbench import dates
from workbench.fmea.models import (
    ACTION_STATUSES,
    COMPUTED_FIELDS,
    DATE_FIELDS,
    RATING_FIELDS,
    ROW_FIELDS,
    TEXT_FIELDS,
    WORK_ELEMENT_TYPES,
)
from workbench.validation import whole_number

# Column titles, used by the page, the workbook and the error messages.
FIELD_LABELS = {
    "process_item": _l("Process item"),
    "process_step": _l("Process step"),
    "work_element": _l("Work element"),
    "work_element_type": _l("4M type"),
    "function": _l("Function"),
    "failure_effect": _l("Failure effect (FE)"),
    "severity": _l("Severity (S)"),
    "failure_mode": _l("Failure mode (FM)"),
    "failure_cause": _l("Failure cause (FC)"),
    "prevention_control": _l("Current prevention control (PC)"),
    "occurrence": _l("Occurrence (O)"),
    "detection_control": _l("Current detection control (DC)"),
    "detection": _l("Detection (D)"),
    "rpn": _l("RPN"),
    "action_priority": _l("AP"),
    "special_characteristic": _l("Special characteristic"),
    "filter_code": _l("Filter code"),
    "prevention_action": _l("Prevention action"),
    "detection_action": _l("Detection action"),
    "responsible_id": _l("Responsible"),
    "target_date": _l("Target date"),
    "action_status": _l("Status"),
    "corrective_actions": _l("Corrective actions"),
    "action_taken": _l("Action taken"),
    "evidence": _l("Evidence"),
    "completion_date": _l("Completion date"),
    "revised_severity": _l("Revised S"),
    "revised_occurrence": _l("Revised O"),
    "revised_detection": _l("Revised D"),
    "revised_rpn": _l("Revised RPN"),
    "revised_action_priority": _l("Revised AP"),
    "remarks": _l("Remarks"),
    "cause_id": _l("Fishbone cause"),
}

STATUS_LABELS = {
    "open": lazy_pgettext("status", "Open"),  # the state, not the verb on the home cards
    "decision_pending": _l("Decision pending"),
    "implementation_pending": _l("Implementation pending"),
    "completed": _l("Completed"),
    "not_implemented": _l("Not implemented"),
}

TYPE_LABELS = {
    "man": _l("Man"),
    "machine": _l("Machine"),
    "material": _l("Material"),
    "method": _l("Method"),
    "environment": _l("Environment"),
    "measurement": _l("Measurement"),
}


# Keys a client may send back unchanged from a row it read; they are ignored.
READ_ONLY = (
    "id", "version", "position", "document_id", "created_at", "updated_at", "flags", "issues", "corrective_actions", *COMPUTED_FIELDS
)


# A design FMEA analyses a product, not a process: its structure columns carry other titles.
DESIGN_LABELS = {
    "process_item": _l("System"),
    "process_step": _l("System element"),
    "work_element": _l("Component / interface"),
    "work_element_type": _l("Element type"),
    "prevention_control": _l("Current design prevention control (PC)"),
    "detection_control": _l("Current design detection control (DC)"),
}


def label(field: str, kind: str = "process") -> str:
    """The column title of ``field`` in a process (default) or design FMEA."""
    if kind == "design" and field in DESIGN_LABELS:
        return str(DESIGN_LABELS[field])
    return str(FIELD_LABELS.get(field, field))


def parse_rating(value, field: str) -> int | None:
    """A rating 1-10 from an int or text; blank is None; anything else raises ValueError with the message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(_("%(field)s must be a whole number from 1 to 10; got “%(value)s”.", field=label(field), value=value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = dates.to_latin_digits(value.strip())
        if text.lstrip("-").isdigit():
            value = int(text)
    if not isinstance(value, int):
        raise ValueError(_("%(field)s must be a whole number from 1 to 10; got “%(value)s”.", field=label(field), value=value))
    if not 1 <= value <= 10:
        raise ValueError(_("%(field)s must be between 1 and 10; got %(value)s.", field=label(field), value=value))
    return value


def parse_date(value, field: str) -> date | None:
    """A date from JSON, a form or a spreadsheet cell (see ``workbench.dates``); blank is None."""
    try:
        return dates.parse_optional(value)
    except dates.DateError as error:
        raise ValueError(error.named(label(field))) from None


def _choice(value, field: str, allowed, labels) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    key = text.lower().replace(" ", "_").replace("-", "_")
    if key in allowed:
        return key
    for k, lab in labels.items():
        if text.casefold() == str(lab).casefold():
            return k
    raise ValueError(
        _("%(field)s must be one of %(allowed)s; got “%(value)s”.", field=label(field), allowed=", ".join(allowed), value=text)
    )


def _int_or_none(value, field: str) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return whole_number(str(value).strip())
    except ValueError:
        raise ValueError(_("%(field)s must be a whole number; got “%(value)s”.", field=label(field), value=value)) from None


def clean(data: dict) -> tuple[dict, dict]:
    """Parse the row fields present in ``data``; returns ``(values, errors)`` keyed by field name."""
    values, errors = {}, {}
    for field in ROW_FIELDS:
        if field not in data:
            continue
        raw = data[field]
        try:
            if field in TEXT_FIELDS:
                if isinstance(raw, (dict, list)):  # never store "{'a': 1}"
                    raise ValueError(_("%(field)s must be text.", field=label(field)))
                text = "" if raw is None else str(raw)
                if field in ("special_characteristic", "filter_code") and len(text) > 80:
                    raise ValueError(_("%(field)s is longer than 80 characters.", field=label(field)))
                values[field] = text.strip()
            elif field in RATING_FIELDS:
                values[field] = parse_rating(raw, field)
            elif field in DATE_FIELDS:
                values[field] = parse_date(raw, field)
            elif field == "work_element_type":
                values[field] = _choice(raw, field, WORK_ELEMENT_TYPES, TYPE_LABELS)
            elif field == "action_status":
                values[field] = _choice(raw, field, ACTION_STATUSES, STATUS_LABELS) or "open"
            else:  # responsible_id, cause_id
                values[field] = _int_or_none(raw, field)
        except ValueError as error:
            errors[field] = str(error)
    unknown = [k for k in data if k not in ROW_FIELDS and k not in READ_ONLY]
    for key in unknown:
        errors[key] = _("Unknown field “%(field)s”.", field=key)
    return values, errors
