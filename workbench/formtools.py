"""Small helpers for WTForms shared by every capability."""

from flask import flash
from wtforms import FieldList, SelectChoice

from workbench.validation import InvalidInput


def choices(pairs) -> list[SelectChoice]:
    """Turn ``(value, label)`` pairs into WTForms select choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def apply_errors(form, error: InvalidInput) -> None:
    """Show a service's field errors beside the form's fields (or at the top)."""
    for field, message in error.errors.items():
        target = getattr(form, field, None)
        if target is not None and not isinstance(target, FieldList) and isinstance(getattr(target, "errors", None), list):
            target.errors.append(message)
        else:
            flash(message, "error")
