"""Pareto and monthly trends, computed with SQL GROUP BY."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Date, DateTime, cast, func, literal_column, select

from workbench.complaint_import.models import Complaint, ExpectationCategory, Theme
from workbench.extensions import db
from workbench.i18n import is_persian
from workbench.models import ProcessOwner
from workbench.validation import InvalidInput

DIMENSIONS = ("process_owner", "category", "theme", "product", "channel")
UNCLASSIFIED = "unclassified"
_COLUMNS = {
    "process_owner": Complaint.process_owner_id,
    "category": Complaint.category,
    "theme": Complaint.theme_id,
    "product": Complaint.product,
    "channel": Complaint.channel,
}


# The complaint-list filter that shows the complaints behind a bar of each dimension.
LIST_FILTERS = {"process_owner": "owner", "category": "category", "theme": "theme", "product": "product", "channel": "channel"}


def drill_down(by: str, key: str, start: date | None = None, end: date | None = None) -> dict[str, str]:
    """Query arguments of the complaint list for one bar (Unclassified included), over the same period."""
    args = {LIST_FILTERS[by]: key}
    if start:
        args["from"] = start.isoformat()
    if end:
        args["to"] = end.isoformat()
    return args


def _period(stmt, start: date | None, end: date | None):
    day = Complaint.received_at
    if db.engine.dialect.name == "sqlite":
        # SQLite's unary "+" (a no-op on the value) keeps its planner off the received_at indexes, which without
        # statistics (no ANALYZE yet) it would take for a period, then look every row up in the table; the
        # (dimension, received_at) index alone answers the grouped query.
        day = literal_column("+complaints.received_at", Date)
    if start:
        stmt = stmt.where(day >= start)
    if end:
        stmt = stmt.where(day <= end)
    return stmt


def _keys(by: str) -> dict:
    """Database value → stable key for a dimension."""
    if by == "process_owner":
        return dict(db.session.execute(select(ProcessOwner.id, ProcessOwner.key)).all())
    if by == "theme":
        return {i: str(i) for i in db.session.scalars(select(Theme.id))}
    return {}


def labels(by: str) -> dict[str, str]:
    """Stable key → display name in the page language."""
    persian = is_persian()
    if by == "process_owner":
        rows = db.session.execute(select(ProcessOwner.key, ProcessOwner.name_en, ProcessOwner.name_fa))
    elif by == "category":
        rows = db.session.execute(select(ExpectationCategory.key, ExpectationCategory.name_en, ExpectationCategory.name_fa))
    elif by == "theme":
        rows = [(str(i), n, n) for i, n in db.session.execute(select(Theme.id, Theme.name))]
    else:
        rows = []
    names = {k: (fa if persian else en) for k, en, fa in rows}
    names[UNCLASSIFIED] = _("Unclassified")
    return names


def pareto(by: str, start: date | None = None, end: date | None = None) -> list[dict]:
    """``[{"key", "count", "cumulative_pct"}]`` sorted by count, most first."""
    if by not in DIMENSIONS:
        raise InvalidInput({"by": _("by must be one of %(values)s.", values=", ".join(DIMENSIONS))})
    column = _COLUMNS[by]
    stmt = _period(select(column, func.count()).group_by(column), start, end)
    keys = _keys(by)
    counts: dict[str, int] = {}
    for value, count in db.session.execute(stmt):
        key = UNCLASSIFIED if value is None else (keys.get(value, str(value)) if keys else str(value))
        counts[key] = counts.get(key, 0) + count
    total = sum(counts.values())
    result, running = [], 0
    for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        running += count
        result.append({"key": key, "count": count, "cumulative_pct": round(100.0 * running / total, 1)})
    return result


def monthly(by: str, start: date | None = None, end: date | None = None, top: int = 5) -> dict:
    """Counts per month for the ``top`` keys of a dimension: ``{"months": [...], "series": {key: [counts]}}``.

    On SQLite counted per key and day on the (dimension, ``received_at``) index, then added up per month here:
    no month expression to compute on every one of a million rows (at most the days of the period times the keys
    come back). PostgreSQL aggregates by hashing anyway, and its ``date_trunc`` is cheap: per key and month there.
    """
    if by not in DIMENSIONS:
        raise InvalidInput({"by": _("by must be one of %(values)s.", values=", ".join(DIMENSIONS))})
    column = _COLUMNS[by]
    day = Complaint.received_at
    if db.engine.dialect.name == "postgresql":
        day = func.date_trunc("month", cast(Complaint.received_at, DateTime))  # a timestamp: no time zone involved
    stmt = _period(select(column, day, func.count()).group_by(column, day), start, end)
    keys = _keys(by)
    table: dict[str, dict[str, int]] = {}
    months: set[str] = set()
    for value, day, count in db.session.execute(stmt):
        key = UNCLASSIFIED if value is None else (keys.get(value, str(value)) if keys else str(value))
        m = f"{day.year:04d}-{day.month:02d}"
        row = table.setdefault(key, {})
        row[m] = row.get(m, 0) + count
        months.add(m)
    ordered = sorted(table, key=lambda k: -sum(table[k].values()))[:top]
    month_list = sorted(months)
    return {"months": month_list, "series": {k: [table[k].get(m, 0) for m in month_list] for k in ordered}}
