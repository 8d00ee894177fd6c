"""Unclassified with a reason, never an error; the Pareto's Unclassified bar drills down to its complaints."""

import re

from sqlalchemy import func, select

from workbench.complaint_import.classify import unmatched_reason
from workbench.complaint_import.models import Complaint
from workbench.complaint_import.textnorm import normalise


def _by_ext(db):
    db.session.expire_all()
    return {c.external_id: c for c in db.session.scalars(select(Complaint))}


BAD = [
    ("U1", "2024-03-01", "   "),
    ("U2", "2024-03-01", "12345 !!! ???"),
    ("U3", "2024-03-01", "😡😡😡 👎"),
    ("U4", "2024-03-01", "Привет, заказ пришёл поздно и холодный"),
    ("U5", "2024-03-01", "Bonjour, le colis est arrivé en retard et abîmé, merci de me rappeler"),
    ("U6", "2024-03-01", "Hello, I would like to update my mailing address"),
    ("U7", "2024-03-01", "Cold soup, crazy price"),  # one phrase each: a tie
    ("G1", "2024-03-01", "The price is far too expensive"),
    ("G2", "2024-03-01", "سفارشم خیلی دیر رسید " + "واقعا " * 3000),  # very long, Persian
    ("G3", "2024-03-01", "The refund never came, خیلی بد بود، پشتیبانی هم جواب نمیده"),  # mixed scripts
    ("U8", "2024-03-01", "我的订单晚到了两个小时，饭菜也凉了"),  # a third language in its own script
    ("U9", "2024-03-01", "Die Lieferung kam zwei Stunden zu spät und das Essen war kalt"),
    ("U10", "2024-03-01", " ".join(f"qx{i:05d}zv" for i in range(1200))),  # very long and in no language (12,000 characters)
    ("U11", "2024-03-01", "۰۹۱۲۳۴۵۶۷۸۹ 4111 1111 1111 1111"),  # a phone and a card number
]


def test_bad_texts_are_unclassified_with_a_reason_and_the_rest_imports(db, import_rows):
    outcome = import_rows(BAD)
    assert outcome.new == len(BAD) and outcome.bad == 0  # an empty text is stored too, Unclassified
    stored = _by_ext(db)
    reasons = {ext: (c.category, c.process_owner_id, c.unclassified_reason) for ext, c in stored.items() if ext.startswith("U")}
    assert reasons == {
        "U1": (None, None, "empty"),
        "U2": (None, None, "no_words"),
        "U3": (None, None, "no_words"),
        "U4": (None, None, "other_language"),
        "U5": (None, None, "other_language"),
        "U6": (None, None, "no_match"),
        "U7": (None, None, "conflict"),
        "U8": (None, None, "other_language"),
        "U9": (None, None, "other_language"),
        "U10": (None, None, "other_language"),
        "U11": (None, None, "no_words"),
    }
    assert stored["U10"].text == BAD[-2][2]  # stored whole, though read for phrases up to 5,000 characters
    assert stored["G1"].category == "price" and stored["G1"].unclassified_reason is None
    assert stored["G2"].category == "delivery_speed"
    assert stored["G3"].category is not None


def test_empty_text_gets_its_reason_where_it_is_allowed(db, owners):
    from workbench.complaint_import.classify import Classifier
    from workbench.complaint_import.defaults import ensure_defaults

    ensure_defaults()
    labels = Classifier.load().classify(["", "   "])
    assert [(label.category, label.owner, label.reason) for label in labels] == [(None, None, "empty")] * 2


def test_review_queue_and_list_show_the_reason_translated(db, import_rows, client, login, make_user):
    import_rows(BAD)
    login(make_user(role="member", locale="en"))
    page = client.get("/complaints/review").get_data(as_text=True)
    assert "no phrase matched" in page and "categories tied" in page and "neither Persian nor English" in page
    listed = client.get("/complaints?reason=conflict").get_data(as_text=True)
    assert "Cold soup, crazy price" in listed and "mailing address" not in listed and "(categories tied)" in listed
    client.post("/logout")
    login(make_user(role="member", locale="fa"))
    page = client.get("/complaints/review").get_data(as_text=True)
    assert "هیچ عبارتی منطبق نشد" in page and "دسته‌ها هم‌وزن بودند" in page


def test_a_label_clears_the_reason(db, import_rows, client, login, make_user):
    import_rows(BAD)
    complaint = _by_ext(db)["U6"]
    login(make_user(role="member"))
    client.post(f"/complaints/{complaint.id}/label", data={"version": str(complaint.version), "process_owner": "service", "category": "responsiveness"})
    assert _by_ext(db)["U6"].unclassified_reason is None


def test_unclassified_bar_drills_down_to_its_complaints(db, import_rows, client, login, make_user):
    import_rows(BAD)
    expected = db.session.scalar(select(func.count()).select_from(Complaint).where(Complaint.process_owner_id.is_(None)))
    expected_category = db.session.scalar(select(func.count()).select_from(Complaint).where(Complaint.category.is_(None)))
    assert expected >= 6
    login(make_user(role="viewer"))
    for by, key, count in (("process_owner", "owner", expected), ("category", "category", expected_category)):
        page = client.get(f"/complaints/analysis?by={by}").get_data(as_text=True)
        link = re.search(rf'href="(/complaints\?{key}=unclassified[^"]*)"', page)
        assert link, page
        listed = client.get(link.group(1).replace("&amp;", "&"))
        assert listed.status_code == 200
        assert len(re.findall(r'<tr', listed.get_data(as_text=True))) - 1 == count
        api = client.get(f"/api/v1/complaints?{key}=unclassified").get_json()
        assert api["total"] == count


def test_drill_down_keeps_the_period(db, import_rows, client, login, make_user):
    import_rows(BAD + [("OLD", "2023-01-01", "Nothing to see here at all, hello")])
    login(make_user(role="viewer"))
    page = client.get("/complaints/analysis?by=category&from=2024-01-01").get_data(as_text=True)
    link = re.search(r'href="(/complaints\?category=unclassified[^"]*)"', page).group(1).replace("&amp;", "&")
    assert "from=2024-01-01" in link
    assert "Nothing to see here" not in client.get(link).get_data(as_text=True)


def test_a_redacted_or_terse_english_complaint_is_not_another_language():
    # Consumer-finance exports redact names and dates as XXXX; app comments skip function words.
    assert unmatched_reason(normalise("XXXX XXXX XXXX XXXX XXXX XXXX XXXX XXXX XXXX XXXX XXXX XXXX reported my account")) == "no_match"
    assert unmatched_reason(normalise("Why does this thing still show the old address when I moved")) == "no_match"
    assert unmatched_reason(normalise("Die Waschmaschine ist nach zwei Wochen kaputt gegangen")) == "other_language"
    assert unmatched_reason(normalise("Le colis est arrivé abîmé et personne ne répond")) == "other_language"
