"""The domain errors (core), shared by services, forms, the API and the CLI.

Services raise these and never an HTTP error; ``workbench.errors`` maps each to
HTTP in one place: ``InvalidInput`` 400, ``NotFound`` 404, ``Forbidden`` 403,
``Conflict`` and ``Frozen`` 409.
"""

from flask_babel import gettext as _


class InvalidInput(Exception):
    """Input broke a rule; ``errors`` maps each field to a readable message."""

    def __init__(self, errors: dict[str, str] | str):
        if isinstance(errors, str):
            errors = {"_": errors}
        self.errors = {k: str(v) for k, v in errors.items()}
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class NotFound(Exception):
    """The record does not exist, or the user may not see it (answered 404: the two are not told apart)."""

    def __init__(self, message: str | None = None):
        self.message = message
        super().__init__(message or "not found")


class Forbidden(Exception):
    """The user may see the record but not do this to it (answered 403)."""

    def __init__(self, message: str | None = None):
        self.message = message
        super().__init__(message or "forbidden")


class Conflict(Exception):
    """Someone else changed the record first, or the edit did not say which version it read (optimistic locking).

    ``current`` is the stored record (None when it was deleted), ``submitted``
    what the edit sent; ``missing`` is True when the edit carried no version.
    """

    def __init__(self, current: dict | None, submitted: dict, missing: bool = False):
        self.current = current
        self.submitted = submitted
        self.missing = missing
        super().__init__("the record was changed by someone else")


class Frozen(Exception):
    """The record belongs to a closed, signed project: read-only until it is reopened (answered 409)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# Largest id or count a database integer column holds (PostgreSQL INTEGER; SQLite refuses past 2**63).
INT_LIMIT = 2**31 - 1


def whole_number(value) -> int:
    """``int(value)`` for ids and counts; ValueError when it is not one or will not fit the database."""
    if isinstance(value, bool):
        raise ValueError(value)
    number = int(value)
    if not -INT_LIMIT <= number <= INT_LIMIT:
        raise ValueError(value)
    return number


def text_value(value, field: str, default: str = "") -> str:
    """A text field from a JSON body: None is ``default``; numbers, lists and objects are refused."""
    if value is None:
        return default
    if not isinstance(value, str):
        raise InvalidInput({field: _("%(field)s must be text.", field=field)})
    return value
