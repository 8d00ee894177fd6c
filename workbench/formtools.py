"""Small helpers for WTForms shared by every capability, and the one commit-or-report step of a page that writes."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import flash, request
from flask_babel import gettext as _
from wtforms import FieldList, SelectChoice, StringField
from wtforms.validators import ValidationError

from workbench import dates
from workbench.errors import conflict_message
from workbench.extensions import db
from workbench.i18n import date_attributes, date_input, isolate
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


def apply_errors(form, error: InvalidInput, fallback: str | None = None) -> None:
    """Show a service's field errors beside the form's fields, else beside ``fallback`` (a field name), else at the top."""
    for field, message in error.errors.items():
        target = _field(form, field) or _field(form, fallback)
        if target is not None:
            target.errors.append(message)
        else:
            flash(message, "error")


def _field(form, name: str | None):
    target = getattr(form, name, None) if form is not None and name else None
    if target is not None and not isinstance(target, FieldList) and isinstance(getattr(target, "errors", None), list):
        return target
    return None


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
        flash(_("What you sent, not saved: “%(mine)s”.", mine=isolate(mine)), "error")


class Saved:
    """What :func:`commit_or_report` did: true when the change was committed; else ``error`` and ``status`` (400 or 409)."""

    def __init__(self):
        self.error: InvalidInput | Conflict | None = None
        self.status = 200

    def __bool__(self) -> bool:
        return self.error is None


@contextmanager
def commit_or_report(
    form=None,
    *,
    fallback: str | None = None,
    on_invalid: Callable[[InvalidInput], None] | None = None,
    on_conflict: Callable[[Conflict], None] | None = None,
) -> Iterator[Saved]:
    """Run a page's writes and commit them; when a service refuses, roll back and tell the person.

    ``InvalidInput``: ``on_invalid(error)`` when given; else each message beside its field of ``form``
    (or of ``fallback``), the rest flashed.
    ``Conflict``: ``on_conflict(error)`` when given; with a form, who won and the person's input kept
    (:func:`show_conflict`); without one, the conflict message flashed. Then::

        with commit_or_report(form) as saved:
            services.save_team(team, ...)
        if saved:
            return redirect(...)
        return render_template(...), saved.status
    """
    saved = Saved()
    try:
        yield saved
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        saved.error, saved.status = error, 400
        if on_invalid is not None:
            on_invalid(error)
        else:
            apply_errors(form, error, fallback)
    except Conflict as error:
        db.session.rollback()
        saved.error, saved.status = error, 409
        if on_conflict is not None:
            on_conflict(error)
        elif form is not None:
            show_conflict(form, error)
        else:
            flash(conflict_message(error), "error")


def form_status(saved: Saved | None = None) -> int:
    """The status of a form page shown (again): 200 on GET, else the refusal's (400 when the form itself was invalid)."""
    if request.method != "POST":
        return 200
    return saved.status if saved is not None and not saved else 400


class LocalDateField(StringField):
    """A date typed in the page's calendar (Jalali in Persian, ISO in English), read by ``workbench.dates``."""

    def __call__(self, **kwargs):
        return super().__call__(**{**date_attributes(), **kwargs})

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return date_input(self.data)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = dates.parse_optional(valuelist[0])
        except dates.DateError as error:
            self.data = None
            raise ValueError(str(error)) from None
