"""The learned classifier: a linear model on word and character n-grams, trained on confirmed labels.

It takes over a target (owner or category) only where it beats the keyword
rules on held-out confirmed labels; both accuracies are kept and shown.
"""

import pickle
import random

from sqlalchemy import select, update

from workbench.complaint_import.classify import TARGETS, Classifier, Rules
from workbench.extensions import db

MIN_LABELS = 20
TEST_SHARE = 0.25


def _pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, max_features=50000)),
        ]
    )
    return make_pipeline(features, LogisticRegression(max_iter=2000, C=5.0))


def confirmed_labels(target: str) -> list[tuple[str, str]]:
    """(normalised text, key) of every complaint whose label a user confirmed."""
    from workbench.complaint_import.models import Complaint
    from workbench.teams.models import ProcessOwner

    if target == "owner":
        stmt = select(Complaint.text_norm, ProcessOwner.key).join(ProcessOwner, Complaint.process_owner_id == ProcessOwner.id)
    else:
        stmt = select(Complaint.text_norm, Complaint.category).where(Complaint.category.is_not(None))
    stmt = stmt.where(Complaint.confirmed.is_(True)).order_by(Complaint.id)
    return [(t or "", k) for t, k in db.session.execute(stmt)]


def _accuracy(predicted, truth) -> float:
    return round(sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(truth), 3) if truth else 0.0


def train_target(target: str, rules: Rules, seed: int = 0) -> dict:
    """Train, evaluate against the rules on a held-out share, store; returns the figures."""
    from workbench.complaint_import.models import ClassifierModel

    labels = confirmed_labels(target)
    classes = {k for _t, k in labels}
    if len(labels) < MIN_LABELS or len(classes) < 2:
        return {"trained": False, "labels": len(labels), "reason": f"needs at least {MIN_LABELS} confirmed labels in two or more classes"}
    shuffled = labels[:]
    random.Random(seed).shuffle(shuffled)
    n_test = max(5, int(len(shuffled) * TEST_SHARE))
    test, train = shuffled[:n_test], shuffled[n_test:]
    if len({k for _t, k in train}) < 2:
        return {"trained": False, "labels": len(labels), "reason": "the training share has only one class"}
    model = _pipeline().fit([t for t, _k in train], [k for _t, k in train])
    truth = [k for _t, k in test]
    model_accuracy = _accuracy(list(model.predict([t for t, _k in test])), truth)
    rules_accuracy = _accuracy([rules.predict(t, target)[0] for t, _k in test], truth)
    final = _pipeline().fit([t for t, _k in labels], [k for _t, k in labels])
    active = model_accuracy > rules_accuracy
    db.session.execute(update(ClassifierModel).where(ClassifierModel.target == target).values(active=False))
    record = ClassifierModel(
        target=target,
        n_train=len(train),
        n_test=len(test),
        model_accuracy=model_accuracy,
        rules_accuracy=rules_accuracy,
        active=active,
        blob=pickle.dumps(final),
    )
    db.session.add(record)
    db.session.flush()
    return {
        "trained": True,
        "labels": len(labels),
        "n_train": len(train),
        "n_test": len(test),
        "model_accuracy": model_accuracy,
        "rules_accuracy": rules_accuracy,
        "used": "model" if active else "rules",
    }


def reclassify_unconfirmed(chunk: int = 5000) -> int:
    """Label again every complaint no user has confirmed, with the current classifier."""
    from workbench.complaint_import.models import Complaint
    from workbench.teams.models import ProcessOwner

    classifier = Classifier.load()
    owner_ids = dict(db.session.execute(select(ProcessOwner.key, ProcessOwner.id)).all())
    table = Complaint.__table__
    last_id, total = 0, 0
    from sqlalchemy import bindparam

    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            process_owner_id=bindparam("b_owner"),
            category=bindparam("b_category"),
            owner_confidence=bindparam("b_oc"),
            category_confidence=bindparam("b_cc"),
            confidence=bindparam("b_c"),
            label_source=bindparam("b_src"),
            unclassified_reason=bindparam("b_reason"),
        )
    )
    while True:
        rows = db.session.execute(
            select(table.c.id, table.c.text_norm, table.c.product, table.c.channel).where(table.c.confirmed.is_(False), table.c.id > last_id).order_by(table.c.id).limit(chunk)
        ).all()
        if not rows:
            break
        labels = classifier.classify([r.text_norm or "" for r in rows], [r.product for r in rows], [r.channel for r in rows])
        params = [
            {"b_id": r.id, "b_owner": owner_ids.get(lab.owner), "b_category": lab.category, "b_oc": lab.owner_confidence,
             "b_cc": lab.category_confidence, "b_c": lab.confidence, "b_src": lab.source, "b_reason": lab.reason}
            for r, lab in zip(rows, labels, strict=True)
        ]
        db.session.execute(stmt, params, execution_options={"synchronize_session": False})
        last_id = rows[-1].id
        total += len(rows)
    return total


def retrain() -> dict:
    """Retrain both targets, relabel unconfirmed complaints; the caller commits."""
    rules = Rules.from_db()
    result = {target: train_target(target, rules) for target in TARGETS}
    result["reclassified"] = reclassify_unconfirmed()
    return result


def latest_models() -> dict[str, dict]:
    """The newest trained model of each target with its and the rules' accuracy."""
    from workbench.complaint_import.models import ClassifierModel

    out = {}
    for target in TARGETS:
        record = db.session.scalar(select(ClassifierModel).where(ClassifierModel.target == target).order_by(ClassifierModel.id.desc()).limit(1))
        if record is not None:
            out[target] = {
                "trained_at": record.trained_at,
                "n_train": record.n_train,
                "n_test": record.n_test,
                "model_accuracy": record.model_accuracy,
                "rules_accuracy": record.rules_accuracy,
                "used": "model" if record.active else "rules",
            }
    return out
