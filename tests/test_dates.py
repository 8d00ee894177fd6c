"""workbench.dates: the one parser every form, API, filter and import uses, and the display helpers."""

from datetime import UTC, date, datetime

import pytest

from workbench import create_app, dates
from workbench.validation import InvalidInput


@pytest.fixture(scope="module")
def page():
    """A request context whose language the test chooses (messages are translated)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    def open_page(lang="en"):
        return app.test_request_context(f"/?lang={lang}")

    return open_page


READ = [
    # value, order, Gregorian date
    ("2024-08-02", None, date(2024, 8, 2)),
    ("2024/8/2", None, date(2024, 8, 2)),
    ("2024.08.02", None, date(2024, 8, 2)),
    ("2024 08 02", None, date(2024, 8, 2)),
    (" 2024 - 08 - 02 ", None, date(2024, 8, 2)),
    ("2024-08-02T10:15:00+03:30", None, date(2024, 8, 2)),
    ("1403/05/12", None, date(2024, 8, 2)),  # Jalali, Latin digits
    ("۱۴۰۳/۰۵/۱۲", None, date(2024, 8, 2)),  # Persian digits
    ("١٤٠٣/٠٥/١٢", None, date(2024, 8, 2)),  # Arabic-Indic digits
    ("۱۴۰۳-۵-۱۲", None, date(2024, 8, 2)),
    ("٢٠٢٤-٠٨-٠٢", None, date(2024, 8, 2)),  # Gregorian in Arabic-Indic digits
    ("1403/12/30", None, date(2025, 3, 20)),  # 30 Esfand of the leap year 1403
    ("1399/12/30", None, date(2021, 3, 20)),
    ("1279/01/01", None, date(1900, 3, 21)),  # first accepted Jalali day
    ("1479/12/29", None, date(2101, 3, 20)),  # last accepted Jalali year
    ("1900-01-01", None, date(1900, 1, 1)),
    ("2100-12-31", None, date(2100, 12, 31)),
    ("2024-08-02", "iso", date(2024, 8, 2)),
    ("1403/05/12", "jalali", date(2024, 8, 2)),
    ("02/08/2024", "dmy", date(2024, 8, 2)),  # the same text, day first ...
    ("02/08/2024", "mdy", date(2024, 2, 8)),  # ... or month first
    ("31.12.2024", "dmy", date(2024, 12, 31)),
    ("12/31/2024 11:59 PM", "mdy", date(2024, 12, 31)),
    ("12/05/1403", "jalali_dmy", date(2024, 8, 2)),
    ("۱۲/۰۵/۱۴۰۳", "jalali_dmy", date(2024, 8, 2)),
    ("29/02/2024", "dmy", date(2024, 2, 29)),
]


@pytest.mark.parametrize(("value", "order", "expected"), READ)
def test_reads(page, value, order, expected):
    with page():
        assert dates.parse(value, order) == expected


REFUSED = [
    # value, order, words the English message must contain
    ("1402/12/30", None, "month 12 of 1402 has 29 days"),  # 1402 is not a leap year
    ("1403/12/31", None, "month 12 of 1403 has 30 days"),
    ("2023-02-29", None, "month 2 of 2023 has 28 days"),
    ("31/04/2024", "dmy", "month 4 of 2024 has 30 days"),
    ("1403/13/01", None, "there is no month 13"),
    ("1403/00/10", "jalali", "there is no month 0"),
    ("1899-12-31", None, "year 1899 is neither a Gregorian year (1900-2100) nor a Jalali year (1279-1479)"),
    ("2101-01-01", None, "year 2101 is neither"),
    ("1278/12/29", None, "year 1278 is neither"),
    ("1480/01/01", None, "year 1480 is neither"),
    ("1403-01-05", "iso", "year 1403 is not a Gregorian year (accepted 1900-2100)"),  # never Gregorian 1403
    ("2024/08/02", "jalali", "year 2024 is not a Jalali year (accepted 1279-1479)"),
    ("02/08/1850", "dmy", "year 1850 is not a Gregorian year"),
    ("02/08/24", "dmy", "year 24 is not a Gregorian year"),
    ("02/08/2024", None, "not a date; write it like 1403/05/12 (Jalali) or 2024-08-02"),  # order unknown: refused
    ("2024-08-02", "dmy", "write it like 02/08/2024"),
    ("tomorrow", None, "not a date"),
    ("2024-08", None, "not a date"),
    ("2024-08-02 soon", None, "not a date"),
    ("2024-08-02 25:00", None, "impossible time of day"),
    ("", None, "not a date"),
    ("2" * 10_000, None, "not a date"),
    ("1403/05/12", "ymd", "unknown date order ymd"),
]


@pytest.mark.parametrize(("value", "order", "words"), REFUSED)
def test_refuses_with_a_message_naming_the_value(page, value, order, words):
    with page(), pytest.raises(dates.DateError) as caught:
        dates.parse(value, order)
    assert isinstance(caught.value, ValueError)
    assert words in caught.value.reason
    message = str(caught.value)
    assert message.startswith(f"“{value[:40]}") and words in message
    assert len(message) < 200  # a long value is cut, not echoed whole


def test_messages_are_translated(page):
    with page("fa"), pytest.raises(dates.DateError) as caught:
        dates.parse("۱۴۰۲/۱۲/۳۰")
    assert str(caught.value) == "«۱۴۰۲/۱۲/۳۰»: تاریخ ناممکن: ماه ۱۲ سال ۱۴۰۲، ۲۹ روز دارد."
    with page("fa"), pytest.raises(dates.DateError) as caught:
        dates.parse("1899-01-01")
    assert "نه سال میلادی" in str(caught.value)
    with page("fa"):
        assert dates.DateError("x", "y").named("تاریخ هدف") == "تاریخ هدف «x»: y."


def test_optional_values_and_objects(page):
    with page():
        assert dates.parse_optional(None) is None
        assert dates.parse_optional("  ") is None
        assert dates.parse_optional(date(2024, 8, 2)) == date(2024, 8, 2)
        assert dates.parse_optional(datetime(2024, 8, 2, 23, 0)) == date(2024, 8, 2)
        for wrong in (20240802, True, ["2024-08-02"]):
            with pytest.raises(dates.DateError):
                dates.parse_optional(wrong)
        with pytest.raises(InvalidInput) as caught:
            dates.field_date("1403/13/01", "due_date")
        assert list(caught.value.errors) == ["due_date"] and "1403/13/01" in caught.value.errors["due_date"]


def test_a_time_after_the_date_is_checked_and_dropped(page):
    with page():
        assert dates.parse("2024-08-02T10:15:30.5+03:30") == date(2024, 8, 2)
        assert dates.parse("2024-08-02 10:15Z") == date(2024, 8, 2)
        assert dates.parse("۱۴۰۳/۰۵/۱۲ ۰۹:۰۵") == date(2024, 8, 2)
        assert dates.parse("8/2/2024 12:30 AM", "mdy") == date(2024, 8, 2)
        for bad in ("2024-08-02 13:00 PM", "2024-08-02 10:61", "2024-08-02T10:00+25:00", "2024-08-02 10"):
            with pytest.raises(dates.DateError):
                dates.parse(bad)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2024-08-02", "2024-08-03", ""], ("iso", None)),
        (["1403/05/12", "۱۴۰۳/۰۵/۱۳"], ("jalali", None)),
        (["12/05/1403"], ("jalali_dmy", None)),
        (["02/08/2024", "25/08/2024"], ("dmy", None)),  # 25 cannot be a month
        (["08/02/2024", "08/25/2024"], ("mdy", None)),
        (["02/08/2024", "03/08/2024"], (None, "every date fits both day-month-year and month-day-year; choose the order")),
        (["late", ""], (None, "no value looks like a date")),
    ],
)
def test_decide_order(page, values, expected):
    with page():
        assert dates.decide_order(values) == expected


def test_digits():
    assert dates.to_latin_digits("۱۴۰۳/٠٥/12 ok") == "1403/05/12 ok"
    assert dates.to_persian_digits("1403/05/12") == "۱۴۰۳/۰۵/۱۲"
    assert dates.to_persian_digits(42) == "۴۲"


def test_display(page):
    assert dates.jalali_text(date(2024, 8, 2)) == "1403/05/12"
    assert dates.jalali_text(datetime(2025, 3, 20, 14, 5), with_time=True) == "1403/12/30 14:05"
    assert dates.input_text(date(2024, 8, 2), jalali=True) == "1403/05/12"
    assert dates.input_text("2024-08-02", jalali=False) == "2024-08-02"
    assert dates.input_text("1403/5/12x", jalali=True) == "1403/5/12x"  # what was typed, shown back
    from workbench.i18n import format_date, format_datetime

    with page("fa"):
        assert format_date(date(2024, 8, 2)) == "۱۴۰۳/۰۵/۱۲"
        assert format_datetime(datetime(2024, 8, 2, 6, 0, tzinfo=UTC)) == "۱۴۰۳/۰۵/۱۲ ۰۹:۳۰"  # Tehran time
    with page("en"):
        assert format_date(date(2024, 8, 2)) == "Aug 2, 2024"
