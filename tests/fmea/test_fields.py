from datetime import date

import pytest

from workbench.fmea import fields


def test_dates_iso_and_jalali_with_persian_digits(app):
    assert fields.parse_date("2026-12-31", "target_date") == date(2026, 12, 31)
    assert fields.parse_date("۱۴۰۵/۱۰/۱۰", "target_date") == date(2026, 12, 31)
    assert fields.parse_date("1405-10-10", "target_date") == date(2026, 12, 31)
    with pytest.raises(ValueError, match="Target date"):
        fields.parse_date("31/12/2026", "target_date")
    with pytest.raises(ValueError):
        fields.parse_date("1405/13/01", "target_date")


def test_ratings_accept_persian_digits_and_refuse_the_rest(app):
    assert fields.parse_rating("۷", "severity") == 7
    assert fields.parse_rating(" 3 ", "occurrence") == 3
    assert fields.parse_rating("", "detection") is None
    for bad in ("0", "11", "x", "7.5", 7.5, True):
        with pytest.raises(ValueError):
            fields.parse_rating(bad, "severity")
