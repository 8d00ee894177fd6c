"""The Pareto and the monthly trend count exactly the complaints there are, after an import, a relabel and a deletion."""

from collections import Counter
from datetime import date

from sqlalchemy import delete, select

from workbench.complaint_import import analysis, services
from workbench.complaint_import.models import Complaint
from workbench.extensions import db


def _truth(by: str, start: date | None = None, end: date | None = None) -> tuple[Counter, dict]:
    """Per key and per (key, month), counted one complaint at a time."""
    column = {"process_owner": Complaint.process_owner_id, "category": Complaint.category, "product": Complaint.product,
              "channel": Complaint.channel}[by]
    keys = services.owner_keys() if by == "process_owner" else {}
    per_key, per_month = Counter(), Counter()
    for value, day in db.session.execute(select(column, Complaint.received_at)):
        if (start and day < start) or (end and day > end):
            continue
        key = analysis.UNCLASSIFIED if value is None else keys.get(value, str(value))
        per_key[key] += 1
        per_month[key, day.strftime("%Y-%m")] += 1
    return per_key, per_month


def _assert_exact(start=None, end=None):
    for by in ("process_owner", "category", "product", "channel"):
        per_key, per_month = _truth(by, start, end)
        bars = analysis.pareto(by, start, end)
        assert {b["key"]: b["count"] for b in bars} == dict(per_key), by
        trend = analysis.monthly(by, start, end, top=50)
        assert trend["months"] == sorted({m for _k, m in per_month}), by
        got = {(k, m): n for k, counts in trend["series"].items() for m, n in zip(trend["months"], counts, strict=True) if n}
        assert got == dict(per_month), by


def test_counts_stay_exact_after_an_import_a_relabel_and_a_deletion(sample, import_rows, make_user):
    _assert_exact()
    _assert_exact(date(2024, 2, 1), date(2024, 3, 9))  # a period cutting months at both ends
    import_rows([("N1", "2024-02-28", "The fridge door is broken", "web", "Fridge"),
                 ("N2", "2024-04-01", "Refund never arrived", "phone", "Stove"),
                 ("N3", "2023-12-31", "کارشناس نیامد", "phone", "Washer")], source="second")
    _assert_exact()
    user = make_user(role="quality_manager")
    relabelled = list(db.session.scalars(select(Complaint).where(Complaint.external_id.in_(["S1", "S10", "N2"]))))
    services.set_labels(relabelled, "sales", "price", user)
    db.session.commit()
    per_key, _ = _truth("category")
    assert per_key["price"] >= 3
    _assert_exact()
    _assert_exact(date(2024, 1, 1), date(2024, 2, 29))
    db.session.execute(delete(Complaint).where(Complaint.external_id.in_(["S3", "N1"])))
    db.session.commit()
    _assert_exact()
    assert sum(b["count"] for b in analysis.pareto("channel")) == 11
