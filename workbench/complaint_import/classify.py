"""Classification by process owner and expectation category: keyword rules, and a learned model where it is better."""

import pickle
import re
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from workbench.extensions import db

TARGETS = ("owner", "category")
_NONE: frozenset = frozenset()


@dataclass
class Label:
    owner: str | None
    owner_confidence: float
    category: str | None
    category_confidence: float
    source: str

    @property
    def confidence(self) -> float:
        return round(min(self.owner_confidence, self.category_confidence), 3)


def _confidence(scores: dict[str, float]) -> tuple[str | None, float]:
    if not scores:
        return None, 0.0
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    top_key, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    share = top / (top + second)
    strength = min(1.0, 0.5 + 0.25 * top)
    return top_key, round(min(0.99, share * strength), 3)


class Rules:
    """Keyword/phrase rules compiled into one regular expression (one pass over each text)."""

    def __init__(self, rules: list[tuple[str, str, str, float]]):
        # One pattern per target, so a long phrase of one target never hides a short one of the other.
        self.by_phrase: dict[str, dict[str, list[tuple[str, float]]]] = {t: defaultdict(list) for t in TARGETS}
        for target, key, phrase, weight in rules:
            if phrase and target in self.by_phrase:
                self.by_phrase[target][phrase].append((key, weight))
        self.patterns = {}
        for target, table in self.by_phrase.items():
            phrases = sorted(table, key=len, reverse=True)
            if phrases:
                self.patterns[target] = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + ")")
        self._finders = [self.patterns[t].findall if t in self.patterns else None for t in TARGETS]
        self._predicted: dict[tuple, dict] = {}

    @classmethod
    def from_db(cls) -> "Rules":
        from workbench.complaint_import.models import ClassificationRule

        rows = db.session.execute(
            select(ClassificationRule.target, ClassificationRule.key, ClassificationRule.phrase, ClassificationRule.weight).where(
                ClassificationRule.active.is_(True)
            )
        ).all()
        return cls([tuple(r) for r in rows])

    def scores(self, text_norm: str) -> dict[str, dict[str, float]]:
        result: dict[str, dict[str, float]] = {}
        for target in TARGETS:
            bucket: dict[str, float] = {}
            pattern = self.patterns.get(target)
            if pattern is not None:
                table = self.by_phrase[target]
                for phrase in set(pattern.findall(text_norm)):
                    for key, weight in table[phrase]:
                        bucket[key] = bucket.get(key, 0.0) + weight
            result[target] = bucket
        return result

    def predict(self, text_norm: str, target: str) -> tuple[str | None, float]:
        return _confidence(self.scores(text_norm)[target])

    def predictions(self, text_norm: str) -> dict[str, tuple[str | None, float]]:
        """``predict`` for every target; texts matching the same phrases share one cached answer."""
        owner, category = self._finders
        matched = (frozenset(owner(text_norm)) if owner else _NONE, frozenset(category(text_norm)) if category else _NONE)
        cache = self._predicted
        found = cache.get(matched)
        if found is None:
            found = {}
            for target, phrases in zip(TARGETS, matched, strict=True):
                bucket: dict[str, float] = {}
                table = self.by_phrase[target]
                for phrase in phrases:
                    for key, weight in table[phrase]:
                        bucket[key] = bucket.get(key, 0.0) + weight
                found[target] = _confidence(bucket)
            if len(cache) >= 20000:
                cache.clear()
            cache[matched] = found
        return found


class Classifier:
    """Rules for every target, replaced per target by an active learned model."""

    def __init__(self, rules: Rules, models: dict[str, object] | None = None):
        self.rules = rules
        self.models = models or {}

    @classmethod
    def load(cls) -> "Classifier":
        from workbench.complaint_import.models import ClassifierModel

        models = {}
        for target in TARGETS:
            record = db.session.scalar(
                select(ClassifierModel)
                .where(ClassifierModel.target == target, ClassifierModel.active.is_(True))
                .order_by(ClassifierModel.id.desc())
                .limit(1)
            )
            if record is not None and record.blob:
                models[target] = pickle.loads(record.blob)  # written only by retrain()
        return cls(Rules.from_db(), models)

    def classify(self, texts: list[str]) -> list[Label]:
        """Labels for normalised texts, in order."""
        rule_predictions = [self.rules.predictions(t) for t in texts]
        out = {}
        for target in TARGETS:
            model = self.models.get(target)
            if model is not None and texts:
                probabilities = model.predict_proba(texts)
                classes = list(model.classes_)
                best = probabilities.argmax(axis=1)
                out[target] = [(classes[i], round(float(p[i]), 3), "model") for i, p in zip(best, probabilities, strict=True)]
            else:
                out[target] = [(*p[target], "rules") for p in rule_predictions]
        labels = []
        for (owner, oc, osrc), (category, cc, csrc) in zip(out["owner"], out["category"], strict=True):
            labels.append(Label(owner, oc, category, cc, "model" if "model" in (osrc, csrc) else "rules"))
        return labels
