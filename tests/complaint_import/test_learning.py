"""Learning that does not overreact: a dozen labels change nothing; a model decides a class only with enough
labels and a held-out gain; retraining is previewed, then applied or discarded; confirmed labels stay."""

import io
import pickle

import numpy as np
import pytest
from sqlalchemy import select

from workbench.complaint_import import learning, retraining
from workbench.complaint_import.classify import Classifier, Rules
from workbench.complaint_import.defaults import ensure_defaults
from workbench.complaint_import.models import ClassifierModel, ClassifierRun, Complaint
from workbench.complaint_import.services import set_labels
from workbench.complaint_import.textmodel import TextModel, Vocabulary, tokens
from workbench.complaint_import.textnorm import normalise


def _labelled(db, import_rows, user, rows, owner, category):
    import_rows(rows)
    complaints = list(db.session.scalars(select(Complaint).where(Complaint.external_id.in_([r[0] for r in rows]))))
    set_labels(complaints, owner, category, user)
    db.session.commit()


def _snapshot(db):
    db.session.expire_all()
    return {c.external_id: (c.process_owner_id, c.category, c.label_source, c.confirmed) for c in db.session.scalars(select(Complaint))}


@pytest.fixture
def manager(make_user):
    return make_user(role="quality_manager")


@pytest.fixture
def fitter_world(db, import_rows, manager):
    """The organisation files "fitter" complaints (a word no rule knows) under responsiveness, and has unconfirmed ones."""
    _labelled(db, import_rows, manager, [(f"I{i}", "2024-01-01", f"fitter visit number {i} was a mess") for i in range(40)], "service", "responsiveness")
    _labelled(db, import_rows, manager, [(f"N{i}", "2024-01-02", f"fridge noise problem case {i}") for i in range(40)], "production", "product_quality")
    import_rows([("NEW", "2024-02-01", "fitter visit was a mess again"), ("LATE", "2024-02-02", "My order was delivered three weeks late")])


def test_a_dozen_labels_change_nothing(db, import_rows, manager, client, login):
    ensure_defaults()
    db.session.commit()
    # The failure: about 12 labels, and the model relabelled thousands of complaints.
    _labelled(db, import_rows, manager, [(f"R{i}", "2024-01-01", f"credit report shows an account I never opened {i}") for i in range(12)], "service", "responsiveness")
    import_rows([(f"U{i}", "2024-01-03", f"incorrect information on my credit report, case {i}") for i in range(40)])
    before = _snapshot(db)
    login(manager)
    body = client.post("/api/v1/classifier/retrain").get_json()
    assert body["status"] == "previewed"
    assert body["report"]["targets"]["category"]["trained"] is False
    assert body["report"]["by_model"] == 0
    assert client.post(f"/api/v1/classifier/runs/{body['id']}/apply").status_code == 202
    assert _snapshot(db) == before
    assert db.session.scalar(select(ClassifierModel).where(ClassifierModel.active.is_(True))) is None


def test_preview_then_apply_moves_only_unconfirmed(db, fitter_world, runner):
    before = _snapshot(db)
    assert before["NEW"][1] is None  # no rule knows "fitter"
    result = runner.invoke(args=["retrain-classifier"])
    assert result.exit_code == 0, result.output
    assert "the model decides: responsiveness" in result.output
    assert "category: Unclassified -> responsiveness: 1" in result.output
    assert _snapshot(db) == before  # a preview relabels nothing
    run = db.session.scalar(select(ClassifierRun).order_by(ClassifierRun.id.desc()))
    figures = run.report["targets"]["category"]
    assert figures["combined_accuracy"] > figures["rules_accuracy"]
    assert figures["trusted"] == ["responsiveness"]  # product_quality: the rules already get it right
    assert ["", "responsiveness", 1] in run.report["moves"]["category"]

    retraining.set_applying(run)
    db.session.commit()
    assert retraining.apply_run(run.id) == 2
    after = _snapshot(db)
    assert after["NEW"][1] == "responsiveness" and after["NEW"][2] == "model" and after["NEW"][3] is False
    assert after["LATE"] == before["LATE"]  # the rules' answer stays where the model is not trusted
    assert {k: v for k, v in after.items() if v[3]} == {k: v for k, v in before.items() if v[3]}  # confirmed: untouched
    db.session.expire_all()
    assert db.session.get(ClassifierRun, run.id).status == "applied"
    # New imports use the applied model too.
    from workbench.complaint_import.flow import ClassifyStep

    assert ClassifyStep()([normalise("the fitter visit was a mess")])[0].category == "responsiveness"


def test_confirmed_labels_are_never_overwritten(db, fitter_world, manager):
    # A person filed this "fitter" complaint elsewhere on purpose; the model would say responsiveness.
    odd = db.session.scalar(select(Complaint).where(Complaint.external_id == "NEW"))
    set_labels([odd], "sales", "price", manager)
    db.session.commit()
    run = retraining.start_run(manager)
    db.session.commit()
    retraining.run_preview(run.id)
    retraining.set_applying(db.session.get(ClassifierRun, run.id))
    db.session.commit()
    retraining.apply_run(run.id)
    db.session.expire_all()
    odd = db.session.scalar(select(Complaint).where(Complaint.external_id == "NEW"))
    assert (odd.category, odd.process_owner.key, odd.label_source, odd.confirmed) == ("price", "sales", "user", True)


def test_discard_leaves_everything_as_it_was(db, fitter_world, client, login, manager):
    before = _snapshot(db)
    login(manager)
    response = client.post("/complaints/classifier/retrain")
    run = db.session.scalar(select(ClassifierRun).order_by(ClassifierRun.id.desc()))
    assert response.headers["Location"].endswith(f"/complaints/classifier/runs/{run.id}")
    page = client.get(f"/complaints/classifier/runs/{run.id}").get_data(as_text=True)
    assert "What would change" in page and "Apply: relabel unconfirmed complaints" in page
    response = client.post(f"/complaints/classifier/runs/{run.id}/discard", follow_redirects=True)
    assert "Retraining discarded" in response.get_data(as_text=True)
    assert _snapshot(db) == before
    assert db.session.scalar(select(ClassifierModel)) is None
    # A discarded run cannot be applied afterwards.
    response = client.post(f"/complaints/classifier/runs/{run.id}/apply", follow_redirects=True)
    assert "Only a previewed retraining can be applied" in response.get_data(as_text=True)
    assert _snapshot(db) == before


def test_rules_stay_when_the_model_is_no_better(db, import_rows, manager):
    _labelled(db, import_rows, manager, [(f"W{i}", "2024-01-01", f"warranty rejected case {i}") for i in range(35)], "service", "warranty")
    _labelled(db, import_rows, manager, [(f"L{i}", "2024-01-01", f"the price is too expensive case {i}") for i in range(35)], "sales", "price")
    models, figures = learning.train_all()
    assert figures["category"]["trained"] and figures["category"]["rules_accuracy"] == 1.0
    assert figures["category"]["trusted"] == [] and figures["category"]["used"] == "rules"
    assert models == {}


def test_members_cannot_retrain_or_apply(db, fitter_world, client, login, make_user):
    login(make_user(role="member"))
    assert client.post("/api/v1/classifier/retrain").status_code == 403
    assert client.post("/complaints/classifier/retrain").status_code == 403
    assert db.session.scalar(select(ClassifierRun)) is None


def _hand_model(threshold: float) -> TextModel:
    vocabulary = Vocabulary(np.array(["fitter", "gadget"]), np.ones(2, dtype=np.float32))
    coef = np.array([[2.0, 0.0], [0.0, 2.0]], dtype=np.float32)  # "fitter" → responsiveness, "gadget" → product_quality
    return TextModel(vocabulary, coef, np.zeros(2, dtype=np.float32), ["responsiveness", "product_quality"], ["responsiveness"], threshold)


def test_below_the_threshold_the_answer_is_unclassified(db, owners):
    ensure_defaults()
    rules = Rules.from_db()
    texts = [normalise("the fitter came"), normalise("the fitter gadget"), normalise("noise from the fitter unit and noise")]
    strict = Classifier(rules, {"category": _hand_model(0.95)}).classify(texts)
    assert [label.category for label in strict] == [None, None, rules.label(texts[2]).category]
    loose = Classifier(rules, {"category": _hand_model(0.8)}).classify(texts)
    assert loose[0].category == "responsiveness" and loose[0].source == "model" and loose[0].owner == "service"
    assert loose[1].category is None  # 50/50: under any threshold


def test_models_are_stored_as_plain_arrays(db, fitter_world):
    models, _figures = learning.train_all()
    blob = models["category"].to_bytes()
    with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)
    again = TextModel.from_bytes(blob)
    features = [tokens(normalise("fitter visit was a mess"))]
    assert np.allclose(again.probabilities(features), models["category"].probabilities(features))
    # A pickled object (the old format) is refused, never unpickled.
    with pytest.raises(ValueError):
        TextModel.from_bytes(pickle.dumps({"coef": [1.0]}))
