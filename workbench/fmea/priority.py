"""RPN and the AIAG-VDA 2019 Action Priority (the same table for PFMEA and DFMEA).

The handbook's AP table groups each rating into bands and gives H, M or L for
every band combination. ``AP_TABLE`` holds it row by row as printed:
severity band → occurrence band → the four detection bands
(D 7-10, D 5-6, D 2-4, D 1).
"""

SEVERITY_BANDS = ((9, 10), (7, 8), (4, 6), (2, 3), (1, 1))
OCCURRENCE_BANDS = ((8, 10), (6, 7), (4, 5), (2, 3), (1, 1))
DETECTION_BANDS = ((7, 10), (5, 6), (2, 4), (1, 1))

# Severity band → occurrence band → AP for D 7-10, 5-6, 2-4, 1.
AP_TABLE: dict[tuple[int, int], dict[tuple[int, int], str]] = {
    (9, 10): {(8, 10): "HHHH", (6, 7): "HHHH", (4, 5): "HHHM", (2, 3): "HMLL", (1, 1): "LLLL"},
    (7, 8): {(8, 10): "HHHH", (6, 7): "HHHM", (4, 5): "HMMM", (2, 3): "MMLL", (1, 1): "LLLL"},
    (4, 6): {(8, 10): "HHMM", (6, 7): "MMML", (4, 5): "MLLL", (2, 3): "LLLL", (1, 1): "LLLL"},
    (2, 3): {(8, 10): "MMLL", (6, 7): "LLLL", (4, 5): "LLLL", (2, 3): "LLLL", (1, 1): "LLLL"},
    (1, 1): {(8, 10): "LLLL", (6, 7): "LLLL", (4, 5): "LLLL", (2, 3): "LLLL", (1, 1): "LLLL"},
}

PRIORITY_ORDER = {"H": 3, "M": 2, "L": 1}


def check_rating(value, name: str = "rating") -> int:
    """Return ``value`` when it is a whole number 1-10; raise ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number from 1 to 10, got {value!r}")
    if not 1 <= value <= 10:
        raise ValueError(f"{name} must be from 1 to 10, got {value}")
    return value


def _band(value: int, bands) -> tuple[int, int]:
    for low, high in bands:
        if low <= value <= high:
            return (low, high)
    raise ValueError(value)  # unreachable after check_rating


def action_priority(s, o, d) -> str:
    """The AIAG-VDA 2019 Action Priority "H", "M" or "L" of severity, occurrence, detection."""
    s = check_rating(s, "severity")
    o = check_rating(o, "occurrence")
    d = check_rating(d, "detection")
    row = AP_TABLE[_band(s, SEVERITY_BANDS)][_band(o, OCCURRENCE_BANDS)]
    return row[DETECTION_BANDS.index(_band(d, DETECTION_BANDS))]


def rpn(s, o, d) -> int:
    """Risk priority number S × O × D (each 1-10)."""
    return check_rating(s, "severity") * check_rating(o, "occurrence") * check_rating(d, "detection")


def rating_or_none(s, o, d) -> tuple[int | None, str | None]:
    """RPN and AP when all three ratings are given, else ``(None, None)``."""
    if s is None or o is None or d is None:
        return None, None
    return rpn(s, o, d), action_priority(s, o, d)
