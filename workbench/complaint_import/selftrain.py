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

At any volume, after each import (``after_import(job_id)``):

- Seeds are bounded (``MAX_SEEDS``): up to ``NEW_SEEDS`` from the import just
  made, spread evenly by id, and the rest from older complaints, stratified:
  each category gets an even share of the room (a small category gives what
  it has, the others share what it leaves), spread evenly by id within it.
  The held-out check runs on a random ``CHECK_SEEDS`` of them (its folds
  train on fewer seeds than the final model does, so it errs on the safe side).
- Relabelling touches only the complaints the gap model can label (silent, or
  labelled by it before), read and written in chunks of ``BATCH`` by id; a row
  whose label does not change is not written. Only the import's complaints are
  relabelled, unless the model changed materially: on a probe of up to
  ``PROBE`` older such complaints, the new and the previous model give a
  different answer to more than ``MATERIAL_CHANGE`` of them (or there was no
  previous model, or no import is named): then all of them are.
- When no model passes the check, the previous one (which passed its own)
  stays in use and labels the import's complaints.

The model is stored as plain arrays (``ClassifierModel`` with target
``selftrain``); switching it off returns every complaint it labelled (and no
person confirmed) to the rules' answer.
"""

import random
from collections import Counter
from collections.abc import Sequence

import numpy as np
from sqlalchemy import bindparam, false, func, or_, select, true, update

from workbench.complaint_import.classify import GAP_SOURCE as SOURCE
from workbench.complaint_import.classify import GAP_TARGET as TARGET
from workbench.complaint_import.classify import SILENT, Classifier, Label
from workbench.complaint_import.models import ClassifierModel, Complaint
from workbench.complaint_import.textmodel import TextModel, Vocabulary, model_choices, tokens
from workbench.extensions import db
from workbench.models import ProcessOwner

SEED_CONFIDENCE = 0.6
MIN_SEEDS = 150
MIN_CLASS_SEEDS = 15
MIN_AGREEMENT = 0.85
MIN_ANSWERED = 0.3  # the threshold must leave the model answering at least this share of the held-out seeds
THRESHOLDS = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9)
MAX_SEEDS = 40_000  # seeds one training reads, whatever the volume
NEW_SEEDS = 20_000  # of which at most this many from the import just made
CHECK_SEEDS = 15_000  # seeds the held-out check runs on: enough to tell 85% agreement within about ±0.6%
PROBE = 5_000  # older complaints on which the new model is compared with the previous one
MATERIAL_CHANGE = 0.02  # more answers changed than this on the probe: every complaint is relabelled
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
    # Out-of-fold predictions on (at most CHECK_SEEDS of) the seeds: each is held out once, by a model trained without it.
    order = list(range(len(pairs)))
    random.Random(seed).shuffle(order)
    order = order[:CHECK_SEEDS]
    predicted = np.empty(len(pairs), dtype=object)
    top = np.zeros(len(pairs), dtype=np.float32)
    for fold in range(FOLDS):
        test_idx = order[fold::FOLDS]
        held = set(test_idx)
        model = _fit([features[i] for i in order if i not in held], [keys[i] for i in order if i not in held])
        probabilities = model.probabilities([features[i] for i in test_idx])
        predicted[test_idx] = np.array(model.classes, dtype=object)[probabilities.argmax(axis=1)]
        top[test_idx] = probabilities.max(axis=1)
    checked = np.array(sorted(order))
    predicted, top, truth = predicted[checked], top[checked], np.array(keys, dtype=object)[checked]
    figures["held_out"] = len(order)
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


# -- seeds: the import's and a stratified sample of the older ones ------------------------------


def _seed_filter():
    return (Complaint.label_source == "rules", Complaint.confirmed.is_(False), Complaint.category.is_not(None),
            Complaint.category_confidence >= SEED_CONFIDENCE)


def _spread(where, limit: int, count: int) -> list[tuple[str, str]]:
    """At most ``limit`` (text, category) of the ``count`` rows matching ``where``, spread evenly by id."""
    if limit <= 0 or count <= 0:
        return []
    step = -(-count // limit)
    stmt = select(Complaint.text_norm, Complaint.category).where(*where)
    if step > 1:
        stmt = stmt.where(Complaint.id % step == 0)
    return [(t or "", k) for t, k in db.session.execute(stmt.order_by(Complaint.id).limit(limit))]


def quotas(counts: dict[str, int], room: int) -> dict[str, int]:
    """An even share of ``room`` per category; a category with fewer gives what it has and the others share the rest."""
    out, left = {}, room
    ranked = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]))
    for i, (key, n) in enumerate(ranked):
        out[key] = min(n, left // (len(ranked) - i))
        left -= out[key]
    return out


def _new(job_id: int | None):
    return Complaint.import_job_id == job_id if job_id is not None else false()


def _older(job_id: int | None):
    return or_(Complaint.import_job_id.is_(None), Complaint.import_job_id != job_id) if job_id is not None else true()


def training_pairs(job_id: int | None) -> list[tuple[str, str]]:
    """Seeds for one training: up to ``NEW_SEEDS`` of import ``job_id``'s, the rest a stratified sample of the older ones."""
    seed = _seed_filter()
    pairs = []
    if job_id is not None:
        count = db.session.scalar(select(func.count()).select_from(Complaint).where(*seed, _new(job_id))) or 0
        pairs = _spread((*seed, _new(job_id)), NEW_SEEDS, count)
    older = (*seed, _older(job_id))
    counts = dict(db.session.execute(select(Complaint.category, func.count()).where(*older).group_by(Complaint.category)).all())
    for key, quota in quotas(counts, MAX_SEEDS - len(pairs)).items():
        pairs += _spread((*older, Complaint.category == key), quota, counts[key])
    return pairs


# -- relabelling: only what the gap model can label, in chunks, writing only what changes --------


def _gap_rows(where):
    """Unconfirmed complaints the gap model may label (silent) or did label, matching ``where``, ``BATCH`` at a time by id."""
    table = Complaint.__table__
    gap = or_(table.c.unclassified_reason.in_(SILENT), table.c.label_source == SOURCE)
    last_id = 0
    while True:
        rows = db.session.execute(
            select(table.c.id, table.c.text_norm, table.c.product, table.c.channel, table.c.category, table.c.process_owner_id,
                   table.c.label_source, table.c.unclassified_reason, table.c.category_confidence)
            .where(table.c.confirmed.is_(False), gap, where, table.c.id > last_id)
            .order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        yield rows
        last_id = rows[-1].id


def _store_labels(rows, labels: list[Label], owner_ids: dict[str, int]) -> None:
    """Write the labels that differ from the stored ones, in one executemany (confirmed complaints are left alone)."""
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
    values = []
    for row, label in zip(rows, labels, strict=True):
        owner = owner_ids.get(label.owner) if label.owner else None
        if (row.category, row.process_owner_id, row.label_source, row.unclassified_reason) == (label.category, owner, label.source, label.reason) and (
            row.category_confidence == label.category_confidence
        ):
            continue
        values.append({
            "row_id": row.id, "new_category": label.category, "new_owner": owner,
            "new_category_confidence": label.category_confidence, "new_owner_confidence": label.owner_confidence,
            "new_confidence": label.confidence, "new_source": label.source, "new_reason": label.reason,
        })
    if values:
        db.session.execute(statement, values, execution_options={"synchronize_session": False})


def _relabel(where, use_model: bool) -> int:
    """Classify again the unconfirmed complaints matching ``where`` that the gap model may label or did (with or
    without the gap model in use); how many it labels."""
    classifier = Classifier.load()
    if not use_model:
        classifier.gap = None
    owner_ids = dict(db.session.execute(select(ProcessOwner.key, ProcessOwner.id)).all())
    labelled = 0
    for rows in _gap_rows(where):
        labels = classifier.classify([r.text_norm or "" for r in rows], [r.product for r in rows], [r.channel for r in rows])
        _store_labels(rows, labels, owner_ids)
        labelled += sum(label.source == SOURCE for label in labels)
    return labelled


def changed_share(previous: TextModel, model: TextModel, job_id: int | None) -> float:
    """The share of up to ``PROBE`` older complaints the gap model may label on which ``model`` answers otherwise
    than ``previous`` (a different category, or an answer where the other has none)."""
    gap = or_(Complaint.unclassified_reason.in_(SILENT), Complaint.label_source == SOURCE)
    where = (Complaint.confirmed.is_(False), gap, _older(job_id))
    count = db.session.scalar(select(func.count()).select_from(Complaint).where(*where)) or 0
    texts = [t for t, _k in _spread(where, PROBE, count)]
    if not texts:
        return 0.0
    features = [tokens(t) for t in texts]

    def answers(m: TextModel):
        return model_choices(m.probabilities(features), m.classes, m.trusted, m.threshold, [None] * len(texts), m.known)

    return sum(a != b for a, b in zip(answers(previous), answers(model), strict=True)) / len(texts)


def _model_in_use(record: ClassifierModel | None) -> TextModel | None:
    if record is None or not record.active or not record.blob:
        return None
    try:
        return TextModel.from_bytes(record.blob)
    except (ValueError, KeyError, OSError):
        return None


def after_import(job_id: int | None = None) -> dict:
    """Train a gap model on the rules' confident labels of import ``job_id`` and of a sample of the older complaints,
    keep it only when the held-out check passes, and label with it what the rules left silent: the import's
    complaints, or all when the model changed materially (or ``job_id`` is None). The figures, for the page."""
    model, figures = train(training_pairs(job_id))
    previous = latest()
    if model is None:
        if previous is not None and previous.active and job_id is not None:
            figures["kept_previous"] = True
            figures["labelled"] = _relabel(_new(job_id), use_model=True)
        return figures
    switched_off = previous is not None and not previous.active
    old_model = _model_in_use(previous)
    db.session.execute(update(ClassifierModel).where(ClassifierModel.target == TARGET).values(active=False))
    record = ClassifierModel(
        target=TARGET, n_train=figures["seeds"], n_test=figures["held_out"], model_accuracy=figures["agreement"],
        active=not switched_off, blob=model.to_bytes(),
    )
    db.session.add(record)
    db.session.flush()
    if not record.active:
        return figures
    material = old_model is None or job_id is None
    if not material:
        figures["changed_share"] = round(changed_share(old_model, model, job_id), 4)
        material = figures["changed_share"] > MATERIAL_CHANGE
    figures["relabelled"] = "all" if material else "import"
    figures["labelled"] = _relabel(true() if material else _new(job_id), use_model=True)
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
        return _relabel(true(), use_model=True)
    before = labelled_count()
    _relabel(Complaint.label_source == SOURCE, use_model=False)
    return before
