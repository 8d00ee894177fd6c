"""Phrases suggested from the organisation's own complaints: what marks a category, with the coverage it would add;
accepted with one click (a new rule) or dismissed for good."""

import re

import pytest
from sqlalchemy import select

from workbench.complaint_import.classify import Rules
from workbench.complaint_import.models import ClassificationRule, Complaint, RuleSuggestion
from workbench.complaint_import.suggestions import open_suggestions, suggest
from workbench.complaint_import.textnorm import normalise


@pytest.fixture
def zorbix(db, import_rows):
    # "zorbix" (a product name no rule knows) comes up in late-delivery complaints; eight complaints say only that.
    import_rows([(f"D{i}", "2024-01-01", f"my zorbix was delivered late again, order {i}") for i in range(20)])
    import_rows([(f"P{i}", "2024-01-02", f"the price of the meal is too expensive, bill {i}") for i in range(20)])
    import_rows([(f"U{i}", "2024-01-03", f"zorbix still nowhere, number {i}") for i in range(8)])
    db.session.expire_all()
    assert db.session.scalar(select(Complaint).where(Complaint.external_id == "D1")).category == "delivery_speed"
    assert db.session.scalar(select(Complaint).where(Complaint.external_id == "U1")).category is None


def test_a_phrase_that_marks_a_category_is_suggested_with_its_coverage(db, zorbix):
    suggest()
    db.session.commit()
    found = {s.phrase: s for s in open_suggestions()}
    assert "zorbix" in found
    assert (found["zorbix"].key, found["zorbix"].kind, found["zorbix"].coverage, found["zorbix"].precision) == ("delivery_speed", "marks_category", 8, 1.0)
    rules = Rules.from_db()
    assert all(not rules.scores(normalise(p))["category"] for p in found)  # nothing the rules already know


def test_accept_with_one_click_adds_the_rule(db, zorbix, client, login, make_user):
    suggest()
    db.session.commit()
    login(make_user(role="quality_manager"))
    page = client.get("/complaints/rules").get_data(as_text=True)
    assert "Suggested phrases" in page and "zorbix" in page
    suggestion = db.session.scalar(select(RuleSuggestion).where(RuleSuggestion.phrase == "zorbix"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/complaints/rules/suggestions/{suggestion.id}", data={"csrf_token": token, "category": "delivery_speed"}, follow_redirects=True)
    assert "“\u2068zorbix\u2069” now marks the category “\u2068Delivery speed\u2069”; about 8 Unclassified complaints contain it" in response.get_data(as_text=True)
    rule = db.session.scalar(select(ClassificationRule).where(ClassificationRule.phrase == "zorbix"))
    assert (rule.target, rule.key, rule.active) == ("category", "delivery_speed", True)
    assert Rules.from_db().label(normalise("zorbix still nowhere")).category == "delivery_speed"
    suggest()
    db.session.commit()
    assert "zorbix" not in {s.phrase for s in open_suggestions()}


def test_dismissed_is_not_suggested_again_and_members_cannot_accept(db, zorbix, client, login, make_user):
    suggest()
    db.session.commit()
    suggestion = db.session.scalar(select(RuleSuggestion).where(RuleSuggestion.phrase == "zorbix"))
    login(make_user(role="member"))
    assert client.post(f"/complaints/rules/suggestions/{suggestion.id}", data={"category": "delivery_speed"}).status_code == 403
    assert db.session.scalar(select(ClassificationRule).where(ClassificationRule.phrase == "zorbix")) is None
    client.post("/logout")
    login(make_user(role="quality_manager"))
    response = client.post(f"/complaints/rules/suggestions/{suggestion.id}", data={"dismiss": "1"}, follow_redirects=True)
    assert "“\u2068zorbix\u2069” dismissed; it will not be suggested again." in response.get_data(as_text=True)
    assert db.session.scalar(select(ClassificationRule).where(ClassificationRule.phrase == "zorbix")) is None
    suggest()
    db.session.commit()
    assert "zorbix" not in {s.phrase for s in open_suggestions()}
