"""Small helpers for WTForms shared by every capability."""

from wtforms import SelectChoice


def choices(pairs) -> list[SelectChoice]:
    """Turn ``(value, label)`` pairs into WTForms select choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]
