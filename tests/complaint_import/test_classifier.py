"""Rules for every owner and category; the learned model takes over only where it beats them."""

import pytest
from sqlalchemy import select

from workbench.complaint_import import learning
from workbench.complaint_import.classify import Rules
from workbench.complaint_import.defaults import ensure_defaults
from workbench.complaint_import.models import ClassifierModel, Complaint
from workbench.complaint_import.textnorm import normalise


@pytest.mark.parametrize(
    ("text", "owner", "category"),
    [
        ("یخچال صدای زیادی می‌دهد", "production", "product_quality"),
        ("The technician was rude", "service", "responsiveness"),
        ("هزینه ارسال خیلی زیاد بود", "sales", "price"),
        ("Warranty claim was rejected", "service", "warranty"),
        ("My order was delivered three weeks late", "service", "delivery_speed"),
    ],
)
def test_rules_classify_with_confidence(db, owners, text, owner, category):
    ensure_defaults()
    rules = Rules.from_db()
    got_owner, owner_conf = rules.predict(normalise(text), "owner")
    got_category, category_conf = rules.predict(normalise(text), "category")
    assert (got_owner, got_category) == (owner, category)
    assert 0.3 < owner_conf <= 0.99 and 0.3 < category_conf <= 0.99


def test_no_match_has_no_label_and_zero_confidence(db, owners):
    ensure_defaults()
    assert Rules.from_db().predict("something odd", "owner") == (None, 0.0)


def _confirm(db, import_rows, rows, owner_key, category):
    import_rows(rows)
    from workbench.teams.models import ProcessOwner

    oid = db.session.scalar(select(ProcessOwner.id).where(ProcessOwner.key == owner_key))
    for complaint in db.session.scalars(select(Complaint).where(Complaint.external_id.in_([r[0] for r in rows]))):
        complaint.process_owner_id, complaint.category, complaint.confirmed = oid, category, True
    db.session.commit()


def test_model_takes_over_only_where_it_beats_the_rules(db, import_rows, runner):
    # Users keep filing "fitter" complaints under service/responsiveness; no rule knows that word.
    _confirm(db, import_rows, [(f"I{i}", "2024-01-01", f"fitter visit number {i} was a mess") for i in range(30)], "service", "responsiveness")
    _confirm(db, import_rows, [(f"N{i}", "2024-01-02", f"fridge noise problem case {i}") for i in range(30)], "production", "product_quality")
    import_rows([("NEW", "2024-02-01", "fitter visit was a mess again")])
    before = db.session.scalar(select(Complaint).where(Complaint.external_id == "NEW"))
    assert before.process_owner_id is None
    result = runner.invoke(args=["retrain-classifier"])
    assert result.exit_code == 0, result.output
    assert "owner: model 100.0% vs rules" in result.output and "using model" in result.output
    models = {m.target: m for m in db.session.scalars(select(ClassifierModel).where(ClassifierModel.active.is_(True)))}
    assert models["owner"].model_accuracy > models["owner"].rules_accuracy
    db.session.expire_all()
    after = db.session.scalar(select(Complaint).where(Complaint.external_id == "NEW"))
    assert after.process_owner.key == "service" and after.label_source == "model"
    assert after.confirmed is False


def test_rules_stay_when_the_model_is_no_better(db, import_rows):
    _confirm(db, import_rows, [(f"W{i}", "2024-01-01", f"warranty rejected case {i}") for i in range(15)], "service", "warranty")
    _confirm(db, import_rows, [(f"L{i}", "2024-01-01", f"the price is too expensive case {i}") for i in range(15)], "sales", "price")
    result = learning.retrain()
    db.session.commit()
    for target in ("owner", "category"):
        assert result[target]["trained"]
        assert result[target]["rules_accuracy"] == 1.0
        assert result[target]["used"] == "rules"
    assert db.session.scalar(select(ClassifierModel).where(ClassifierModel.active.is_(True))) is None


def test_too_few_labels_are_reported(db, import_rows, client, login, make_user):
    import_rows([("A", "2024-01-01", "late")])
    login(make_user(role="quality_manager"))
    body = client.post("/api/v1/classifier/retrain").get_json()
    assert body["owner"]["trained"] is False and "at least" in body["owner"]["reason"]


def test_only_managers_retrain(client, login, make_user, owners):
    login(make_user(role="member"))
    assert client.post("/api/v1/classifier/retrain").status_code == 403
