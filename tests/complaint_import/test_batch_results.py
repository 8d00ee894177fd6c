"""The import's fast paths give exactly what the plain ones give: batch labels, attribute JSON."""

import random
from datetime import date

from workbench.complaint_import.classify import Rules
from workbench.complaint_import.defaults import ensure_defaults
from workbench.complaint_import.rows import ComplaintNormaliser
from workbench.complaint_import.textnorm import normalise

PIECES = (
    "سفارش", "دیر", "رسید", "قیمت", "گرونه", "خیلی", "کارت ها", "می خواد", "نمی‌دهند", "پشتیبانی", "جواب", "نمیده", "یخچال", "صدای زیادی",
    "شکسته", "تحویل", "ها", "ی", "تر", "late", "delivery", "fee", "price", "prices", "HIGH", "don't", "‘quoted’", "rude", "staff", "refund",
    "broken", "warranty", "Привет", "мир", "这是", "投诉", "١٢٣", "۴۵۶", "ك", "ي", "ΣΟΦΟΣ", "🙂", "\u200c", "\t", "\n", "  ", "=", "x" * 40,
)


def varied_texts(count: int) -> list[str]:
    rng = random.Random(12)
    texts = ["", "   ", "123 456", "x" * 6000 + " late delivery", "\x00late"]
    for _ in range(count):
        texts.append(" ".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 14))))
    return texts


def test_batch_labels_equal_labels_text_by_text(db, owners):
    """Rules.labels (one pass over a whole chunk, as an import classifies) gives each text the label Rules.label gives it alone."""
    ensure_defaults()
    rules = Rules.from_db()
    texts = [normalise(t) for t in varied_texts(3000)]
    products = [random.Random(i).choice(["", "Oven O-60", None]) for i in range(len(texts))]
    batch = rules.labels(texts, products, None)
    single = [rules.label(t, p) for t, p in zip(texts, products, strict=True)]
    assert batch == single
    assert {label.reason for label in batch} >= {None, "empty", "no_words", "other_language", "no_match", "conflict"}
    assert sum(label.category is not None for label in batch) > len(texts) // 3  # the set is not all Unclassified
    assert rules.labels(texts[:1]) == [rules.label(texts[0])] and rules.labels([]) == []


def test_attribute_json_written_directly_equals_the_json_encoder():
    rng = random.Random(5)
    values = ["", " ", "\t", "x", " y ", 'q"uote\\', "é\u2028\x01", "سلام", "\u3000", "0"]
    for headers in (["text", "date", "b", "a", "Z", "é", "10"], ["text", "date", "a", "a", "b"], ["text", "date"]):
        normaliser = ComplaintNormaliser(headers, {"text": 0, "received_at": 1}, "iso")
        for _ in range(2000):
            cells = [rng.choice(values) for _ in range(rng.randrange(len(headers) - 1, len(headers) + 2))]
            if rng.random() < 0.05 and len(cells) > 2:
                cells[2] = rng.choice([3, 2.5, date(2020, 1, 2), True])  # Excel cells
            assert normaliser.attributes(cells) == normaliser.attributes_of_any(cells)
