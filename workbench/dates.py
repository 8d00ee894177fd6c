"""Every date the app reads or writes: one parser, one year range, one digit table.

Reading (forms, the JSON API, period filters, the complaint and survey import):

- digits in any of 0-9, Persian ۰-۹ or Arabic-Indic ٠-٩;
- parts separated by ``/``, ``-``, ``.`` or spaces, optionally followed by a
  time of day (``10:15``, ``10:15:00.5``, ``10:15 PM``, ``T10:15:00+03:30``)
  that is checked and dropped: the app stores days;
- an *order*: year first (``None``: the calendar follows from the year),
  ``iso`` (Gregorian, year first), ``jalali`` (year first), ``dmy`` / ``mdy``
  (Gregorian, year last, day or month first) and ``jalali_dmy``;
- accepted years: Gregorian 1900-2100 and Jalali 1279-1479 (the same span of
  days, 1900-03-21 to 2101-03-20, give or take the ends). The two ranges do
  not overlap, so a year-first value is never read in the wrong calendar.

Anything else raises :class:`DateError` (a ``ValueError``) whose text names
the value and says what is wrong, translated.

Writing: ``jalali_text`` (Jalali ``1403/05/12``), ``input_text`` (what a date
field shows: Jalali in Persian, ISO in English) and ``to_persian_digits``; the
Jinja filters in ``workbench.i18n`` call them with the page language.
"""

import calendar
import re
from datetime import date, datetime

import jdatetime
from flask_babel import gettext as _

from workbench.validation import InvalidInput

GREGORIAN_YEARS = (1900, 2100)
JALALI_YEARS = (1279, 1479)
ORDERS = ("iso", "dmy", "mdy", "jalali", "jalali_dmy")
EXAMPLES = {"iso": "2024-08-02", "jalali": "1403/05/12", "dmy": "02/08/2024", "mdy": "08/02/2024", "jalali_dmy": "12/05/1403"}
MAX_LENGTH = 64  # longer text is never a date: refused before any pattern runs

_LATIN = "0123456789"
DIGITS_TO_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", _LATIN * 2)
DIGITS_TO_PERSIAN = str.maketrans(_LATIN, "۰۱۲۳۴۵۶۷۸۹")

_SEP = r"(?:\s*[-/.]\s*|\s+)"
_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp][Mm])?\s*(Z|[+-]\d{2}:?\d{2})?"
_VALUE = re.compile(rf"\s*(\d{{1,4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,4}})(?:(?:\s*T\s*|\s+){_TIME})?\s*")


class DateError(ValueError):
    """A value that is not an accepted date; ``reason`` says why, ``str()`` also names the value."""

    def __init__(self, value, reason: str):
        self.value = str(value)
        self.reason = reason
        super().__init__(_("“%(value)s”: %(reason)s.", value=self.shown, reason=reason))

    @property
    def shown(self) -> str:
        """The value as quoted in messages (long text cut)."""
        return self.value if len(self.value) <= 40 else self.value[:40] + "…"

    def named(self, label: str) -> str:
        """The message with the field's title first: ``Target date “1403/13/01”: …``."""
        return _("%(field)s “%(value)s”: %(reason)s.", field=label, value=self.shown, reason=self.reason)


def to_latin_digits(text: str) -> str:
    """Persian and Arabic-Indic digits as 0-9 (everything else unchanged)."""
    return text.translate(DIGITS_TO_LATIN)


def to_persian_digits(text) -> str:
    """0-9 written as Persian digits ۰-۹."""
    return str(text).translate(DIGITS_TO_PERSIAN)


def _match(value: str):
    if len(value) > MAX_LENGTH:
        return None
    if not value.isascii():
        value = to_latin_digits(value)
    return _VALUE.fullmatch(value)


def split(value: str) -> tuple[int, int, int] | None:
    """The three numbers of a date-like value (any digits, any separator), or None."""
    match = _match(value)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def _in(year: int, years: tuple[int, int]) -> bool:
    return years[0] <= year <= years[1]


def _format_error(value, order: str | None) -> DateError:
    if order in EXAMPLES:
        return DateError(value, _("not a date; write it like %(example)s", example=EXAMPLES[order]))
    return DateError(value, _("not a date; write it like 1403/05/12 (Jalali) or 2024-08-02"))


def _year_error(value, year: int, jalali: bool) -> DateError:
    first, last = JALALI_YEARS if jalali else GREGORIAN_YEARS
    if jalali:
        return DateError(value, _("year %(year)s is not a Jalali year (accepted %(first)s-%(last)s)", year=year, first=first, last=last))
    return DateError(value, _("year %(year)s is not a Gregorian year (accepted %(first)s-%(last)s)", year=year, first=first, last=last))


def _days_in_month(year: int, month: int, jalali: bool) -> int:
    if jalali:
        return 30 if month == 12 and jdatetime.date(year, 1, 1).isleap() else jdatetime.j_days_in_month[month - 1]
    return calendar.monthrange(year, month)[1]


def _day(value, year: int, month: int, day: int, jalali: bool) -> date:
    if not 1 <= month <= 12:
        raise DateError(value, _("impossible date: there is no month %(month)s", month=month))
    days = _days_in_month(year, month, jalali)
    if not 1 <= day <= days:
        raise DateError(value, _("impossible date: month %(month)s of %(year)s has %(days)s days", month=month, year=year, days=days))
    return jdatetime.date(year, month, day).togregorian() if jalali else date(year, month, day)


def _calendar_day(value, match, order: str | None) -> date:
    a, b, c = int(match.group(1)), int(match.group(2)), int(match.group(3))
    year_first = len(match.group(1)) > 2
    if order is None:
        if not year_first:
            raise _format_error(value, None)
        if _in(a, JALALI_YEARS):
            return _day(value, a, b, c, jalali=True)
        if _in(a, GREGORIAN_YEARS):
            return _day(value, a, b, c, jalali=False)
        raise DateError(value, _(
            "year %(year)s is neither a Gregorian year (%(g1)s-%(g2)s) nor a Jalali year (%(j1)s-%(j2)s)",
            year=a, g1=GREGORIAN_YEARS[0], g2=GREGORIAN_YEARS[1], j1=JALALI_YEARS[0], j2=JALALI_YEARS[1]))
    if order not in ORDERS:
        raise DateError(value, _("unknown date order %(order)s", order=order))
    jalali = order.startswith("jalali")
    if (order in ("iso", "jalali")) != year_first:
        raise _format_error(value, order)
    if order in ("iso", "jalali"):
        year, month, day = a, b, c
    elif order == "mdy":
        year, month, day = c, a, b
    else:
        year, month, day = c, b, a
    if not _in(year, JALALI_YEARS if jalali else GREGORIAN_YEARS):
        raise _year_error(value, year, jalali)
    return _day(value, year, month, day, jalali)


def parse(value: str, order: str | None = None) -> date:
    """``value`` (text) as a Gregorian date, read in ``order`` (see the module); DateError says why not.

    A time of day after the date is checked and dropped.
    """
    match = _match(value)
    if match is None:
        raise _format_error(value, order)
    day = _calendar_day(value, match, order)
    if match.group(4) is not None:
        _time_of_day(value, match)
    return day


def _time_of_day(text: str, match) -> None:
    """Refuse a time after the date that no clock shows (25:00, 13:00 PM, +25:00)."""
    hour, minute, second, _fraction, noon, offset = match.groups()[3:]
    hour, minute, second = int(hour), int(minute), int(second or 0)
    if noon and not 1 <= hour <= 12:
        raise DateError(text, _("impossible time of day"))
    if hour > 23 or minute > 59 or second > 59 or (offset and offset != "Z" and int(offset[1:3]) > 23):
        raise DateError(text, _("impossible time of day"))


def parse_optional(value, order: str | None = None) -> date | None:
    """A typed or submitted date: None or blank is None, dates pass through, text is read by ``parse``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        raise _format_error(value, order)
    return parse(value, order)


def field_date(value, field: str) -> date | None:
    """``parse_optional`` for one named field of a form, JSON body or query: InvalidInput names the field."""
    try:
        return parse_optional(value)
    except DateError as error:
        raise InvalidInput({field: str(error)}) from None


def parse_excel(value) -> date | None:
    """Cells a spreadsheet reader already turned into dates (None for anything else)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _orders_of(parts: tuple[int, int, int]) -> set[str]:
    a, b, c = parts
    if a >= 1000:
        return {"jalali"} if a < 1700 else {"iso"}  # the closer calendar: ``parse`` names the range if it is out
    if c < 1000:
        return set()
    if c < 1700:
        return {"jalali_dmy"}
    orders = set()
    if a <= 31 and b <= 12:
        orders.add("dmy")
    if a <= 12 and b <= 31:
        orders.add("mdy")
    return orders


def decide_order(values) -> tuple[str | None, str | None]:
    """A column's order from sample values: (order, problem); order None means ask the user (problem says why)."""
    seen: dict[str, int] = {}
    total = 0
    for value in values:
        if not value or not value.strip():
            continue
        parts = split(value)
        if parts is None:
            continue
        total += 1
        for order in _orders_of(parts):
            seen[order] = seen.get(order, 0) + 1
    if not total:
        return None, _("no value looks like a date")
    for fixed in ("jalali", "iso", "jalali_dmy"):
        if seen.get(fixed, 0) * 2 > total:
            return fixed, None
    dmy, mdy = seen.get("dmy", 0), seen.get("mdy", 0)
    if dmy == total and mdy < total:
        return "dmy", None
    if mdy == total and dmy < total:
        return "mdy", None
    if dmy == mdy == total:
        return None, _("every date fits both day-month-year and month-day-year; choose the order")
    return ("dmy" if dmy >= mdy else "mdy"), None


def jalali_text(value: date | datetime, with_time: bool = False) -> str:
    """``value`` in the Jalali calendar, ``1403/05/12`` (``1403/05/12 10:15`` with the time), Latin digits."""
    if with_time and isinstance(value, datetime):
        return jdatetime.datetime.fromgregorian(datetime=value).strftime("%Y/%m/%d %H:%M")
    if isinstance(value, datetime):
        value = value.date()
    return jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d")


def input_text(value, jalali: bool) -> str:
    """What a date field shows for ``value`` (a date or ISO text): Jalali when ``jalali``, else ISO; other text as is."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value  # what the user typed, shown back unchanged
    if isinstance(value, datetime):
        value = value.date()
    return jalali_text(value) if jalali else value.isoformat()
