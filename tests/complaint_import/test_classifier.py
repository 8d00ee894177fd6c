"""Rules for every owner and category (learning from confirmed labels: test_learning.py)."""

import pytest

from workbench.complaint_import.classify import Rules
from workbench.complaint_import.defaults import ensure_defaults
from workbench.complaint_import.textnorm import normalise


@pytest.mark.parametrize(
    ("text", "owner", "category"),
    [
        ("یخچال صدای زیادی می‌دهد", "production", "product_quality"),
        ("The technician was rude", "service", "responsiveness"),
        ("هزینه ارسال خیلی زیاد بود", "sales", "price"),
        ("Warranty claim was rejected", "service", "warranty"),
        ("My order was delivered three weeks late", "service", "delivery_speed"),
    ],
)
def test_rules_classify_with_confidence(db, owners, text, owner, category):
    ensure_defaults()
    rules = Rules.from_db()
    got_owner, owner_conf = rules.predict(normalise(text), "owner")
    got_category, category_conf = rules.predict(normalise(text), "category")
    assert (got_owner, got_category) == (owner, category)
    assert 0.3 < owner_conf <= 0.99 and 0.3 < category_conf <= 0.99


def test_no_match_has_no_label_and_zero_confidence(db, owners):
    ensure_defaults()
    assert Rules.from_db().predict("something odd", "owner") == (None, 0.0)
