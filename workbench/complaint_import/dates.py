"""Dates as exports write them: ISO, day-first or month-first (decided per column), Jalali."""

import re
from datetime import date, datetime

import jdatetime
from flask_babel import gettext as _

from workbench.complaint_import.textnorm import latin_digits

ORDERS = ("iso", "dmy", "mdy", "jalali")
_PARTS = re.compile(r"^\s*(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})(?:[ T].*)?\s*$")


class DateError(ValueError):
    """A value that is not a possible date in the column's format."""


def split(value: str) -> tuple[int, int, int] | None:
    """The three numbers of a date-like value (any digits), or None."""
    match = _PARTS.match(latin_digits(value))
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def _order_of(parts: tuple[int, int, int]) -> set[str]:
    a, b, c = parts
    if a >= 1000:
        return {"jalali"} if 1200 <= a < 1600 else {"iso"}
    if c < 100:
        return set()
    if 1200 <= c < 1600:
        return {"jalali_dmy"}
    orders = set()
    if a <= 31 and b <= 12:
        orders.add("dmy")
    if a <= 12 and b <= 31:
        orders.add("mdy")
    return orders


def decide_order(values) -> tuple[str | None, str | None]:
    """Pick the column's format from sample values: (order, problem). ``order`` None means ask the user."""
    seen: dict[str, int] = {}
    dates_total = 0
    for value in values:
        if not value or not value.strip():
            continue
        parts = split(value)
        if parts is None:
            continue
        dates_total += 1
        for order in _order_of(parts):
            seen[order] = seen.get(order, 0) + 1
    if not dates_total:
        return None, _("no value looks like a date")
    for fixed in ("jalali", "iso", "jalali_dmy"):
        if seen.get(fixed, 0) * 2 > dates_total:
            return fixed, None
    dmy, mdy = seen.get("dmy", 0), seen.get("mdy", 0)
    if dmy == dates_total and mdy < dates_total:
        return "dmy", None
    if mdy == dates_total and dmy < dates_total:
        return "mdy", None
    if dmy == mdy == dates_total:
        return None, _("every date fits both day-month-year and month-day-year; choose the order")
    return ("dmy" if dmy >= mdy else "mdy"), None


def parse(value: str, order: str) -> date:
    """Convert ``value`` to a Gregorian date, or raise DateError saying why."""
    parts = split(value)
    if parts is None:
        raise DateError(_("not a date"))
    a, b, c = parts
    try:
        if order == "iso":
            if not 1000 <= a < 3000 or (1200 <= a < 1600):
                raise DateError(_("year %(year)s is not a Gregorian year", year=a))
            return date(a, b, c)
        if order == "jalali":
            if not 1200 <= a < 1600:
                raise DateError(_("year %(year)s is not a Jalali year", year=a))
            return jdatetime.date(a, b, c).togregorian()
        if order == "jalali_dmy":
            if not 1200 <= c < 1600:
                raise DateError(_("year %(year)s is not a Jalali year", year=c))
            return jdatetime.date(c, b, a).togregorian()
        if c < 1000 or 1200 <= c < 1600:
            raise DateError(_("year %(year)s is not a Gregorian year", year=c))
        if order == "dmy":
            return date(c, b, a)
        if order == "mdy":
            return date(c, a, b)
    except (ValueError, OverflowError) as error:
        if isinstance(error, DateError):
            raise
        raise DateError(_("impossible date (day or month out of range)")) from None
    raise DateError(_("unknown date order %(order)s", order=order))


def parse_excel(value) -> date | None:
    """Cells openpyxl already read as dates."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None
