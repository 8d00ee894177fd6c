"""Survey scores (CSAT, NPS, CES) by month, process owner and product, and key-driver analysis."""

from datetime import date

import numpy as np
from sqlalchemy import case, func, select

from workbench.complaint_import.models import SurveyResponse
from workbench.extensions import db
from workbench.models import ProcessOwner

GROUPS = ("month", "process_owner", "product")


def _month():
    if db.engine.dialect.name == "postgresql":
        return func.to_char(SurveyResponse.received_at, "YYYY-MM")
    return func.strftime("%Y-%m", SurveyResponse.received_at)


def scores(group: str, start: date | None = None, end: date | None = None) -> list[dict]:
    """Per group: answers, CSAT (% satisfied), NPS (% promoters − % detractors), CES (mean)."""
    if group == "month":
        key = _month()
    elif group == "process_owner":
        key = ProcessOwner.key
    else:
        key = SurveyResponse.product
    csat_answers = func.count(SurveyResponse.csat)
    stmt = select(
        key.label("key"),
        func.count().label("n"),
        csat_answers.label("csat_n"),
        func.sum(case((SurveyResponse.csat_good.is_(True), 1), else_=0)).label("csat_good"),
        func.count(SurveyResponse.nps).label("nps_n"),
        func.sum(case((SurveyResponse.nps >= 9, 1), else_=0)).label("promoters"),
        func.sum(case((SurveyResponse.nps <= 6, 1), else_=0)).label("detractors"),
        func.avg(SurveyResponse.ces).label("ces"),
        func.count(SurveyResponse.ces).label("ces_n"),
    )
    if group == "process_owner":
        stmt = stmt.select_from(SurveyResponse).outerjoin(ProcessOwner, ProcessOwner.id == SurveyResponse.process_owner_id)
    if start:
        stmt = stmt.where(SurveyResponse.received_at >= start)
    if end:
        stmt = stmt.where(SurveyResponse.received_at <= end)
    stmt = stmt.group_by(key).order_by(key)
    result = []
    for row in db.session.execute(stmt):
        result.append(
            {
                "key": row.key,
                "answers": row.n,
                "csat": round(100.0 * row.csat_good / row.csat_n, 1) if row.csat_n else None,
                "nps": round(100.0 * (row.promoters - row.detractors) / row.nps_n, 1) if row.nps_n else None,
                "ces": round(float(row.ces), 2) if row.ces is not None and row.ces_n else None,
                "csat_answers": row.csat_n,
                "nps_answers": row.nps_n,
            }
        )
    return result


def key_drivers(outcome: str = "csat") -> dict:
    """How strongly each rated expectation drives the overall score.

    Returns, per expectation, its mean rating, the Pearson correlation with the
    outcome, the standardised regression coefficient (all expectations
    together, on respondents who rated all of them) and the number of answers
    behind each figure. ``improve_first`` is the expectation with the largest
    gap between importance and score.
    """
    column = SurveyResponse.csat if outcome == "csat" else SurveyResponse.nps
    rows = db.session.execute(select(column, SurveyResponse.drivers).where(column.is_not(None), SurveyResponse.drivers.is_not(None))).all()
    names = sorted({k for _o, d in rows for k in (d or {})})
    drivers = []
    for name in names:
        pairs = [(float(d[name]), float(o)) for o, d in rows if d and d.get(name) is not None]
        x = np.array([p[0] for p in pairs])
        y = np.array([p[1] for p in pairs])
        r = float(np.corrcoef(x, y)[0, 1]) if len(pairs) > 2 and x.std() > 0 and y.std() > 0 else None
        drivers.append({"key": name, "answers": len(pairs), "mean": round(float(x.mean()), 2) if len(x) else None, "correlation": None if r is None else round(r, 3), "beta": None})
    complete = [(o, d) for o, d in rows if d and all(d.get(n) is not None for n in names)]
    if names and len(complete) > len(names) + 2:
        matrix = np.array([[float(d[n]) for n in names] for _o, d in complete])
        target = np.array([float(o) for o, _d in complete])
        spread = matrix.std(axis=0)
        usable = spread > 0
        if usable.any() and target.std() > 0:
            z = (matrix[:, usable] - matrix[:, usable].mean(axis=0)) / spread[usable]
            zt = (target - target.mean()) / target.std()
            betas, *_ = np.linalg.lstsq(z, zt, rcond=None)
            for driver, beta in zip([d for d, u in zip(drivers, usable, strict=True) if u], betas, strict=True):
                driver["beta"] = round(float(beta), 3)
        for driver in drivers:
            driver["complete_answers"] = len(complete)
    drivers.sort(key=lambda d: -(d["beta"] if d["beta"] is not None else (d["correlation"] or 0)))
    improve_first = None
    if drivers:
        means = [d["mean"] for d in drivers if d["mean"] is not None]
        top = max(means) if means else 0

        def priority(d):
            importance = d["beta"] if d["beta"] is not None else (d["correlation"] or 0)
            return importance * (top - (d["mean"] or top) + 0.01)

        improve_first = max(drivers, key=priority)["key"]
    return {"outcome": outcome, "respondents": len(rows), "drivers": drivers, "improve_first": improve_first}
