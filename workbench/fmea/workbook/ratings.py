"""Ratings on other scales (1-5, 1-6, 0-100 %, letters): detected per column and converted to 1-10 by a mapping the user sees.

A scale is ``{"name", "mapping", "why"}``: ``mapping`` takes the sheet's value (as text) to 1-10,
``why`` says what gave the scale away. ``"1-10"`` has no mapping: values are taken as they are.
"""

import math
import re

from flask_babel import gettext as _

from workbench.dates import to_latin_digits

# Letter scales, highest risk first: the proposed 1-10 for each letter.
LETTER_SCALES = (
    ("VH", "H", "M", "L", "VL"),
    ("H", "M", "L"),
    ("A", "B", "C", "D", "E"),
    ("I", "II", "III", "IV"),
)
LETTER_WORDS = {"VERY HIGH": "VH", "HIGH": "H", "MEDIUM": "M", "MODERATE": "M", "LOW": "L", "VERY LOW": "VL"}
_SCALE_IN_TITLE = re.compile(r"(\d+)\s*(?:-|–|—|to|تا|\.\.)\s*(\d+)\s*(%?)")


def key(value) -> str:
    """A rating cell as the mapping looks it up: digits in Latin, letters upper case, words as letters."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = to_latin_digits(str(value).strip()).upper()
    return LETTER_WORDS.get(text, text)


def _linear(top: int) -> dict[str, int]:
    return {str(v): math.floor(1 + (v - 1) * 9 / (top - 1) + 0.5) for v in range(1, top + 1)}


def _percent() -> dict[str, int]:
    # Shown to the user; ``convert`` applies the same bands to any value from 0 to 100 %.
    return {f"{max(0, band * 10 - 9)}-{band * 10}%": band for band in range(1, 11)}


def named(name: str) -> dict:
    """The scale called ``name`` ("1-10", "1-5", "1-6", "percent", or a letter scale "H/M/L")."""
    if name == "1-10":
        return {"name": name, "mapping": {}}
    if name in ("1-4", "1-5", "1-6"):
        return {"name": name, "mapping": _linear(int(name[2:]))}
    if name == "percent":
        return {"name": name, "mapping": _percent()}
    for letters in LETTER_SCALES:
        if name == "/".join(letters):
            step = 9 / (len(letters) - 1)
            return {"name": name, "mapping": {lt: math.floor(10 - i * step + 0.5) for i, lt in enumerate(letters)}}
    raise ValueError(name)


def choices() -> list[str]:
    """Every scale the mapping step offers."""
    return ["1-10", "1-4", "1-5", "1-6", "percent", *["/".join(s) for s in LETTER_SCALES]]


def parse_custom(text: str) -> dict:
    """A scale typed as ``A:10, B:8, C:5`` (value:rating pairs); ValueError naming the bad pair."""
    mapping = {}
    for pair in str(text).split(","):
        if not pair.strip():
            continue
        value, _sep, rating = pair.partition(":") if ":" in pair else pair.partition("=")
        rating = to_latin_digits(rating.strip())
        if not value.strip() or not rating.isdigit() or not 1 <= int(rating) <= 10:
            raise ValueError(_("“%(pair)s” is not value:rating with a rating from 1 to 10.", pair=pair.strip()))
        mapping[key(value)] = int(rating)
    if not mapping:
        raise ValueError(_("Give the scale as value:rating pairs, e.g. A:10, B:7, C:4, D:1."))
    return {"name": "custom", "mapping": mapping}


def detect(values: list, title: str, key_top: int | None) -> dict:
    """The scale a rating column seems to use, from its title, the rating key sheet and its values."""
    found = _SCALE_IN_TITLE.search(to_latin_digits(title or ""))  # "شدت (۱ تا ۵)" says 1-5 too
    if found and found.group(3) == "%" or found and found.group(1) == "0" and found.group(2) == "100":
        return {**named("percent"), "why": _("the title says %(scale)s", scale=found.group(0))}
    if found and found.group(1) == "1" and found.group(2) in ("4", "5", "6"):
        return {**named("1-" + found.group(2)), "why": _("the title says %(scale)s", scale=found.group(0))}
    keys = [key(v) for v in values if str(v).strip()]
    if not keys:
        return {**named("1-10"), "why": ""}
    above_ten = sum(1 for k in keys if _number(k) is not None and 10 < _number(k) <= 100)
    if any(k.endswith("%") for k in keys) or above_ten * 2 >= len(keys):
        return {**named("percent"), "why": _("values above 10 or with %")}
    fractions = [_number(k) for k in keys if _number(k) is not None]
    if fractions and all(0 <= f <= 1 for f in fractions) and any(0 < f < 1 for f in fractions):
        return {**named("percent"), "why": _("values are fractions from 0 to 1")}
    letters = {k for k in keys if _number(k) is None}
    for scale in LETTER_SCALES:
        if letters and letters <= set(scale):
            return {**named("/".join(scale)), "why": _("letter ratings")}
    if key_top in (4, 5, 6):
        return {**named(f"1-{key_top}"), "why": _("the rating key sheet ranks 1 to %(top)s", top=key_top)}
    return {**named("1-10"), "why": ""}


def _number(text: str) -> float | None:
    try:
        return float(text.rstrip("%"))
    except ValueError:
        return None


def convert(value, scale: dict):
    """The 1-10 rating for a sheet value under ``scale`` (the value itself for 1-10); ValueError for a value the scale lacks."""
    if scale.get("name") == "percent":
        text = key(value)
        number = _number(text)
        if number is not None and not text.endswith("%") and 0 < number < 1:
            number *= 100  # a fraction
        if number is not None and 0 <= number <= 100:
            return max(1, math.ceil(number / 10))
    elif not scale.get("mapping"):
        return value
    elif key(value) in scale["mapping"]:
        return scale["mapping"][key(value)]
    raise ValueError(_("“%(value)s” is not on the %(scale)s scale.", value=value, scale=scale["name"]))


def small_values_note(values: list) -> str:
    """A note when every value of a 1-10 column is 6 or less (maybe a shorter scale): kept, but said."""
    numbers = [_number(key(v)) for v in values if str(v).strip()]
    numbers = [n for n in numbers if n is not None]
    if len(numbers) >= 5 and max(numbers) <= 6:
        return _("every value is %(top)s or less: if the sheet uses a 1-%(top)s scale, choose it in the mapping", top=int(max(numbers)))
    return ""
