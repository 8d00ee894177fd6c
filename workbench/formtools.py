"""Small helpers for WTForms shared by every capability."""

from flask import flash
from wtforms import FieldList, SelectChoice, StringField

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


_TO_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def parse_local_date(text: str):
    """Read ``1403/05/12`` (Jalali, Persian or Latin digits) or ``2024-08-02`` (ISO)."""
    import datetime as dt
    import re

    import jdatetime

    value = (text or "").strip().translate(_TO_LATIN)
    if not value:
        return None
    match = re.fullmatch(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", value)
    if not match:
        raise ValueError(value)
    year, month, day = (int(part) for part in match.groups())
    if year < 1700:  # a Jalali year: never read it as Gregorian
        return jdatetime.date(year, month, day).togregorian()
    return dt.date(year, month, day)


class LocalDateField(StringField):
    """A date typed in the page's calendar: Jalali in Persian, ISO in English."""

    def _value(self):
        from workbench.i18n import is_persian

        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        if is_persian():
            import jdatetime

            return jdatetime.date.fromgregorian(date=self.data).strftime("%Y/%m/%d")
        return self.data.isoformat()

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = parse_local_date(valuelist[0])
        except ValueError:
            self.data = None
            from flask_babel import gettext

            raise ValueError(
                gettext("“%(value)s” is not a date: write 1403/05/12 or 2024-08-02.", value=valuelist[0])
            ) from None
