"""Learning from confirmed labels without overreacting.

For each target (category, owner) a linear model (``textmodel``) is trained
on the complaints a person confirmed. It is judged by k-fold cross-validation
on those labels against the keyword rules, and it may decide a class only when

- the class has at least ``MIN_CLASS_LABELS`` confirmed labels (never a dozen), and
- letting the model decide that class, combined with the rules for the rest,
  gets clearly more held-out labels right than without it (net gain of at least
  ``MIN_NET_GAIN`` and two standard errors of a sign test);

only at or above a probability threshold chosen on the held-out
predictions (``THRESHOLDS``), and only over a rule answer of a class it has
enough confirmed labels of (or where the rules have no answer): a class the
held-out labels never showed it stays the rules'. Everything else keeps the rules' answer; a text
neither answers stays Unclassified. The organisation's own unconfirmed
complaints that the rules label with confidence are added as weak labels
(self-training from the rules) only when the same held-out comparison shows
that they help. A retraining is previewed (``preview.py``) before it is used.
"""

import math
import random
from collections import Counter

import numpy as np
from sqlalchemy import func, select

from workbench.complaint_import.classify import TARGETS, Rules
from workbench.complaint_import.models import ClassifierModel, ClassifierRun, Complaint
from workbench.complaint_import.textmodel import TextModel, Vocabulary, model_choices, tokens
from workbench.extensions import db
from workbench.models import ProcessOwner

MIN_LABELS = 50  # confirmed labels of a target before any model is trained
MIN_CLASS_LABELS = 30  # confirmed labels of a class before the model may decide it
MIN_NET_GAIN = 3  # held-out labels the model must get right more than it gets wrong (per class)
FOLDS = 5
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
WEAK_MIN_CONFIDENCE = 0.6  # rule labels at least this confident may serve as weak labels
WEAK_MAX = 20_000
WEAK_WEIGHT = 0.3
REGULARISATION_C = 4.0


def confirmed_labels(target: str) -> list[tuple[str, str]]:
    """(normalised text, key) of every complaint whose label a user confirmed."""
    if target == "owner":
        stmt = select(Complaint.text_norm, ProcessOwner.key).join(ProcessOwner, Complaint.process_owner_id == ProcessOwner.id)
    else:
        stmt = select(Complaint.text_norm, Complaint.category).where(Complaint.category.is_not(None))
    stmt = stmt.where(Complaint.confirmed.is_(True)).order_by(Complaint.id)
    return [(t or "", k) for t, k in db.session.execute(stmt)]


def weak_texts(limit: int = WEAK_MAX * 2) -> list[str]:
    """An even spread (by id) of unconfirmed complaints' normalised texts, at most ``limit``."""
    unconfirmed = Complaint.confirmed.is_(False)
    count = db.session.scalar(select(func.count()).select_from(Complaint).where(unconfirmed)) or 0
    step = max(1, math.ceil(count / limit))
    stmt = select(Complaint.text_norm).where(unconfirmed)
    if step > 1:
        stmt = stmt.where(Complaint.id % step == 0)
    return [t for t in db.session.scalars(stmt.order_by(Complaint.id).limit(limit)) if t]


def _answer(label, target: str) -> str | None:
    return label.category if target == "category" else label.owner


def weak_labels(texts: list[str], rules: Rules, target: str) -> list[tuple[str, str]]:
    """(text, key) where the rules label a text with at least ``WEAK_MIN_CONFIDENCE``; at most ``WEAK_MAX``."""
    out = []
    for text, label in zip(texts, rules.labels(texts), strict=True):
        key = _answer(label, target)
        confidence = label.category_confidence if target == "category" else label.owner_confidence
        if key is not None and confidence >= WEAK_MIN_CONFIDENCE:
            out.append((text, key))
            if len(out) >= WEAK_MAX:
                break
    return out


def _folds(truth: list[str], k: int, seed: int) -> list[int]:
    """A fold per label, each class spread evenly over the folds."""
    order = list(range(len(truth)))
    random.Random(seed).shuffle(order)
    order.sort(key=lambda i: truth[i])
    fold, seen = [0] * len(truth), Counter()
    for i in order:
        fold[i] = seen[truth[i]] % k
        seen[truth[i]] += 1
    return fold


def fit(features: list[list[str]], keys: list[str], weights: list[float] | None = None) -> TextModel:
    """A multinomial logistic regression on TF-IDF features of ``features``."""
    from sklearn.linear_model import LogisticRegression

    vocabulary = Vocabulary.fit(features)
    estimator = LogisticRegression(C=REGULARISATION_C, max_iter=1000)
    estimator.fit(vocabulary.matrix(features), keys, sample_weight=np.asarray(weights) if weights is not None else None)
    return TextModel.from_sklearn(vocabulary, estimator)


def held_out_probabilities(features, truth, classes, weak=(), seed: int = 0) -> np.ndarray:
    """Out-of-fold probabilities (columns in ``classes`` order) of every confirmed label; ``weak`` joins every training fold."""
    folds = _folds(truth, FOLDS, seed)
    out = np.zeros((len(truth), len(classes)), dtype=np.float32)
    weak_features = [f for f, _k in weak]
    weak_keys = [k for _f, k in weak]
    for k in range(FOLDS):
        train = [i for i, f in enumerate(folds) if f != k]
        test = [i for i, f in enumerate(folds) if f == k]
        if not test:
            continue
        train_keys = [truth[i] for i in train] + weak_keys
        if len(set(train_keys)) < 2:
            continue
        model = fit([features[i] for i in train] + weak_features, train_keys, [1.0] * len(train) + [WEAK_WEIGHT] * len(weak_keys))
        probabilities = model.probabilities([features[i] for i in test])
        for j, cls in enumerate(model.classes):
            if cls in classes:
                out[test, classes.index(cls)] = probabilities[:, j]
    return out


def _significant(wins: int, losses: int) -> bool:
    return wins - losses >= max(MIN_NET_GAIN, 2.0 * math.sqrt(wins + losses))


def choose(truth, rule_keys, probabilities, classes, counts) -> dict:
    """The threshold and trusted classes that get the most held-out labels right, each class added only on a
    significant net gain over what is already decided without it."""
    rules_right = [r == t for r, t in zip(rule_keys, truth, strict=True)]
    candidates = sorted((c for c in classes if counts.get(c, 0) >= MIN_CLASS_LABELS), key=lambda c: -counts[c])
    best = {"threshold": 1.0, "trusted": [], "right": sum(rules_right), "answers": list(rule_keys), "known": candidates}
    for threshold in THRESHOLDS:
        trusted: list[str] = []
        answers = list(rule_keys)
        for cls in candidates:
            choices = model_choices(probabilities, classes, [*trusted, cls], threshold, rule_keys, candidates)
            trial = [c if c is not None else r for c, r in zip(choices, rule_keys, strict=True)]
            wins = sum(a == t and b != t for a, b, t in zip(trial, answers, truth, strict=True))
            losses = sum(a != t and b == t for a, b, t in zip(trial, answers, truth, strict=True))
            if _significant(wins, losses):
                trusted.append(cls)
                answers = trial
        right = sum(a == t for a, t in zip(answers, truth, strict=True))
        if right > best["right"]:
            best = {"threshold": threshold, "trusted": trusted, "right": right, "answers": answers, "known": candidates}
    return best


def _per_class(truth, rule_keys, answers, classes, counts, trusted) -> list[dict]:
    rows = []
    for cls in sorted(set(classes) | set(truth)):
        n = counts.get(cls, 0)

        def recall(keys, cls=cls, n=n):
            return round(sum(k == t == cls for k, t in zip(keys, truth, strict=True)) / n, 3) if n else None

        rows.append({"key": cls, "labels": n, "rules_recall": recall(rule_keys), "combined_recall": recall(answers), "model_decides": cls in trusted})
    return rows


def train_target(target: str, rules: Rules, labels: list[tuple[str, str]], weak_pool: list[str] | None = None, seed: int = 0) -> tuple[TextModel | None, dict]:
    """Train and judge one target on held-out confirmed ``labels`` ((normalised text, key)); the model (None when
    not trained or not better than the rules for any class) and the figures."""
    counts = Counter(k for _t, k in labels)
    figures = {"trained": False, "labels": len(labels), "classes": dict(counts)}
    if len(labels) < MIN_LABELS or len(counts) < 2:
        figures["reason"] = "too_few_labels"
        return None, figures
    texts = [t for t, _k in labels]
    truth = [k for _t, k in labels]
    rule_keys = [_answer(label, target) for label in rules.labels(texts)]
    features = [tokens(t) for t in texts]
    classes = sorted(counts)
    plain = choose(truth, rule_keys, held_out_probabilities(features, truth, classes, seed=seed), classes, counts)
    chosen, weak, used_weak = plain, [], False
    pool = weak_labels(weak_pool or [], rules, target)
    if pool:
        weak = [(tokens(t), k) for t, k in pool]
        classes_weak = sorted(set(classes) | {k for _t, k in pool})
        with_weak = choose(truth, rule_keys, held_out_probabilities(features, truth, classes_weak, weak, seed), classes_weak, counts)
        wins = sum(a == t and b != t for a, b, t in zip(with_weak["answers"], plain["answers"], truth, strict=True))
        losses = sum(a != t and b == t for a, b, t in zip(with_weak["answers"], plain["answers"], truth, strict=True))
        if _significant(wins, losses):
            chosen, used_weak = with_weak, True
    rules_right = sum(r == t for r, t in zip(rule_keys, truth, strict=True))
    figures.update(
        trained=True,
        rules_accuracy=round(rules_right / len(truth), 3),
        combined_accuracy=round(chosen["right"] / len(truth), 3),
        threshold=chosen["threshold"],
        trusted=chosen["trusted"],
        weak_labels=len(weak) if used_weak else 0,
        weak_offered=len(pool),
        per_class=_per_class(truth, rule_keys, chosen["answers"], classes, counts, chosen["trusted"]),
        used="model" if chosen["trusted"] else "rules",
    )
    if not chosen["trusted"]:
        return None, figures
    train_weak = weak if used_weak else []
    model = fit(features + [f for f, _k in train_weak], truth + [k for _f, k in train_weak], [1.0] * len(truth) + [WEAK_WEIGHT] * len(train_weak))
    model.trusted, model.threshold, model.known = list(chosen["trusted"]), float(chosen["threshold"]), list(chosen["known"])
    return model, figures


def train_all(rules: Rules | None = None) -> tuple[dict[str, TextModel], dict]:
    """Train every target; (models worth using, figures per target)."""
    rules = rules or Rules.from_db()
    pool = weak_texts()
    models, figures = {}, {}
    for target in TARGETS:
        model, figures[target] = train_target(target, rules, confirmed_labels(target), pool)
        if model is not None:
            models[target] = model
    return models, figures


def latest_models() -> dict[str, dict]:
    """The model in use per target with its held-out figures (absent: the rules decide)."""
    out = {}
    for target in TARGETS:
        record = db.session.scalar(
            select(ClassifierModel).where(ClassifierModel.target == target, ClassifierModel.active.is_(True)).order_by(ClassifierModel.id.desc()).limit(1)
        )
        if record is None:
            continue
        run = db.session.get(ClassifierRun, record.run_id) if record.run_id else None
        figures = ((run.report or {}).get("targets") or {}).get(target, {}) if run else {}
        out[target] = {
            "trained_at": record.trained_at,
            "labels": record.n_train,
            "model_accuracy": record.model_accuracy,
            "rules_accuracy": record.rules_accuracy,
            "trusted": figures.get("trusted", []),
            "threshold": figures.get("threshold"),
            "used": "model",
        }
    return out
