"""One rule for every exported spreadsheet cell: nothing a spreadsheet could run, whatever hides in front of it."""

from datetime import date

from workbench.spreadsheets import is_risky, neutralised, unneutralised


def test_formula_starts_are_neutralised_and_read_back():
    for text in ("=1+1", "+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", " =cmd|' /C calc'!A0", "\u202e=evil", "\u2066+1\u2069", "\ufeff@x", "\u200f-1"):
        assert is_risky(text), repr(text)
        assert neutralised(text) == "'" + text
        assert unneutralised(neutralised(text)) == text
    for value in ("a=b", "", "plain", "'quoted", "۱۲۳", 5, -3, 1.5, None, date(2026, 1, 1)):
        assert neutralised(value) == value
    assert unneutralised("'plain") == "'plain"  # an apostrophe someone typed stays
