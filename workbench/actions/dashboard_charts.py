"""The dashboard's charts: projects by stage and owner, overdue actions by age, the on-time rate and
the complaints per month (with project closures marked), each trend on a true time axis."""

from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select

from workbench import charts
from workbench.actions import clock, exports
from workbench.actions.dashboard import _scoped_projects
from workbench.actions.models import OPEN_STATUSES, CorrectiveAction
from workbench.complaint_import.models import Complaint
from workbench.extensions import db
from workbench.i18n import is_persian, persian_digits
from workbench.teams.labels import stage_label
from workbench.teams.models import STAGES, ImprovementProject

# Days past the due date of still open actions.
OVERDUE_AGES = ((1, 30), (31, 60), (61, 90), (91, None))
TREND_MONTHS = 24
STAGE_COLOURS = ("#98a2b3", "#f79009", "#7a5af8", "#1f5fbf", "#0e9384", "#12b76a")


def _month(column):
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def trend_window(end: date) -> tuple[date, date]:
    """The months the trends cover: ``TREND_MONTHS`` months up to the end of the dashboard's period."""
    last = charts.month_start(end.isoformat())
    return charts.add_months(last, -(TREND_MONTHS - 1)), last


def overdue_by_age(user, filters: dict) -> list[int]:
    """Open actions past their due date, counted by how many days past (one count per ``OVERDUE_AGES``)."""
    today = clock.today()
    A, P = CorrectiveAction, ImprovementProject
    open_late = and_(A.status.in_(OPEN_STATUSES), A.due_date < today)
    columns = []
    for low, high in OVERDUE_AGES:
        cond = and_(open_late, A.due_date <= today - timedelta(days=low))
        if high is not None:
            cond = and_(cond, A.due_date >= today - timedelta(days=high))
        columns.append(func.sum(case((cond, 1), else_=0)))
    found = db.session.execute(_scoped_projects(select(*columns).join(P, P.id == A.project_id), user, filters)).first()
    return [int(v or 0) for v in (found or [0] * len(OVERDUE_AGES))]


def on_time_by_month(user, filters: dict, start: date, last: date) -> list[tuple[date, float | None]]:
    """Per month: of the actions due that month (and already due), the share done by their due date; None when none was due."""
    today = clock.today()
    A, P = CorrectiveAction, ImprovementProject
    month = _month(A.due_date).label("month")
    on_time = func.sum(case((and_(A.completed_on.is_not(None), A.completed_on <= A.due_date), 1), else_=0))
    window = {**filters, "start": start}  # projects open at any time in the window, not only in the period
    stmt = _scoped_projects(select(month, func.count(A.id), on_time).join(P, P.id == A.project_id), user, window).where(
        A.due_date >= start, A.due_date < charts.add_months(last, 1), A.due_date <= today
    )
    rates = {m: 100.0 * (ok or 0) / due for m, due, ok in db.session.execute(stmt.group_by(month)) if due}
    return [(day, rates.get(day.strftime("%Y-%m"))) for day in _months(start, last)]


def complaints_by_month(filters: dict, start: date, last: date) -> list[tuple[date, float | None]]:
    """Complaints received per month (of the chosen process owner); months after today are not measured yet.

    Counted per day on the ``received_at`` index (at most 731 groups), then added up per month here:
    no month expression to compute on every one of a million rows.
    """
    stmt = select(Complaint.received_at, func.count()).where(
        Complaint.received_at >= start, Complaint.received_at < charts.add_months(last, 1))
    if filters.get("owner_id"):
        stmt = stmt.where(Complaint.process_owner_id == filters["owner_id"])
    counts: dict[date, int] = {}
    for day, count in db.session.execute(stmt.group_by(Complaint.received_at)):
        month = date(day.year, day.month, 1)
        counts[month] = counts.get(month, 0) + count
    today = clock.today()
    return [(month, float(counts.get(month, 0)) if month <= today else None) for month in _months(start, last)]


def closures(user, filters: dict, start: date, last: date) -> list[tuple[date, str]]:
    """Projects the user may see that closed within the trend window: ``(day, title)``."""
    P = ImprovementProject
    begin = datetime.combine(start, datetime.min.time(), tzinfo=UTC)
    stop = datetime.combine(charts.add_months(last, 1), datetime.min.time(), tzinfo=UTC)
    stmt = _scoped_projects(select(P.closed_at, P.title), user, {**filters, "start": start}).where(
        P.stage == "closed", P.closed_at >= begin, P.closed_at < stop)
    return [(closed.date(), title) for closed, title in db.session.execute(stmt.order_by(P.closed_at))]


def _months(start: date, last: date) -> list[date]:
    found, day = [], start
    while day <= last:
        found.append(day)
        day = charts.add_months(day, 1)
    return found


def build(user, filters: dict, data: dict) -> dict:
    """The four charts as SVG for the dashboard page (``data`` is ``dashboard.build``'s), each None when it has nothing to show."""
    rtl = is_persian()
    common = {"rtl": rtl, "digits": persian_digits}
    start, last = trend_window(filters["end"])
    end = charts.add_months(last, 1) - timedelta(days=1)
    rows = [(exports.owner_name(r, "fa" if rtl else "en"), [r["projects"][s] for s in STAGES]) for r in data["owners"] if r["projects_total"]]
    by_stage = charts.stacked_bars(rows, [stage_label(s) for s in STAGES], label=_("Projects by stage and process owner"),
                                   colours=STAGE_COLOURS, css_class="chart-projects", **common) if rows else None
    ages = overdue_by_age(user, filters)
    names = [_("1–30 days"), _("31–60 days"), _("61–90 days"), _("over 90 days")]
    overdue = charts.bars(list(zip(names, ages, strict=True)), label=_("Overdue actions by days past due"),
                          colours=("#fdb022", "#f79009", "#dc6803", "#b42318"), css_class="chart-overdue", **common) if any(ages) else None
    on_time = on_time_by_month(user, filters, start, last)
    trend_args = {"start": start, "end": end, "jalali": rtl, **common}
    rate = charts.time_series(on_time, label=_("On-time rate of the actions due each month"), percent=True,
                              css_class="chart-on-time", colour="#12b76a", **trend_args) \
        if any(v is not None for _d, v in on_time) else None
    complaints = complaints_by_month(filters, start, last)
    marks = [(day, _("Closed: %(title)s", title=title)) for day, title in closures(user, filters, start, last)]
    volume = charts.time_series(complaints, label=_("Complaints per month"), markers=marks, css_class="chart-complaints",
                                **trend_args) if any(v for _d, v in complaints) else None
    return {"by_stage": by_stage, "overdue": overdue, "on_time": rate, "complaints": volume,
            "closures": len(marks), "window": {"from": start, "to": end}}
