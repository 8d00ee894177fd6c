"""Classification: the expectation category from phrase rules (or a learned model), the owner from the owner matrix.

The category is found by phrases (``matching.PhraseMatcher``, one pass per
text). The process owner is the organisation's decision: the owner matrix
maps a category (optionally by product or channel) to an owner, and owner
phrases (``target == "owner"``) are exceptions that override it (an item that
"arrived broken" belongs to quality whatever its category). A text without a
category is Unclassified with a reason (``REASONS``), never an error.
"""

import pickle
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from workbench.complaint_import.matching import BOUNDARY, PhraseMatcher, split_batch, split_words
from workbench.complaint_import.textnorm import normalise
from workbench.extensions import db

TARGETS = ("owner", "category")
# Why a complaint has no category, in the order they are checked.
REASONS = ("empty", "no_words", "other_language", "no_match", "conflict")

_ENGLISH_WORDS = frozenset(
    "the a an and or but to of in on at for with my i me we our you your it is was were are be been have has had not no "
    "this that they them their from by as so did do does dont didnt cant wont can will would after before".split()
)
_PERSIAN_WORDS = frozenset(
    normalise(w) for w in "و در به از که این را رو با است برای من ما تو شما آن اون هم یه یک بود شد نه ولی اما تا هنوز خیلی چرا".split()
)


@dataclass
class Label:
    owner: str | None
    owner_confidence: float
    category: str | None
    category_confidence: float
    source: str
    reason: str | None = None

    @property
    def confidence(self) -> float:
        return round(min(self.owner_confidence, self.category_confidence), 3)


def _confidence(scores: dict[str, float]) -> tuple[str | None, float]:
    """The best key and a confidence from its share and strength; no key when two share the top weight."""
    if not scores:
        return None, 0.0
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    top_key, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if second == top:
        return None, 0.0
    share = top / (top + second)
    strength = min(1.0, 0.5 + 0.25 * top)
    return top_key, round(min(0.99, share * strength), 3)


_LETTER = re.compile(r"[^\W\d_]")
_OTHER_SCRIPT = re.compile(r"[^\W\d_a-zA-Z\u0600-\u06ff\ufb50-\ufeff]")
_KNOWN_SCRIPT = re.compile(r"[a-zA-Z\u0600-\u06ff\ufb50-\ufeff]")


def script_reason(text_norm: str) -> str | None:
    """``empty``, ``no_words`` or ``other_language`` when the text cannot be read for phrases at all."""
    if not text_norm or text_norm.isspace():
        return "empty"
    head = text_norm[:2000]
    if _OTHER_SCRIPT.search(head) is None:
        return None if _LETTER.search(head) else "no_words"
    # Letters of another script: a third language unless Latin/Persian letters are the majority.
    if len(_OTHER_SCRIPT.findall(head)) > len(_KNOWN_SCRIPT.findall(head)):
        return "other_language"
    return None


def unmatched_reason(text_norm: str, words: list[str] | None = None) -> str:
    """``other_language`` for a text of five words or more where hardly any (under 1 in 10) is a common English
    or Persian word, else ``no_match`` (``words``: the text's ``split_words``, if known)."""
    words = split_words(text_norm) if words is None else words
    if len(words) >= 5 and sum(w in _ENGLISH_WORDS or w in _PERSIAN_WORDS for w in words) * 10 < len(words):
        return "other_language"
    return "no_match"


def _summed(found: list[tuple]) -> dict[str, float]:
    """Summed weight per key of the phrases found in one text (spellings of one phrase count once per key)."""
    bucket: dict[str, float] = {}
    for values in found:
        if len(values) > 1:  # "price", "prices"
            values = {key: max(w for k, w in values if k == key) for key, _w in values}.items()
        for key, weight in values:
            bucket[key] = bucket.get(key, 0.0) + weight
    return bucket


class OwnerMatrix:
    """Category (optionally product, channel) → process owner key; the most specific cell wins."""

    def __init__(self, cells: dict[tuple[str, str, str], str]):
        self.cells = cells
        self.contextual = any(product or channel for _c, product, channel in cells)

    @classmethod
    def from_db(cls) -> "OwnerMatrix":
        from workbench.complaint_import.models import OwnerAssignment
        from workbench.teams.models import ProcessOwner

        rows = db.session.execute(
            select(OwnerAssignment.category, OwnerAssignment.product, OwnerAssignment.channel, ProcessOwner.key).join(
                ProcessOwner, OwnerAssignment.process_owner_id == ProcessOwner.id
            )
        )
        return cls({(c, p or "", ch or ""): o for c, p, ch, o in rows})

    def owner(self, category: str | None, product: str | None = None, channel: str | None = None) -> str | None:
        if category is None:
            return None
        if self.contextual:
            product, channel = normalise(product), normalise(channel)
            for cell in ((category, product, channel), (category, product, ""), (category, "", channel)):
                if cell in self.cells and (cell[1] or cell[2]):
                    return self.cells[cell]
        return self.cells.get((category, "", ""))


class Rules:
    """Category phrases and owner-override phrases, each found in one pass; owners from the matrix."""

    def __init__(self, rules: list[tuple[str, str, str, float]], matrix: OwnerMatrix | None = None):
        by_target: dict[str, list] = {t: [] for t in TARGETS}
        for target, key, phrase, weight in rules:
            if phrase and target in by_target:
                by_target[target].append((phrase, (key, float(weight))))
        self.matchers = {t: PhraseMatcher(items) for t, items in by_target.items()}
        self.matrix = matrix or OwnerMatrix({})

    @classmethod
    def from_db(cls) -> "Rules":
        from workbench.complaint_import.models import ClassificationRule

        rows = db.session.execute(
            select(ClassificationRule.target, ClassificationRule.key, ClassificationRule.phrase, ClassificationRule.weight).where(
                ClassificationRule.active.is_(True)
            )
        ).all()
        return cls([tuple(r) for r in rows], OwnerMatrix.from_db())

    def scores(self, text_norm: str) -> dict[str, dict[str, float]]:
        """Summed weight per key of every phrase found, per target."""
        words = split_words(text_norm)
        return {target: _summed(matcher.find(text_norm, words)) for target, matcher in self.matchers.items()}

    def label(self, text_norm: str, product: str | None = None, channel: str | None = None) -> Label:
        """Category by phrases, owner by override phrases or else the matrix; a reason when there is no category."""
        reason = script_reason(text_norm)
        if reason is not None:
            return Label(None, 0.0, None, 0.0, "rules", reason)
        return self._label(text_norm, self.scores(text_norm), product, channel)

    def labels(self, texts_norm: Sequence[str], products: Sequence | None = None, channels: Sequence | None = None) -> list[Label]:
        """``label`` for many texts at once: one word split and one phrase pass per target for the whole batch."""
        words = split_batch(texts_norm)
        found = {target: matcher.find_batch(words) for target, matcher in self.matchers.items()}
        labels = []
        start = 0
        for i, text in enumerate(texts_norm):
            end = words.index(BOUNDARY, start)
            reason = script_reason(text)
            if reason is not None:
                labels.append(Label(None, 0.0, None, 0.0, "rules", reason))
            else:
                scores = {target: _summed(per_text[i]) for target, per_text in found.items()}
                labels.append(self._label(text, scores, products[i] if products else None, channels[i] if channels else None, words[start:end]))
            start = end + 1
        return labels

    def _label(self, text_norm, scores, product=None, channel=None, words=None) -> Label:
        category, category_confidence = _confidence(scores["category"])
        reason = None
        if category is None:
            reason = "conflict" if scores["category"] else unmatched_reason(text_norm, words)
        owner, owner_confidence = self.owner(scores["owner"], category, category_confidence, product, channel)
        return Label(owner, owner_confidence, category, category_confidence, "rules", reason)

    def owner(self, override_scores, category, category_confidence, product=None, channel=None) -> tuple[str | None, float]:
        """An override phrase's owner, else the matrix cell of the category."""
        owner, confidence = _confidence(override_scores)
        if owner is not None:
            return owner, confidence
        owner = self.matrix.owner(category, product, channel)
        return owner, category_confidence if owner else 0.0

    def predict(self, text_norm: str, target: str) -> tuple[str | None, float]:
        """(key, confidence) for one target."""
        label = self.label(text_norm)
        return (label.owner, label.owner_confidence) if target == "owner" else (label.category, label.category_confidence)

    def predictions(self, text_norm: str) -> dict[str, tuple[str | None, float]]:
        """``predict`` for every target."""
        label = self.label(text_norm)
        return {"owner": (label.owner, label.owner_confidence), "category": (label.category, label.category_confidence)}


class Classifier:
    """Rules (and the owner matrix) for every target; an active learned model replaces them per target."""

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

    @property
    def contextual(self) -> bool:
        """The owner may depend on a complaint's product or channel (see ``owner_for``)."""
        return self.rules.matrix.contextual and "owner" not in self.models

    def classify(self, texts: Sequence[str], products: Sequence | None = None, channels: Sequence | None = None) -> list[Label]:
        """Labels for normalised texts, in order (products/channels, when given, pick owner-matrix cells)."""
        labels = self.rules.labels(texts, products, channels)
        for target in TARGETS:
            model = self.models.get(target)
            if model is None or not texts:
                continue
            probabilities = model.predict_proba(list(texts))
            classes = list(model.classes_)
            for label, best, row in zip(labels, probabilities.argmax(axis=1), probabilities, strict=True):
                key, confidence = classes[best], round(float(row[best]), 3)
                label.source = "model"
                if target == "category":
                    label.category, label.category_confidence, label.reason = key, confidence, None
                else:
                    label.owner, label.owner_confidence = key, confidence
        if "category" in self.models and "owner" not in self.models:
            for i, (label, text) in enumerate(zip(labels, texts, strict=True)):
                overrides = self.rules.scores(text)["owner"]
                label.owner, label.owner_confidence = self.rules.owner(
                    overrides, label.category, label.category_confidence, products[i] if products else None, channels[i] if channels else None
                )
        return labels

    def owner_for(self, label: Label, text_norm: str, product: str | None, channel: str | None) -> tuple[str | None, float]:
        """The owner of an already classified text for this product and channel."""
        if not self.contextual:
            return label.owner, label.owner_confidence
        return self.rules.owner(self.rules.scores(text_norm)["owner"], label.category, label.category_confidence, product, channel)
