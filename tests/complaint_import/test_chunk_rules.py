"""A chunk classified at once (``chunk_rules``) gets exactly the labels each text gets alone (``Rules.label``)."""

import csv
import random
from pathlib import Path

import pytest

from workbench.complaint_import.chunk_rules import chunk_words
from workbench.complaint_import.classify import Rules
from workbench.complaint_import.defaults import ensure_defaults
from workbench.complaint_import.matching import split_texts
from workbench.complaint_import.models import OwnerAssignment
from workbench.complaint_import.textnorm import normalise, normalise_many
from workbench.models import ProcessOwner

DATA = Path(__file__).resolve().parents[2] / "bench" / "data"
SETS = ("labelled_complaints.csv", "labelled_complaints_edge.csv", "dev/dev_complaints.csv", "heldout/heldout_complaints.csv")
MESSY = [
    "", " ", "\t\n", "12345", "۱۲۳۴۵ ۶۷۸", "😡😡😡", "😡 late 😡", "bad 𝐬𝐞𝐫𝐯𝐢𝐜𝐞 𝟏𝟐", "____", "_late_ fee_", "don't", "it isn’t late", "was not late",
    "دیر نبود", "دیر رسید نبود", "not refunded", "گارانتی نبود", "حالا نمی ده", "می", "ها", "می می ها", "ها می", "کارت ها می", "abc ها", "می abc ها",
    "پول کارت‌هام برنگشت", "cold food \x00 late delivery", "late\x00fee", "das Essen war kalt und die Lieferung kam sehr spät an",
    "это было ужасно, доставка опоздала", "送货太晚了 late", "طعام بارد جدا في هذا المطعم الذي لم يصل", "کھانا ٹھنڈا تھا اور ڈیلیوری دیر سے",
    "price price price 價格 late late", "the compressor is noisy and the delivery was late and the price too high",
    "خیلی گرون بود و دیر رسید", "سلام\u200cمی\u200cخواستم بگم سفارش نرسید", "Ｆｕｌｌｗｉｄｔｈ late", "ÉCRAN cassé, livraison en retard",
    "x" * 6000 + " late", "late " * 1500, "دیر " * 2000 + "گرون", "ـــ", "\ufeff\u200fسلام",
    "it took 45 minutes to answer", "waited 3 days for delivery", "سفارش ۱۲ روز طول کشید", "ده روز منتظر موندم", "order 1234567 was 30 days late",
]


def _texts() -> list[str]:
    texts = []
    for name in SETS:
        with open(DATA / name, encoding="utf-8", newline="") as handle:
            texts += [row["text"] for row in csv.DictReader(handle)]
    words = " ".join(texts).split()
    rng = random.Random(7)
    # Texts made of pieces of real ones: new neighbours for negations and detached prefixes/suffixes.
    mixed = [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 25))) for _ in range(800)]
    return [normalise(t) for t in texts + MESSY + mixed]


@pytest.fixture
def rules(db, owners):
    ensure_defaults()
    db.session.commit()
    return Rules.from_db()


def test_a_chunk_is_normalised_as_each_text_alone():
    raw = [*MESSY, "ΟΔΟΣ ΑΣ", "  Σ  ", "x\u200cy", "\u2028line\x1cbreak", "İstanbul", "كيك ي", " a\n\n b ", *["\u200c \t"] * 3]
    rng = random.Random(5)
    pieces = ["a", " ", "Σ", "Α", "\u200c", "ي", "\n", "\u00a0", "x", "ـ", "\u064b", "۱"]
    raw += ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 9))) for _ in range(3000)]
    assert normalise_many(raw) == [normalise(t) for t in raw]
    assert normalise_many([]) == [] and normalise_many(["a\x00b", "c"]) == ["a\x00b", "c"]


def test_the_words_of_a_chunk_are_the_words_of_each_text():
    texts = _texts()
    words = chunk_words(texts)
    assert [words.of_text(i) for i in range(len(texts))] == split_texts(texts)


def test_a_chunk_gets_the_labels_each_text_gets_alone(rules):
    texts = _texts()
    labels = rules.labels(texts)
    assert labels == [rules.label(t) for t in texts]
    reasons = {label.reason for label in labels}
    assert {None, "empty", "no_words", "other_language", "no_match"} <= reasons  # the set covers every way out
    assert sum(label.category is not None for label in labels) > len(texts) // 3


def test_a_chunk_in_any_order_and_size_gets_the_same_labels(rules):
    texts = _texts()
    alone = {t: rules.label(t) for t in texts}
    rng = random.Random(3)
    for size in (1, 2, 17, 500):
        chunk = rng.sample(texts, size)
        assert rules.labels(chunk) == [alone[t] for t in chunk]


def test_owner_matrix_cells_by_product_and_channel_apply_per_text(rules, db):
    quality = db.session.scalar(ProcessOwner.__table__.select().where(ProcessOwner.key == "quality").with_only_columns(ProcessOwner.id))
    db.session.add(OwnerAssignment(category="delivery_speed", product="mixer", channel="", process_owner_id=quality))
    db.session.commit()
    rules = Rules.from_db()
    texts = [normalise(t) for t in ("the delivery was late", "the delivery was late", "دیر رسید", "late", "")]
    products, channels = ["Mixer", "oven", "mixer", None, "mixer"], ["web", None, "phone", "web", None]
    labels = rules.labels(texts, products, channels)
    assert labels == [rules.label(t, p, c) for t, p, c in zip(texts, products, channels, strict=True)]
    assert [label.owner for label in labels[:2]] == ["quality", "service"]
