"""Small helpers for WTForms shared by every capability."""

from flask import flash
from flask_babel import gettext as _
from wtforms import FieldList, SelectChoice, StringField
from wtforms.validators import ValidationError

from workbench import dates
from workbench.errors import conflict_message
from workbench.i18n import is_persian
from workbench.users import email_address
from workbench.validation import Conflict, InvalidInput


class EmailAddress:
    """WTForms validator applying ``workbench.users.email_address`` (the one email rule)."""

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            field.data = email_address(field.data, field.name)
        except InvalidInput as error:
            raise ValidationError(next(iter(error.errors.values()))) from None


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


def show_conflict(form, error: Conflict, field: str = "version") -> None:
    """A refused edit: say whose version won and keep the person's input; saving again is then a choice made knowingly."""
    flash(conflict_message(error, form=True), "error")
    current = (error.current or {}).get("version")
    target = getattr(form, field, None) if form is not None else None
    if target is not None and current is not None:
        target.data = current
        target.raw_data = [str(current)]


def refused_edit(error: Conflict, mine: str | None = None) -> None:
    """A refused edit from a small form on a page the person is sent back to: the conflict, and what they typed (``mine``)."""
    flash(conflict_message(error), "error")
    if mine:
        flash(_("What you sent, not saved: “%(mine)s”.", mine=mine), "error")


class LocalDateField(StringField):
    """A date typed in the page's calendar (Jalali in Persian, ISO in English), read by ``workbench.dates``."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return dates.input_text(self.data, jalali=is_persian())

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = dates.parse_optional(valuelist[0])
        except dates.DateError as error:
            self.data = None
            raise ValueError(str(error)) from None
