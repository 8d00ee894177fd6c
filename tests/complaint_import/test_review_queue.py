"""The review queue teaches fast: uncertain complaints spread over groups first, a group labelled at once,
"Tick all" without an inline handler, and every action says what it did."""

import re

import pytest
from sqlalchemy import select

from workbench.complaint_import.models import Complaint


@pytest.fixture
def two_problems(import_rows):
    # Two problems no rule knows, 20 complaints each, imported one problem after the other.
    import_rows([(f"F{i:02d}", "2024-01-01", f"the fitter left the kitchen in a mess, visit {i}") for i in range(20)])
    import_rows([(f"G{i:02d}", "2024-01-02", f"my gadget blinks red and beeps all night, unit {i}") for i in range(20)])


def _queue_ids(html: str) -> list[str]:
    return re.findall(r"(?:fitter|gadget)[^<]*?(?:visit|unit) (\d+)", html)


def test_first_page_alternates_between_groups(two_problems, client, login, make_user):
    login(make_user(role="member"))
    html = client.get("/complaints/review").get_data(as_text=True)
    assert "Groups of similar complaints" in html
    rows = re.findall(r'<td dir="auto">(the fitter|my gadget)', html.split("data-tick-all", 1)[1])
    assert len(rows) == 30
    # All are equally uncertain, and by date the twenty fitter complaints would come first; in teaching order
    # both problems are on top.
    assert {"the fitter", "my gadget"} == set(rows[:3])
    assert 'onclick' not in html and 'data-tick-all="ids"' in html


def test_a_whole_group_is_labelled_at_once_and_the_page_says_so(db, two_problems, client, login, make_user):
    login(make_user(role="member"))
    html = client.get("/complaints/review").get_data(as_text=True)
    forms = re.findall(r'<form method="post" action="/complaints/labels" class="actions group-form">(.*?)</form>', html, re.S)
    assert len(forms) >= 2
    ids = re.search(r'name="group_ids" value="([\d,]+)"', forms[0]).group(1).split(",")
    size = int(re.search(r"Label all (\d+)", forms[0]).group(1))
    assert len(ids) == size >= 2
    texts = {c.text for c in db.session.scalars(select(Complaint).where(Complaint.id.in_([int(i) for i in ids])))}
    problem = "fitter" if all("fitter" in t for t in texts) else "gadget"
    assert all(problem in t for t in texts)  # a group is one problem
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post("/complaints/labels", data={"csrf_token": token, "group_ids": ",".join(ids), "process_owner": "service", "category": "responsiveness",
                                                       "next": "/complaints/review"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"{size} complaints confirmed as process owner “Service”, category “Responsiveness" in page
    db.session.expire_all()
    labelled = list(db.session.scalars(select(Complaint).where(Complaint.confirmed.is_(True))))
    assert len(labelled) == size and all(problem in c.text and c.category == "responsiveness" for c in labelled)
    assert f"({40 - size})" in page  # they left the queue


def test_confirming_one_complaint_says_what_it_did(db, two_problems, client, login, make_user):
    login(make_user(role="member"))
    html = client.get("/complaints/review").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    complaint = db.session.scalar(select(Complaint).where(Complaint.external_id == "G03"))
    response = client.post(f"/complaints/{complaint.id}/label", data={"version": str(complaint.version), "csrf_token": token, "process_owner": "production", "category": "product_quality",
                                                                     "next": "/complaints/review"}, follow_redirects=True)
    # The id is set apart (FSI … PDI) so its direction never moves the sentence's punctuation.
    assert "Complaint \u2068G03\u2069 confirmed as process owner “Production”, category “Product quality" in response.get_data(as_text=True)


@pytest.mark.parametrize(("lang", "one", "two"), [
    ("en", "1 complaint confirmed as category “Price”; it teaches", "2 complaints confirmed as category “Price”; they teach"),
    ("fa", "۱ شکایت با دسته‌ی «قیمت» تأیید شد", "۲ شکایت با دسته‌ی «قیمت» تأیید شد"),
])
def test_confirmed_complaints_are_counted_in_the_page_language(db, two_problems, client, login, make_user, lang, one, two):
    """«۱ شکایت» / «۲ شکایت» in Persian; "1 complaint" / "2 complaints" in English."""
    login(make_user(role="member", locale=lang))
    html = client.get("/complaints/review").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    ids = [str(c.id) for c in db.session.scalars(select(Complaint).order_by(Complaint.id).limit(3))]
    for count, expected in ((1, one), (2, two)):
        chosen = ids[:1] if count == 1 else ids[1:]
        page = client.post("/complaints/labels", data={"csrf_token": token, "group_ids": ",".join(chosen), "category": "price",
                                                        "next": "/complaints/review"}, follow_redirects=True).get_data(as_text=True)
        flash = re.search(r'<div class="flash info"[^>]*>(.*?)</div>', page, re.S).group(1)
        assert expected in flash, flash


@pytest.mark.browser
def test_tick_all_ticks_every_complaint_in_a_browser(page, make_user, two_problems):
    user = make_user(email="m@example.org", role="member")
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto("/complaints/review")
    boxes = page.locator("input[type=checkbox][name=ids]")
    assert boxes.count() == 30
    page.locator("input[data-tick-all]").check()
    assert all(boxes.nth(i).is_checked() for i in range(30))
    page.locator("select[form=bulk], #bulk select[name=category]").first.select_option("delivery_speed")
    page.click("#bulk button[type=submit]")
    page.wait_for_selector(".flash")
    assert "30 complaints confirmed as category" in page.locator(".flash").first.inner_text()
