"""Shared persistence helpers (core): optimistic locking.

Every business record carries a ``version`` that SQLAlchemy's
``version_id_col`` (set on ``TimestampMixin``) puts in the WHERE clause of its
UPDATE and DELETE and raises by one. ``check_version`` compares the version the
client read before anything is changed, and the UPDATE itself refuses a write
that lost the race; ``VersionedSession.flush`` turns the ORM's
``StaleDataError`` into the one domain error, ``Conflict``, with the stored
record and what was sent, in one place.
"""

from flask_babel import gettext as _
from flask_sqlalchemy.session import Session
from sqlalchemy import inspect, select
from sqlalchemy.orm.exc import StaleDataError

from workbench.validation import Conflict, InvalidInput, whole_number

# session.info key: what each request sent for a record, by (class, id), for the 409 body.
_SUBMITTED = "workbench.submitted"


def plain(value):
    """A JSON-friendly value (dates as ISO text)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def record_values(row) -> dict:
    """Column values of a model instance or a result mapping, JSON-friendly."""
    if hasattr(row, "__table__"):
        return {c.key: plain(getattr(row, c.key)) for c in row.__table__.columns}
    return {key: plain(value) for key, value in dict(row).items()}


def submitted_version(data: dict, field: str = "version") -> int | None:
    """The version in ``data``: None when absent or empty; 400 naming the field when it is not a whole number."""
    value = data.get(field)
    if value is None or value == "":
        return None
    try:
        return whole_number(value)
    except (TypeError, ValueError):
        raise InvalidInput({field: _("%(field)s must be a whole number (the version you read).", field=field)}) from None


def check_version(record, data: dict, field: str = "version", required: bool = False) -> None:
    """Refuse an edit of ``record`` unless ``data`` carries the version it was read at.

    A stale version, or none where ``required`` (every edit from the API and
    the forms): Conflict (409) with the stored record and what was sent. A
    non-numeric one: InvalidInput (400) naming the field. Without a version
    (internal callers: demo data, CLI, imports) the UPDATE still checks the
    version the record was loaded at, so no edit is lost either way.
    """
    sent = submitted_version(data, field)
    session = inspect(record).session
    if session is not None:
        session.info.setdefault(_SUBMITTED, {})[(type(record), record.id)] = data
    if sent is None:
        if required:
            raise Conflict(current=record_values(record), submitted=data, missing=True)
        return
    if sent != record.version:
        raise Conflict(current=record_values(record), submitted=data)


class VersionedSession(Session):
    """The app's session: a write that lost the optimistic-locking race becomes ``Conflict``."""

    def flush(self, objects=None) -> None:
        # The flush's own rollback expires everything, so note beforehand which versioned rows are written, at which version.
        pending = [
            (type(obj), state.identity, state.committed_state.get("version", obj.__dict__.get("version")))
            for obj in self.dirty.union(self.deleted)
            if (state := inspect(obj)).mapper.version_id_col is not None and state.identity is not None
        ]
        try:
            super().flush(objects)
        except StaleDataError as error:
            raise self._conflict(pending) from error

    def _conflict(self, pending) -> Conflict:
        """The Conflict for the first row whose stored version is no longer the one read (or that is gone)."""
        sent = self.info.get(_SUBMITTED, {})
        # The session's transaction is already rolled back; read what is stored now on a connection of its own.
        with self.get_bind().connect() as connection:
            for model, identity, version in pending:
                table = model.__table__
                keys = [column for column in table.primary_key.columns]
                row = connection.execute(select(table).where(*(c == v for c, v in zip(keys, identity, strict=True)))).mappings().first()
                if row is None or row["version"] != version:
                    submitted = sent.get((model, identity[0])) or {"version": version}
                    return Conflict(current=record_values(row) if row is not None else None, submitted=submitted)
        model, identity, version = pending[0] if pending else (None, (None,), None)
        return Conflict(current=None, submitted=sent.get((model, identity[0])) or {"version": version})
