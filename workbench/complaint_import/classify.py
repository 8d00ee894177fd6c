"""Classification: the expectation category from phrase rules (or a learned model), the owner from the owner matrix.

The category is found by phrases (``matching.PhraseMatcher``, one pass per
text). The process owner is the organisation's decision: the owner matrix
maps a category (optionally by product or channel) to an owner, and owner
phrases (``target == "owner"``) are exceptions that override it. Phrases that
give a product defect to production or quality ("arrived broken", "sent the
wrong size") apply only to product quality, and where no category phrase is
found they mark the complaint as product quality. A phrase right after "not"
or before «نبود» ("not late", «دیر نبود») counts for nothing (warranty phrases
excepted: "not refunded" is still a refund complaint). A text without a
category is Unclassified with a reason (``REASONS``), never an error.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from workbench.complaint_import.chunk_rules import LabelColumns, chunk_scores
from workbench.complaint_import.matching import PhraseMatcher, split_words
from workbench.complaint_import.models import ClassificationRule, ClassifierModel, OwnerAssignment
from workbench.complaint_import.reasons import REASONS, script_reason, script_reasons, unmatched_reason
from workbench.complaint_import.textmodel import TextModel, model_choices, tokens
from workbench.complaint_import.textnorm import normalise
from workbench.extensions import db
from workbench.models import ProcessOwner

if TYPE_CHECKING:
    from workbench.complaint_import.textmodel import TextModel

TARGETS = ("owner", "category")
# The self-trained gap model (``selftrain``): its ClassifierModel target, the label source of what it labels,
# and the reasons it may fill (the rules could read the text but gave no category).
GAP_TARGET = "selftrain"
GAP_SOURCE = "selftrain"
SILENT = ("no_match", "conflict")
__all__ = ["REASONS", "Classifier", "Label", "Rules"]  # REASONS: why a complaint has no category (``reasons``)

@dataclass
class Label:
    owner: str | None
    owner_confidence: float
    category: str | None
    category_confidence: float
    source: str
    reason: str | None = None
    owner_override: bool = False  # the owner came from an owner phrase (or the model), not from the matrix

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


def _summed(found: list[tuple]) -> dict[str, float]:
    """Summed weight per key of the phrases found in one text (spellings of one phrase count once per key)."""
    bucket: dict[str, float] = {}
    for values in found:
        if len(values) > 1:  # "price", "prices"
            values = {key: max(w for k, w in values if k == key) for key, _w in values}.items()
        for key, weight in values:
            bucket[key] = bucket.get(key, 0.0) + weight
    return bucket


# Owner phrases that split product defects between production and quality apply to product quality only.
DEFECT_CATEGORY = "product_quality"
DEFECT_OWNERS = frozenset(("production", "quality"))
# Categories whose phrases name an event or a thing ("refund", «گارانتی»), not a problem: "not refunded" or
# «گارانتی نبود» is still a complaint of that category, so a negation next to them cancels nothing.
NOT_NEGATABLE = frozenset(("warranty",))


def _negatable(value: tuple[str, float]) -> bool:
    return value[0] not in NOT_NEGATABLE


# A phrase found with other words among its words ("delivered two days late") weighs 0.6 of the phrase as written (not half: a phrase of weight 2 would tie a one-word phrase of weight 1 inside it, «اینترنت خیلی کند»).
GAP_WEIGHT = 0.6


def _gap_value(value: tuple[str, float]) -> tuple[str, float]:
    return value[0], value[1] * GAP_WEIGHT


REMEDY_CATEGORY = "warranty"


def broken_tie(tied: frozenset, override: str | None, top: float) -> tuple[str | None, float]:
    """The category of a text whose category phrases tie, where the way complaints are written decides it: a
    warranty, return or refund complaint names the defect it is about ("failed after a year and the warranty claim
    was denied"), so warranty wins a tie with product quality; a phrase that gives a defect to production or quality
    ("arrived crushed", "items were missing") says the complaint is about the product itself. Otherwise none."""
    if REMEDY_CATEGORY in tied and tied <= {REMEDY_CATEGORY, DEFECT_CATEGORY}:
        category = REMEDY_CATEGORY
    elif DEFECT_CATEGORY in tied and override in DEFECT_OWNERS:
        category = DEFECT_CATEGORY
    else:
        return None, 0.0
    return category, round(min(0.99, 0.5 * min(1.0, 0.5 + 0.25 * top)), 3)


def _tied(scores: dict[str, float]) -> frozenset:
    """The keys that share the top weight (empty when one key is ahead)."""
    if len(scores) < 2:
        return frozenset()
    top = max(scores.values())
    keys = frozenset(k for k, w in scores.items() if w == top)
    return keys if len(keys) > 1 else frozenset()


class OwnerMatrix:
    """Category (optionally product, channel) → process owner key; the most specific cell wins."""

    def __init__(self, cells: dict[tuple[str, str, str], str]):
        self.cells = cells
        self.contextual = any(product or channel for _c, product, channel in cells)

    @classmethod
    def from_db(cls) -> "OwnerMatrix":
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
        self.matchers = {t: PhraseMatcher(items, negatable=_negatable, gap_value=_gap_value) for t, items in by_target.items()}
        self.matrix = matrix or OwnerMatrix({})

    @classmethod
    def from_db(cls) -> "Rules":
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
        """``label`` for many texts at once (``chunk_rules``: a few passes over the whole batch, no Python step per word)."""
        columns = self.label_columns(texts_norm, products, channels)
        return [
            Label(owner, owner_confidence, category, category_confidence, "rules", reason, override)
            for owner, owner_confidence, category, category_confidence, reason, override in zip(
                columns.owner, columns.owner_confidence, columns.category, columns.category_confidence, columns.reason, columns.owner_override,
                strict=True,
            )
        ]

    def label_columns(self, texts_norm: Sequence[str], products: Sequence | None = None, channels: Sequence | None = None) -> LabelColumns:
        """``labels`` as columns, the phrases of the whole batch found and scored as arrays (``chunk_rules``)."""
        texts = list(texts_norm)
        columns = LabelColumns.unlabelled(script_reasons(texts) if texts else [])
        if not texts:
            return columns
        found = chunk_scores(self.matchers, texts)
        owner_of: dict = {}  # the owner matrix's answer per (category, product, channel)
        for i, reason in enumerate(columns.reason):
            if reason is not None:
                continue
            category, confidence = found.category[i], found.category_confidence[i]
            if category is None and found.tied[i]:
                category, confidence = broken_tie(found.tied[i], found.override[i], found.top[i])
            if category is None:
                reason = "conflict" if found.any_category[i] else unmatched_reason(texts[i], found.words.of_text(i))
            owner = found.override[i]
            if owner in DEFECT_OWNERS and category not in (None, DEFECT_CATEGORY):
                owner = None  # as in ``_label``
            if owner is not None:
                if category is None and reason == "no_match" and owner in DEFECT_OWNERS:
                    category, confidence, reason = DEFECT_CATEGORY, found.override_confidence[i], None
                owner_confidence, columns.owner_override[i] = found.override_confidence[i], True
            else:
                cell = (category, products[i] if products else None, channels[i] if channels else None)
                if cell not in owner_of:
                    owner_of[cell] = self.matrix.owner(*cell)
                owner = owner_of[cell]
                owner_confidence = confidence if owner else 0.0
            columns.owner[i], columns.owner_confidence[i] = owner, owner_confidence
            columns.category[i], columns.category_confidence[i], columns.reason[i] = category, confidence, reason
        return columns

    def _label(self, text_norm, scores, product=None, channel=None, words=None) -> Label:
        category, category_confidence = _confidence(scores["category"])
        override, override_confidence = _confidence(scores["owner"])
        if category is None and scores["category"]:
            category, category_confidence = broken_tie(_tied(scores["category"]), override, max(scores["category"].values()))
        reason = None
        if category is None:
            reason = "conflict" if scores["category"] else unmatched_reason(text_norm, words)
        if override in DEFECT_OWNERS and category not in (None, DEFECT_CATEGORY):
            override = None  # "instead of" in a delivery complaint does not make it quality's
        if override is not None:
            if category is None and reason == "no_match" and override in DEFECT_OWNERS:
                # "sent me the wrong size": a defect phrase names the category too
                category, category_confidence, reason = DEFECT_CATEGORY, override_confidence, None
            return Label(override, override_confidence, category, category_confidence, "rules", reason, owner_override=True)
        owner = self.matrix.owner(category, product, channel)
        return Label(owner, category_confidence if owner else 0.0, category, category_confidence, "rules", reason)

    def predict(self, text_norm: str, target: str) -> tuple[str | None, float]:
        """(key, confidence) for one target."""
        label = self.label(text_norm)
        return (label.owner, label.owner_confidence) if target == "owner" else (label.category, label.category_confidence)

    def predictions(self, text_norm: str) -> dict[str, tuple[str | None, float]]:
        """``predict`` for every target."""
        label = self.label(text_norm)
        return {"owner": (label.owner, label.owner_confidence), "category": (label.category, label.category_confidence)}


class Classifier:
    """Rules (and the owner matrix) for every target, combined with a learned model per target where one is in use.

    A model decides only the classes it was trusted with (``TextModel.trusted``:
    enough confirmed labels, and better than the rules on held-out labels) and
    only at or above its calibrated ``threshold``; everything else keeps the
    rules' answer, and a text neither gives a label to stays Unclassified.
    When the model changes a category, an owner that came from the owner matrix
    follows the new category.
    """

    def __init__(self, rules: Rules, models: dict[str, "TextModel"] | None = None, gap: "TextModel | None" = None):
        self.rules = rules
        self.models = {t: m for t, m in (models or {}).items() if m.trusted}
        self.gap = gap  # the self-trained model: only for texts nothing else labelled (see ``selftrain``)

    @classmethod
    def load(cls) -> "Classifier":
        models = models_in_use()
        return cls(Rules.from_db(), {t: m for t, m in models.items() if t in TARGETS}, models.get(GAP_TARGET))

    def classify(self, texts: Sequence[str], products: Sequence | None = None, channels: Sequence | None = None) -> list[Label]:
        """Labels for normalised texts, in order (products/channels, when given, pick owner-matrix cells)."""
        labels = self.rules.labels(texts, products, channels)
        if self.models and texts:
            self._apply_models(labels, texts, products, channels)
        if self.gap is not None and texts:
            self.fill_gaps(self.gap, texts, labels, products, channels)
        return labels

    def classify_columns(self, texts: Sequence[str], products: Sequence | None = None, channels: Sequence | None = None):
        """``classify`` as columns (``chunk_rules.LabelColumns``); with the rules alone, no object per text is made."""
        if not self.models and self.gap is None:
            return self.rules.label_columns(texts, products, channels)
        labels = self.classify(texts, products, channels)
        return LabelColumns(
            [label.owner for label in labels], [label.owner_confidence for label in labels], [label.category for label in labels],
            [label.category_confidence for label in labels], [label.reason for label in labels], [label.owner_override for label in labels],
            [label.source for label in labels],
        )

    def _apply_models(self, labels, texts, products, channels) -> None:
        features = [tokens(t) for t in texts]
        for target in TARGETS:
            model = self.models.get(target)
            if model is None:
                continue
            probabilities = model.probabilities(features)
            column = {c: i for i, c in enumerate(model.classes)}
            answers = [label.category if target == "category" else label.owner for label in labels]
            for i, choice in enumerate(model_choices(probabilities, model.classes, model.trusted, model.threshold, answers, model.known)):
                if choice is None or choice == answers[i]:
                    continue  # the rules' answer stands (and stays theirs where the model agrees)
                label, confidence = labels[i], round(float(probabilities[i, column[choice]]), 3)
                if target == "category":
                    if choice != label.category and not label.owner_override:
                        owner = self.rules.matrix.owner(choice, products[i] if products else None, channels[i] if channels else None)
                        label.owner, label.owner_confidence = owner, confidence if owner else 0.0
                    label.category, label.category_confidence, label.reason = choice, confidence, None
                else:
                    label.owner, label.owner_confidence, label.owner_override = choice, confidence, True
                label.source = "model"

    def fill_gaps(self, model: "TextModel", texts: Sequence[str], labels: list[Label], products=None, channels=None) -> int:
        """Give a category to the texts the rules could read but left without one (``SILENT``) where the
        self-trained ``model`` is sure enough; the owner follows from the matrix. How many it labelled."""
        silent = [i for i, label in enumerate(labels) if label.category is None and label.reason in SILENT]
        if not silent:
            return 0
        probabilities = model.probabilities([tokens(texts[i]) for i in silent])
        choices = model_choices(probabilities, model.classes, model.trusted, model.threshold, [None] * len(silent), model.known)
        column = {c: j for j, c in enumerate(model.classes)}
        filled = 0
        for row, (i, choice) in enumerate(zip(silent, choices, strict=True)):
            if choice is None:
                continue
            label, confidence = labels[i], round(float(probabilities[row, column[choice]]), 3)
            label.category, label.category_confidence, label.reason, label.source = choice, confidence, None, GAP_SOURCE
            if not label.owner_override:
                label.owner = self.rules.matrix.owner(choice, products[i] if products else None, channels[i] if channels else None)
                label.owner_confidence = confidence if label.owner else 0.0
            filled += 1
        return filled


def models_in_use() -> dict[str, TextModel]:
    """The active model of each target and the self-trained gap model (``GAP_TARGET``), read from plain arrays;
    a model that cannot be read is left out."""
    out = {}
    for target in (*TARGETS, GAP_TARGET):
        blob = db.session.scalar(
            select(ClassifierModel.blob)
            .where(ClassifierModel.target == target, ClassifierModel.active.is_(True))
            .order_by(ClassifierModel.id.desc())
            .limit(1)
        )
        if blob:
            try:
                out[target] = TextModel.from_bytes(blob)
            except (ValueError, KeyError, OSError):
                continue
    return out
