"""Rule-seeded self-training: after an import, a light model learns from what the rules labelled with
confidence and labels only what the rules left silent.

1. Seeds: complaints whose category the rules gave with confidence at least
   ``SEED_CONFIDENCE`` (never a person's label, never a model's).
2. A held-out check by ``FOLDS``-fold cross-validation: each seed is predicted
   by a linear model (``textmodel``: TF-IDF weights computed from these
   complaints, so a word in nearly every complaint weighs almost nothing)
   trained without it. The lowest probability threshold at which it agrees
   with the rules on at least ``MIN_AGREEMENT`` of the seeds it answers is
   kept; when no threshold gets there, or there are too few seeds, there is
   no model.
3. The model is refitted on every seed and used only for complaints the rules
   could read but gave no category (``no_match`` or ``conflict``), at or above
   that threshold. It never changes a rule's, a learned model's or a person's
   label. The owner then comes from the owner matrix, as for a rule category.

The model is stored as plain arrays (``ClassifierModel`` with target
``selftrain``); switching it off returns every complaint it labelled (and no
person confirmed) to the rules' answer.
"""

import random
from collections import Counter
from collections.abc import Sequence

import numpy as np
from sqlalchemy import bindparam, func, select, update

from workbench.complaint_import.classify import GAP_SOURCE as SOURCE
from workbench.complaint_import.classify import GAP_TARGET as TARGET
from workbench.complaint_import.classify import SILENT, Classifier, Label
from workbench.complaint_import.models import ClassifierModel, Complaint
from workbench.complaint_import.textmodel import TextModel, Vocabulary, tokens
from workbench.extensions import db
from workbench.models import ProcessOwner

SEED_CONFIDENCE = 0.6
MIN_SEEDS = 150
MIN_CLASS_SEEDS = 15
MIN_AGREEMENT = 0.85
MIN_ANSWERED = 0.3  # the threshold must leave the model answering at least this share of the held-out seeds
THRESHOLDS = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9)
MAX_SEEDS = 100_000
FOLDS = 5
REGULARISATION_C = 2.0
BATCH = 5_000


def seeds(texts: Sequence[str], labels: Sequence[Label]) -> list[tuple[str, str]]:
    """(text, category) of every rule label at least ``SEED_CONFIDENCE`` sure."""
    return [
        (t, label.category)
        for t, label in zip(texts, labels, strict=True)
        if label.category is not None and label.source == "rules" and label.category_confidence >= SEED_CONFIDENCE
    ]


def _fit(features: list[list[str]], keys: list[str]) -> TextModel:
    from sklearn.linear_model import LogisticRegression

    vocabulary = Vocabulary.fit(features, max_features=50_000)
    estimator = LogisticRegression(C=REGULARISATION_C, max_iter=500, class_weight="balanced")
    estimator.fit(vocabulary.matrix(features), keys)
    return TextModel.from_sklearn(vocabulary, estimator)


def train(pairs: list[tuple[str, str]], seed: int = 0) -> tuple[TextModel | None, dict]:
    """A gap model from rule-labelled ``pairs`` ((normalised text, category)), judged on held-out seeds; (model or None, figures)."""
    counts = Counter(k for _t, k in pairs)
    kept = {k for k, n in counts.items() if n >= MIN_CLASS_SEEDS}
    pairs = [(t, k) for t, k in pairs if k in kept]
    if len(pairs) > MAX_SEEDS:
        pairs = random.Random(seed).sample(pairs, MAX_SEEDS)
    figures: dict = {"seeds": len(pairs), "classes": {k: counts[k] for k in sorted(kept)}}
    if len(pairs) < MIN_SEEDS or len(kept) < 2:
        figures["reason"] = "too_few_seeds"
        return None, figures
    features = [tokens(t) for t, _k in pairs]
    keys = [k for _t, k in pairs]
    # Out-of-fold predictions: every seed is held out once, by a model trained without it.
    order = list(range(len(pairs)))
    random.Random(seed).shuffle(order)
    predicted = np.empty(len(pairs), dtype=object)
    top = np.zeros(len(pairs), dtype=np.float32)
    for fold in range(FOLDS):
        test_idx = order[fold::FOLDS]
        held = set(test_idx)
        model = _fit([features[i] for i in order if i not in held], [keys[i] for i in order if i not in held])
        probabilities = model.probabilities([features[i] for i in test_idx])
        predicted[test_idx] = np.array(model.classes, dtype=object)[probabilities.argmax(axis=1)]
        top[test_idx] = probabilities.max(axis=1)
    truth = np.array(keys, dtype=object)
    figures["held_out"] = len(pairs)
    for threshold in THRESHOLDS:
        answered = top >= threshold
        if answered.mean() < MIN_ANSWERED:
            break
        agreement = float((predicted[answered] == truth[answered]).mean()) if answered.any() else 0.0
        if agreement >= MIN_AGREEMENT:
            figures.update(threshold=threshold, agreement=round(agreement, 3), answered=round(float(answered.mean()), 3))
            final = _fit(features, keys)
            final.trusted, final.threshold, final.known = list(final.classes), float(threshold), []
            return final, figures
    figures["reason"] = "disagrees_with_rules"
    return None, figures


def latest() -> ClassifierModel | None:
    """The newest self-trained model record, in use or switched off."""
    return db.session.scalar(select(ClassifierModel).where(ClassifierModel.target == TARGET).order_by(ClassifierModel.id.desc()).limit(1))


def labelled_count() -> int:
    """How many unconfirmed complaints the self-trained model labelled."""
    stmt = select(func.count()).select_from(Complaint).where(Complaint.label_source == SOURCE, Complaint.confirmed.is_(False))
    return db.session.scalar(stmt) or 0


def _store_labels(ids: list[int], labels: list[Label], owner_ids: dict[str, int]) -> None:
    """Write a batch of labels in one executemany (confirmed complaints are left alone)."""
    table = Complaint.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"), table.c.confirmed.is_(False))
        .values(
            version=table.c.version + 1, category=bindparam("new_category"), process_owner_id=bindparam("new_owner"),
            category_confidence=bindparam("new_category_confidence"), owner_confidence=bindparam("new_owner_confidence"),
            confidence=bindparam("new_confidence"), label_source=bindparam("new_source"), unclassified_reason=bindparam("new_reason"),
        )
    )
    values = [
        {
            "row_id": complaint_id, "new_category": label.category, "new_owner": owner_ids.get(label.owner) if label.owner else None,
            "new_category_confidence": label.category_confidence, "new_owner_confidence": label.owner_confidence,
            "new_confidence": label.confidence, "new_source": label.source, "new_reason": label.reason,
        }
        for complaint_id, label in zip(ids, labels, strict=True)
    ]
    if values:
        db.session.execute(statement, values)


def _relabel(where, use_model: bool) -> int:
    """Classify again the unconfirmed complaints matching ``where`` (with or without the self-trained model)."""
    classifier = Classifier.load()
    if not use_model:
        classifier.gap = None
    owner_ids = dict(db.session.execute(select(ProcessOwner.key, ProcessOwner.id)).all())
    rows = db.session.execute(
        select(Complaint.id, Complaint.text_norm, Complaint.product, Complaint.channel).where(Complaint.confirmed.is_(False), where).order_by(Complaint.id)
    ).all()
    changed = 0
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        labels = classifier.classify([r.text_norm or "" for r in chunk], [r.product for r in chunk], [r.channel for r in chunk])
        _store_labels([r.id for r in chunk], labels, owner_ids)
        changed += sum(label.source == SOURCE for label in labels)
    return changed


def after_import() -> dict:
    """Train a gap model on every complaint the rules labelled with confidence, keep it only when the held-out
    check passes, and label with it the complaints the rules left silent. The figures, for the page."""
    rows = db.session.execute(
        select(Complaint.text_norm, Complaint.category)
        .where(Complaint.label_source == "rules", Complaint.confirmed.is_(False), Complaint.category.is_not(None),
               Complaint.category_confidence >= SEED_CONFIDENCE)
        .order_by(Complaint.id)
    ).all()
    model, figures = train([(t or "", k) for t, k in rows])
    previous = latest()
    switched_off = previous is not None and not previous.active
    db.session.execute(update(ClassifierModel).where(ClassifierModel.target == TARGET).values(active=False))
    _relabel(Complaint.label_source == SOURCE, use_model=False)  # the old model's labels go back to the rules' answer
    if model is None:
        return figures
    record = ClassifierModel(
        target=TARGET, n_train=figures["seeds"], n_test=figures["held_out"], model_accuracy=figures["agreement"],
        active=not switched_off, blob=model.to_bytes(),
    )
    db.session.add(record)
    db.session.flush()
    if record.active:
        figures["labelled"] = _relabel(Complaint.unclassified_reason.in_(SILENT), use_model=True)
    return figures


def switch(on: bool) -> int:
    """Put the newest self-trained model in use (labelling what the rules left silent) or out of use (its labels
    go back to the rules' answer); how many complaints changed."""
    record = latest()
    if record is None:
        return 0
    record.active = on
    db.session.flush()
    if on:
        return _relabel(Complaint.unclassified_reason.in_(SILENT), use_model=True)
    before = labelled_count()
    _relabel(Complaint.label_source == SOURCE, use_model=False)
    return before
