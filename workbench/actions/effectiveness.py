"""Effectiveness checks measured from imported complaints: exact Poisson comparison and an SVG chart."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from html import escape
from math import ceil

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, func, select

from workbench import dates
from workbench.actions import clock
from workbench.actions.lifecycle import reopen_project
from workbench.actions.models import DECISIONS, EffectivenessCheck
from workbench.complaint_import import themes
from workbench.complaint_import.models import Complaint
from workbench.complaint_import.models import SurveyResponse as R
from workbench.extensions import db
from workbench.i18n import date_input, format_date, is_persian, persian_digits
from workbench.models import ProcessOwner
from workbench.teams.models import ImprovementProject, ProjectComplaint
from workbench.teams.stages import ensure_editable, ensure_project_editable
from workbench.validation import InvalidInput, text_value

SIGNIFICANCE = 0.05


# What the "enough data" rule is built to detect: a halving of the complaint rate.
DETECT_DROP = 0.5
POWER = 0.8
DEFAULT_MIN_WEEKS = 4


def complaint_counts(start: date, end: date, project_id: int, product=None, category=None) -> dict[date, int]:
    """Complaints linked to the project (``project_complaints``) per day received in ``[start, end)``.

    ``product`` and ``category`` narrow the linked complaints further when the check names them.
    """
    stmt = (
        select(Complaint.received_at, func.count())
        .join(ProjectComplaint, ProjectComplaint.complaint_id == Complaint.id)
        .where(ProjectComplaint.project_id == project_id, Complaint.received_at >= start, Complaint.received_at < end)
        .group_by(Complaint.received_at)
    )
    if product:
        stmt = stmt.where(Complaint.product == product)
    if category:
        stmt = stmt.where(Complaint.category == category)
    return {day: count for day, count in db.session.execute(stmt)}


@lru_cache(maxsize=8)
def complaints_needed(drop: float = DETECT_DROP, alpha: float = SIGNIFICANCE, power: float = POWER) -> int:
    """Fewest complaints *before* for which the exact test finds a drop of ``drop`` with ``power``.

    Over equal windows, after ~ Binomial(before + after, r / (1 + r)) with r the rate ratio; the
    one-sided test rejects when after is at most the alpha-quantile under r = 1. The smallest total n
    whose power at r = 1 - drop reaches ``power`` needs n / (2 - drop) complaints before.
    """
    from scipy.stats import binom  # scipy takes a second to load: only where a test is computed

    share = (1 - drop) / (2 - drop)
    for total in range(2, 100_000):
        critical = int(binom.ppf(alpha, total, 0.5))
        if binom.cdf(critical, total, 0.5) > alpha:
            critical -= 1
        if critical >= 0 and binom.cdf(critical, total, share) >= power:
            return ceil(total / (2 - drop))
    raise ValueError("no sample size reaches the power")  # pragma: no cover (unreachable for sane inputs)


@dataclass
class Comparison:
    before: int
    after: int
    days: int
    p_value: float | None
    rate_ratio: float | None
    ratio_low: float | None = None
    ratio_high: float | None = None
    needed_before: int = 0

    @property
    def enough_data(self) -> bool:
        """Enough complaints before to detect a halving; below that the check says "not enough data"."""
        return self.before >= self.needed_before

    @property
    def significant(self) -> bool:
        """Enough data, fewer complaints after, and the drop is unlikely to be chance."""
        return self.enough_data and self.p_value is not None and self.after < self.before and self.p_value < SIGNIFICANCE

    @property
    def change_pct(self) -> float | None:
        """Change of the complaint rate in percent, only when there is enough data to say."""
        return round(100 * (self.rate_ratio - 1), 1) if self.enough_data and self.rate_ratio is not None else None

    @property
    def change_ci_pct(self) -> tuple[float, float] | None:
        """95% confidence interval of that change in percent (exact, from the rate ratio)."""
        if not self.enough_data or self.ratio_low is None:
            return None
        high = None if self.ratio_high is None else round(100 * (self.ratio_high - 1), 1)
        return round(100 * (self.ratio_low - 1), 1), high


def compare_counts(before: int, after: int, days: int) -> Comparison:
    """Exact conditional test of equal Poisson rates over equal windows: after ~ Binomial(before+after, 1/2).

    One-sided: the p-value is the chance of seeing this few complaints after if the rate had not fallen.
    With fewer complaints before than ``complaints_needed()`` there is no p-value: not enough data.
    The rate ratio after/before has an exact 95% interval from the Clopper-Pearson interval of the share after.
    """
    from scipy.stats import binomtest  # scipy takes a second to load: only where a test is computed

    total = before + after
    needed = complaints_needed()
    ratio = (after / before) if before else None
    low = high = None
    if total:
        interval = binomtest(after, total, 0.5).proportion_ci(confidence_level=0.95, method="exact")
        low = interval.low / (1 - interval.low)
        high = None if interval.high >= 1 else interval.high / (1 - interval.high)
    p_value = None
    if before >= needed:
        p_value = float(binomtest(after, total, 0.5, alternative="less").pvalue)
    return Comparison(before=before, after=after, days=days, p_value=p_value, rate_ratio=ratio,
                      ratio_low=low, ratio_high=high, needed_before=needed)


def min_weeks() -> int:
    return int(current_app.config.get("EFFECTIVENESS_MIN_WEEKS", DEFAULT_MIN_WEEKS))


def windows(check: EffectivenessCheck) -> tuple[tuple[date, date], tuple[date, date]]:
    """The before window and the same-length after window around ``actions_on``."""
    days = (check.check_date - check.actions_on).days
    return (check.actions_on - timedelta(days=days), check.actions_on), (check.actions_on, check.check_date)


def save_check(check: EffectivenessCheck | None, project, data: dict) -> EffectivenessCheck:
    """Create or change a check's criteria, dates and link (owner, product, category)."""
    ensure_editable(project)
    check = check or EffectivenessCheck(project_id=project.id, decision="pending")
    errors = {}
    criteria = str(data.get("criteria", check.criteria) or "").strip()
    if not criteria:
        errors["criteria"] = _("Write the criteria the check is judged by.")
    days = {}
    for field in ("actions_on", "check_date"):
        try:
            day = dates.field_date(data.get(field, getattr(check, field)), field)
        except InvalidInput as error:
            errors.update(error.errors)
            continue
        if day is None:
            errors[field] = _("A date is required.")
        else:
            days[field] = day
    if len(days) == 2 and days["check_date"] <= days["actions_on"]:
        errors["check_date"] = _("The check date must come after the date the actions took effect.")
    elif len(days) == 2 and (days["check_date"] - days["actions_on"]).days < 7 * min_weeks():
        errors["check_date"] = _("Each window must be at least %(n)d weeks: choose a check date %(n)d weeks or more after the actions took effect.", n=min_weeks())
    owner_key = data.get("process_owner", None)
    owner_id = check.process_owner_id if check.id else project.process_owner_id
    if owner_key not in (None, ""):
        owner = db.session.scalar(select(ProcessOwner).where(ProcessOwner.key == str(owner_key)))
        if owner is None:
            errors["process_owner"] = _("Unknown process owner “%(key)s”.", key=owner_key)
        else:
            owner_id = owner.id
    elif owner_key == "":
        owner_id = None
    if errors:
        raise InvalidInput(errors)
    check.criteria = criteria
    check.actions_on, check.check_date = days["actions_on"], days["check_date"]
    check.process_owner_id = owner_id
    check.product = (str(data.get("product", check.product) or "").strip() or None)
    check.category = (str(data.get("category", check.category) or "").strip() or None)
    check.before_count = check.after_count = check.p_value = check.measured_at = None
    if check.id is None:
        db.session.add(check)
    return check


def imported_through(project_id: int) -> date | None:
    """The newest day the imported complaints reach, in the sources of the project's linked complaints
    (every source when none is linked); None when no complaint is imported."""
    sources = select(Complaint.source).join(ProjectComplaint, ProjectComplaint.complaint_id == Complaint.id).where(
        ProjectComplaint.project_id == project_id).distinct()
    newest = db.session.scalar(select(func.max(Complaint.received_at)).where(Complaint.source.in_(sources)))
    return newest if newest is not None else db.session.scalar(select(func.max(Complaint.received_at)))


def ensure_data_covers(project_id: int, last_day: date) -> None:
    """Refuse to measure while the complaints of the after window are not all in: complaints not imported yet
    would count as a drop. The imported complaints must reach ``last_day`` (the window's last day), and no
    theme build may be waiting or running (it brings the newest complaints into the project's set)."""
    newest = imported_through(project_id)
    if newest is None or newest < last_day:
        raise InvalidInput({"check_date": _(
            "The imported complaints reach only %(newest)s, but the after window runs to %(last)s: import the complaints "
            "received up to then first, or complaints not imported yet would count as a drop.",
            newest=format_date(newest) if newest else "—", last=format_date(last_day))})
    state = themes.build_state()
    if state and state.get("status") in ("queued", "running"):
        raise InvalidInput({"check_date": _(
            "Themes are being found again after the latest import: measure once that is done, so the check counts "
            "the complaints imported since.")})


def measure(check: EffectivenessCheck) -> Comparison:
    """Count complaints in both windows and store the result; refuses before the check date."""
    ensure_project_editable(check.project_id)
    if clock.today() < check.check_date:
        raise InvalidInput({"check_date": _("The check date has not come yet; the after window is incomplete.")})
    (b0, b1), (a0, a1) = windows(check)
    ensure_data_covers(check.project_id, a1 - timedelta(days=1))
    link = {"project_id": check.project_id, "product": check.product, "category": check.category}
    before = sum(complaint_counts(b0, b1, **link).values())
    after = sum(complaint_counts(a0, a1, **link).values())
    result = compare_counts(before, after, (a1 - a0).days)
    check.before_count, check.after_count, check.p_value = before, after, result.p_value
    check.measured_at = clock.now()
    return result


def decide(check: EffectivenessCheck, user, decision: str, note: str = "") -> None:
    """The team accepts or rejects; a rejection sends the project back to Improve."""
    ensure_project_editable(check.project_id)
    if decision not in DECISIONS[1:]:
        raise InvalidInput({"decision": _("Decision must be accepted or rejected.")})
    if check.measured_at is None:
        raise InvalidInput({"decision": _("Measure the check before deciding.")})
    note = text_value(note, "note").strip()
    if decision == "rejected" and not note:
        raise InvalidInput({"note": _("Say why the check is rejected.")})
    if decision == "accepted" and not result_of(check).significant:
        # Without a significant drop, only a quality manager's written justification makes it effective.
        if not user.can_manage:
            raise InvalidInput({"decision": _("There is no significant drop: only a quality manager can accept the check, with a written justification.")})
        if not note:
            raise InvalidInput({"note": _("There is no significant drop: write the justification for accepting the check.")})
    check.decision, check.decision_note = decision, note
    check.decided_by_id, check.decided_at = user.id, clock.now()
    if decision == "rejected" and check.project_id:
        project = db.session.get(ImprovementProject, check.project_id)
        if project.stage not in ("define", "contain", "analyse", "improve"):
            reopen_project(project, user, _("Effectiveness check rejected: %(note)s", note=note), "improve")


def result_of(check: EffectivenessCheck) -> Comparison:
    """The stored counts of a measured check as a comparison (counts, p-value or "not enough data", interval)."""
    days = (check.check_date - check.actions_on).days
    return compare_counts(check.before_count or 0, check.after_count or 0, days)


def checks_of(project_id: int) -> list[EffectivenessCheck]:
    return list(
        db.session.scalars(
            select(EffectivenessCheck).where(EffectivenessCheck.project_id == project_id).order_by(EffectivenessCheck.id)
        )
    )


def chart_svg(check: EffectivenessCheck, width: int = 640, height: int = 240, bins: int = 8) -> str:
    """Complaints per period before and after the actions as bars, with a line where the actions took effect;
    mirrored on Persian pages (time runs right to left: "before" on the right)."""
    rtl = is_persian()
    (b0, _b1), (a0, a1) = windows(check)
    link = {"project_id": check.project_id, "product": check.product, "category": check.category}
    daily = complaint_counts(b0, a1, **link)
    days = (a1 - a0).days
    per_side = max(1, min(bins, days))
    edges = [b0 + timedelta(days=round(i * days / per_side)) for i in range(per_side + 1)]
    edges += [a0 + timedelta(days=round(i * days / per_side)) for i in range(1, per_side + 1)]
    counts = []
    for start, end in zip(edges, edges[1:], strict=False):
        counts.append(sum(n for day, n in daily.items() if start <= day < end))
    top = max(counts + [1])
    pad, base = 30, height - 40
    title, before_label, after_label = _("Complaints before and after the actions"), _("Before"), _("After")
    bar_w = (width - 2 * pad) / len(counts)
    # A rise is red, a fall green; the before bars are the neutral reference.
    before_total, after_total = sum(counts[:per_side]), sum(counts[per_side:])
    after_colour = "#b42318" if after_total > before_total else "#067647" if after_total < before_total else "#8a94a6"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="effect-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f'<line x1="{pad}" y1="{base}" x2="{width - pad}" y2="{base}" stroke="#5b6575"/>',
    ]
    for i, count in enumerate(counts):
        h = (base - 20) * count / top
        x = width - pad - (i + 1) * bar_w if rtl else pad + i * bar_w
        colour = "#8a94a6" if i < per_side else after_colour
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{base - h:.1f}" width="{bar_w - 4:.1f}" height="{h:.1f}" fill="{colour}">'
            f"<title>{escape(date_input(edges[i]))} – {escape(date_input(edges[i + 1]))}: {persian_digits(count)}</title></rect>"
        )
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{base - h - 4:.1f}" font-size="11" text-anchor="middle">{persian_digits(count)}</text>')
    mid = pad + per_side * bar_w  # the middle, whichever way time runs
    before_x, after_x = pad + per_side * bar_w / 2, mid + per_side * bar_w / 2
    if rtl:
        before_x, after_x = after_x, before_x
    parts.append(f'<line x1="{mid:.1f}" y1="10" x2="{mid:.1f}" y2="{base + 5}" stroke="#1f5fbf" stroke-dasharray="4 3"/>')
    parts.append(
        f'<text x="{before_x:.1f}" y="{height - 12}" font-size="12" text-anchor="middle">'
        f"{escape(before_label)} ({persian_digits(sum(counts[:per_side]))})</text>"
    )
    parts.append(
        f'<text x="{after_x:.1f}" y="{height - 12}" font-size="12" text-anchor="middle">'
        f"{escape(after_label)} ({persian_digits(sum(counts[per_side:]))})</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def survey_comparison(check: EffectivenessCheck) -> dict | None:
    """Survey scores of the linked owner/product/category in the same two windows, or None without answers.

    CSAT is the share of satisfied answers, NPS % promoters (9-10) minus % detractors (0-6),
    each with the number of answers behind it; read live from the imported survey responses.
    """
    def window(start: date, end: date) -> dict:
        stmt = select(
            func.count(R.id),
            func.count(R.csat_good),
            func.sum(case((R.csat_good.is_(True), 1), else_=0)),
            func.count(R.nps),
            func.sum(case((R.nps >= 9, 1), else_=0)),
            func.sum(case((R.nps <= 6, 1), else_=0)),
        ).where(R.received_at >= start, R.received_at < end)
        if check.process_owner_id:
            stmt = stmt.where(R.process_owner_id == check.process_owner_id)
        if check.product:
            stmt = stmt.where(R.product == check.product)
        if check.category:
            stmt = stmt.where(R.category == check.category)
        answers, csat_n, satisfied, nps_n, promoters, detractors = db.session.execute(stmt).one()
        return {
            "answers": answers,
            "csat_answers": csat_n,
            "csat_pct": round(100 * (satisfied or 0) / csat_n, 1) if csat_n else None,
            "nps_answers": nps_n,
            "nps": round(100 * ((promoters or 0) - (detractors or 0)) / nps_n, 1) if nps_n else None,
        }

    (b0, b1), (a0, a1) = windows(check)
    before, after = window(b0, b1), window(a0, a1)
    if not before["answers"] and not after["answers"]:
        return None
    return {"before": before, "after": after}
