"""The leadership dashboard: projects and actions by process owner and stage, in a fixed number of GROUP BY queries."""

from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select

from workbench import dates
from workbench.actions import clock, effectiveness
from workbench.actions.models import OPEN_STATUSES, CorrectiveAction, EffectivenessCheck
from workbench.extensions import db
from workbench.models import ProcessOwner, User
from workbench.teams.access import team_scope
from workbench.teams.models import STAGES, ImprovementProject
from workbench.validation import InvalidInput, whole_number

AGE_BUCKETS = ((0, 30), (31, 60), (61, 90), (91, None))
OVERDUE_LIST_SIZE = 20


def quarter_of(day: date) -> tuple[date, date]:
    """First and last day of the calendar quarter holding ``day``."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + (first_month == 10), (first_month + 3 - 1) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def parse_filters(args) -> dict:
    """Owner, team and period from query arguments; the period defaults to this quarter."""
    filters = {}
    for field in ("owner_id", "team_id"):
        value = args.get(field)
        if value not in (None, ""):
            try:
                filters[field] = whole_number(value)
            except ValueError:
                raise InvalidInput({field: _("Expected a number, got “%(value)s”.", value=value)}) from None
    start, end = quarter_of(clock.today())
    filters["start"] = dates.field_date(args.get("from"), "from") or start
    filters["end"] = dates.field_date(args.get("to"), "to") or end
    if filters["end"] < filters["start"]:
        raise InvalidInput({"to": _("The end of the period comes before its start.")})
    return filters


def _empty_row() -> dict:
    return {
        "projects": {stage: 0 for stage in STAGES},
        "projects_total": 0,
        "closed_in_period": 0,
        "actions": {"total": 0, "open": 0, "overdue": 0, "completed": 0, "on_time": 0, "on_time_pct": None,
                    "by_stage": {stage: 0 for stage in STAGES}, "ageing": {f"{a}-{b or ''}": 0 for a, b in AGE_BUCKETS}},
        "complaints": {"before": 0, "after": 0, "change_pct": None, "change_ci_pct": None, "enough_data": False, "needed_before": 0},
    }


def _add(total: dict, row: dict) -> None:
    for stage in STAGES:
        total["projects"][stage] += row["projects"][stage]
        total["actions"]["by_stage"][stage] += row["actions"]["by_stage"][stage]
    for key in ("projects_total", "closed_in_period"):
        total[key] += row[key]
    for key in ("total", "open", "overdue", "completed", "on_time"):
        total["actions"][key] += row["actions"][key]
    for key in total["actions"]["ageing"]:
        total["actions"]["ageing"][key] += row["actions"]["ageing"][key]
    for key in ("before", "after"):
        total["complaints"][key] += row["complaints"][key]


def _finish(row: dict) -> None:
    actions = row["actions"]
    actions["on_time_pct"] = round(100 * actions["on_time"] / actions["completed"], 1) if actions["completed"] else None
    before, after = row["complaints"]["before"], row["complaints"]["after"]
    # A change is shown only with enough complaints to judge it, and always with its interval (never -100% from 1 -> 0).
    result = effectiveness.compare_counts(before, after, 0)
    interval = result.change_ci_pct
    row["complaints"].update(change_pct=result.change_pct, change_ci_pct=list(interval) if interval else None,
                             enough_data=result.enough_data, needed_before=result.needed_before)


def _scoped_projects(stmt, user: User, filters: dict):
    start_dt = datetime.combine(filters["start"], datetime.min.time(), tzinfo=UTC)
    stmt = stmt.where(
        ImprovementProject.started_on <= filters["end"],
        (ImprovementProject.closed_at.is_(None)) | (ImprovementProject.closed_at >= start_dt),
    )
    if filters.get("owner_id"):
        stmt = stmt.where(ImprovementProject.process_owner_id == filters["owner_id"])
    if filters.get("team_id"):
        stmt = stmt.where(ImprovementProject.team_id == filters["team_id"])
    return team_scope(stmt, ImprovementProject.team_id, user)


def build(user: User, filters: dict) -> dict:
    """Every figure of the dashboard for the projects ``user`` may see; five queries whatever the data size."""
    today = clock.today()
    start_dt = datetime.combine(filters["start"], datetime.min.time(), tzinfo=UTC)
    end_dt = datetime.combine(filters["end"] + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    P, A, C = ImprovementProject, CorrectiveAction, EffectivenessCheck
    rows: dict = {}

    def row(owner_id):
        return rows.setdefault(owner_id, _empty_row())

    closed_in_period = func.sum(case((and_(P.closed_at >= start_dt, P.closed_at < end_dt), 1), else_=0))
    stmt = _scoped_projects(select(P.process_owner_id, P.stage, func.count(), closed_in_period), user, filters)
    for owner_id, stage, count, closed in db.session.execute(stmt.group_by(P.process_owner_id, P.stage)):
        r = row(owner_id)
        r["projects"][stage] = count
        r["projects_total"] += count
        r["closed_in_period"] += closed or 0

    is_open = A.status.in_(OPEN_STATUSES)
    completed = A.completed_on.is_not(None)
    columns = [
        P.process_owner_id,
        P.stage,
        func.count(A.id),
        func.sum(case((is_open, 1), else_=0)),
        func.sum(case((and_(is_open, A.due_date < today), 1), else_=0)),
        func.sum(case((completed, 1), else_=0)),
        func.sum(case((and_(completed, A.completed_on <= A.due_date), 1), else_=0)),
    ]
    now = clock.now()
    for low, high in AGE_BUCKETS:
        cond = is_open
        if low:
            cond = and_(cond, A.created_at <= now - timedelta(days=low))
        if high is not None:
            cond = and_(cond, A.created_at > now - timedelta(days=high + 1))
        columns.append(func.sum(case((cond, 1), else_=0)))
    stmt = _scoped_projects(select(*columns).join(P, P.id == A.project_id), user, filters)
    for owner_id, stage, total, open_, overdue, done, on_time, *ages in db.session.execute(
        stmt.group_by(P.process_owner_id, P.stage)
    ):
        actions = row(owner_id)["actions"]
        actions["total"] += total
        actions["by_stage"][stage] += total
        actions["open"] += open_ or 0
        actions["overdue"] += overdue or 0
        actions["completed"] += done or 0
        actions["on_time"] += on_time or 0
        for (low, high), count in zip(AGE_BUCKETS, ages, strict=True):
            actions["ageing"][f"{low}-{high or ''}"] += count or 0

    stmt = _scoped_projects(
        select(P.process_owner_id, func.sum(C.before_count), func.sum(C.after_count)).join(P, P.id == C.project_id), user, filters
    ).where(P.stage == "closed", C.decision == "accepted", C.measured_at.is_not(None))
    for owner_id, before, after in db.session.execute(stmt.group_by(P.process_owner_id)):
        row(owner_id)["complaints"].update(before=before or 0, after=after or 0)

    overdue_stmt = _scoped_projects(
        select(A.id, A.title, A.due_date, A.project_id, P.title, User.name)
        .join(P, P.id == A.project_id)
        .join(User, User.id == A.owner_id)
        .where(is_open, A.due_date < today)
        .order_by(A.due_date, A.id)
        .limit(OVERDUE_LIST_SIZE),
        user,
        filters,
    )
    overdue = [
        {"id": i, "title": t, "due_date": d.isoformat(), "days_overdue": (today - d).days, "project_id": pid, "project": pt, "owner": o}
        for i, t, d, pid, pt, o in db.session.execute(overdue_stmt)
    ]

    owners = {o.id: o for o in db.session.scalars(select(ProcessOwner))}
    result_rows, total = [], _empty_row()
    for owner_id in sorted(rows, key=lambda k: (owners[k].sort_order, k) if k in owners else (10**6, 0)):
        r = rows[owner_id]
        _add(total, r)
        _finish(r)
        owner = owners.get(owner_id)
        result_rows.append(
            {"owner_id": owner_id, "owner_key": owner.key if owner else None,
             "owner_name_en": owner.name_en if owner else None, "owner_name_fa": owner.name_fa if owner else None, **r}
        )
    _finish(total)
    return {
        "period": {"from": filters["start"].isoformat(), "to": filters["end"].isoformat()},
        "filters": {"owner_id": filters.get("owner_id"), "team_id": filters.get("team_id")},
        "today": today.isoformat(),
        "owners": result_rows,
        "totals": total,
        "overdue_actions": overdue,
    }
