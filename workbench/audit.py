"""The audit trail: every insert, update and delete of an ``Audited`` model is
recorded field by field in the same transaction as the change itself."""

import contextvars
import hashlib
import json
from datetime import date, datetime

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from workbench.extensions import db
from workbench.models import Audited, AuditLog, utcnow

# Who acts outside a request (CLI, background jobs): set with ``acting_as``.
_cli_actor: contextvars.ContextVar = contextvars.ContextVar("audit_actor", default=None)


class acting_as:
    """Context manager naming the actor for changes made outside a web request."""

    def __init__(self, label: str, user_id: int | None = None):
        self.value = (user_id, label)

    def __enter__(self):
        self.token = _cli_actor.set(self.value)

    def __exit__(self, *exc):
        _cli_actor.reset(self.token)


def _current_actor() -> tuple[int | None, str]:
    if has_request_context():
        if current_user and current_user.is_authenticated:
            return current_user.id, current_user.email
    value = _cli_actor.get()
    return value if value else (None, "system")


# A value longer than this is recorded as its first ``KEPT_PREFIX`` characters, its SHA-256 and
# its length: editing a long text must not copy megabytes into the trail on every save, and the
# hash still proves what the value was.
VALUE_LIMIT = 4096
KEPT_PREFIX = 1000


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (datetime, date)):
        text = value.isoformat()
    elif isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    return digest(text) if len(text) > VALUE_LIMIT else text


def digest(text: str) -> str:
    """A long value as recorded in the trail: prefix, SHA-256 of the whole (UTF-8) and its length."""
    sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{text[:KEPT_PREFIX]}… [sha256 {sha}, {len(text)} characters]"


def _record_id(obj) -> str:
    # The identity key is only assigned after the flush; the primary key is already set.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in key)


def _rows_for(obj, action: str) -> list[dict]:
    state = inspect(obj)
    mapper = state.mapper
    exclude = set(getattr(obj, "__audit_exclude__", ()))
    rows = []
    for column_attr in mapper.column_attrs:
        key = column_attr.key
        if key in exclude:
            continue
        if action == "create":
            old, new = None, state.dict.get(key)
            if new is None:
                continue
        elif action == "delete":
            old, new = state.dict.get(key), None
            if old is None:
                continue
        else:
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if _text(old) == _text(new):
                continue
        rows.append({"field": key, "old_value": _text(old), "new_value": _text(new)})
    return rows


@event.listens_for(Session, "after_flush")
def _write_audit_rows(session: Session, flush_context) -> None:
    """Turn the flushed changes into audit rows inside the same transaction."""
    pending = []
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if not isinstance(obj, Audited):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            fields = _rows_for(obj, action)
            if not fields and action != "delete":
                continue
            table = obj.__table__.name
            record_id = _record_id(obj)
            for row in fields or [{"field": None, "old_value": None, "new_value": None}]:
                pending.append(
                    {"action": action, "table_name": table, "record_id": record_id, **row}
                )
    if not pending:
        return
    actor_id, actor = _current_actor()
    now = utcnow()
    for row in pending:
        row.update(actor_id=actor_id, actor=actor, at=now)
    session.connection().execute(insert(AuditLog.__table__), pending)


@event.listens_for(Audited, "instrument_class", propagate=True)
def _ids_never_reused(mapper, cls) -> None:
    """On SQLite an audited record's id is never reused, so two records never share a history."""
    table = getattr(cls, "__table__", None)
    if table is not None:
        table.dialect_kwargs["sqlite_autoincrement"] = True


@event.listens_for(AuditLog, "before_update")
@event.listens_for(AuditLog, "before_delete")
def _audit_is_append_only(mapper, connection, target) -> None:
    raise RuntimeError("audit rows are never changed or deleted")


def history(table_name: str, record_id) -> list[AuditLog]:
    """Return the audit rows of one record, oldest first."""
    return list(
        db.session.scalars(
            select(AuditLog)
            .where(AuditLog.table_name == table_name, AuditLog.record_id == str(record_id))
            .order_by(AuditLog.at, AuditLog.id)
        )
    )
