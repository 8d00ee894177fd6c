"""Spreadsheet cells that never run: the one rule for every CSV and XLSX cell the app writes.

A text a spreadsheet would read as a formula or a DDE call (first visible
character = + - @, or a leading tab or carriage return) is written with an
apostrophe in front, so it shows as the text it is. Invisible characters
before it (spaces, bidi marks and isolates, zero-width joiners, BOM) do not
hide it. The importers take the apostrophe off again (``unneutralised``).
"""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters a reader does not see and some spreadsheets skip before the first one that counts.
_INVISIBLE = " \u00a0\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"


def is_risky(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` (tab and CR count even when first)."""
    return text.startswith(FORMULA_START) or text.lstrip(_INVISIBLE).startswith(FORMULA_START)


def neutralised(value):
    """``value`` as a cell: risky text gets a leading apostrophe; numbers, dates and safe text pass unchanged."""
    if isinstance(value, str) and is_risky(value):
        return "'" + value
    return value


def unneutralised(text: str) -> str:
    """Reading our own export back: the apostrophe ``neutralised`` added comes off."""
    if text.startswith("'") and is_risky(text[1:]):
        return text[1:]
    return text
