"""A theme is named by what its most central complaint says, not by the greeting or order number it opens with."""

from datetime import date

import pytest
from sqlalchemy import insert

from workbench.complaint_import import themes
from workbench.complaint_import.models import Complaint
from workbench.complaint_import.textnorm import normalise
from workbench.complaint_import.theme_names import MAX_NAME, readable_name


@pytest.mark.parametrize(("text", "name"), [
    ("Hi, the food arrived cold", "The food arrived cold"),
    ("Order 7244: the food arrived cold and the courier was rude", "The food arrived cold and the courier was rude"),
    ("Hi, Order 7244: late delivery again!", "Late delivery again!"),
    ("Dear sir, I was charged twice for my card. I called three times and nobody answered.", "I was charged twice for my card"),
    ("Dear Ms Smith, my refund is missing", "My refund is missing"),
    ("Re: Fwd: broken fridge door", "Broken fridge door"),
    ("Good morning team, internet down since Monday", "Internet down since Monday"),
    ("To whom it may concern: the invoice is wrong", "The invoice is wrong"),
    ("#8812 - wrong item delivered", "Wrong item delivered"),
    ("[ORD-55/12] missing parts", "Missing parts"),
    ("the food was cold (ref 7181)", "The food was cold"),
    ("سلام غذا سرد رسید", "غذا سرد رسید"),
    ("با سلام و احترام، یخچال بعد از دو روز از کار افتاد. لطفا پیگیری کنید", "یخچال بعد از دو روز از کار افتاد"),
    ("سلام خسته نباشید سفارش ۷۲۴۴: پیک دیر اومد", "پیک دیر اومد"),
    ("درود بر شما، بسته ناقص رسید", "بسته ناقص رسید"),
    ("وقت بخیر\nکد پیگیری ۱۲۳۴۵ - پول برگشت داده نشد", "پول برگشت داده نشد"),
    ("غذا سرد بود (کد پیگیری 7181)", "غذا سرد بود"),
])
def test_greetings_and_references_are_stripped_from_the_start_and_the_name_is_one_sentence(text, name):
    assert readable_name(text) == name


@pytest.mark.parametrize("text", [
    "Order 7244 was never delivered",  # the number is part of the sentence: no separator after it
    "سفارش ۷۲۴۴ دیر رسید",
    "Re-delivery failed twice",
    "سلامت مشتری براتون مهم نیست",  # «سلامت» (health) is not «سلام»
])
def test_words_that_only_look_like_a_greeting_or_reference_stay(text):
    assert readable_name(text) == text


def test_a_long_complaint_is_cut_at_a_clause_or_word_end_with_an_ellipsis():
    english = ("I ordered a washing machine three weeks ago and it still has not arrived even though the website "
               "said two days and the support line keeps hanging up on me")
    persian = ("وقت بخیر. کارت بانکی من بدون هیچ دلیلی مسدود شده و هر بار که تماس میگیرم میگویند فردا درست "
               "میشود ولی هنوز هیچ خبری نیست و خیلی ناراحتم")
    for text, start in ((english, "I ordered a washing machine"), (persian, "کارت بانکی من")):
        name = readable_name(text)
        assert name.startswith(start) and name.endswith("…") and len(name) <= MAX_NAME
        assert name[:-1] in text and text[text.index(name[:-1]) + len(name) - 1] == " "  # a whole word


def test_a_complaint_that_is_only_a_greeting_or_empty_keeps_what_it_has():
    assert readable_name("Hi") == "Hi"
    assert readable_name("سلام") == "سلام"
    assert readable_name("Order 7244:") == "Order 7244"
    assert readable_name("  \n ") == "" and readable_name(None) == ""


def test_a_built_theme_of_decorated_complaints_is_named_without_the_decoration(db):
    english = [f"Hi, Order {7100 + n}: the pizza arrived cold and soggy" for n in range(20)]
    persian = [f"با سلام و احترام، سفارش {7300 + n}: پیتزا سرد و خمیر رسید" for n in range(20)]
    db.session.execute(insert(Complaint), [
        {"source": "t", "external_id": str(n), "received_at": date(2026, 1, 1), "text": t, "text_norm": normalise(t)}
        for n, t in enumerate(english + persian)])
    db.session.commit()
    themes.rebuild()
    db.session.commit()
    names = {name for t in themes.current_themes() for name in (t.name, *t.mix["names"].values())}
    assert "The pizza arrived cold and soggy" in names and "پیتزا سرد و خمیر رسید" in names
    assert not any(n.lower().startswith(("hi", "order", "با سلام", "سفارش")) for n in names)


@pytest.mark.browser
@pytest.mark.parametrize(("locale", "expected"), [("en", "The pizza arrived cold and soggy"), ("fa", "پیتزا سرد و خمیر رسید")])
def test_the_themes_page_shows_each_reader_the_readable_name(page, page_login, make_user, db, artifacts, locale, expected):
    english = [f"Hi, Order {7100 + n}: the pizza arrived cold and soggy" for n in range(20)]
    persian = [f"با سلام و احترام، سفارش {7300 + n}: پیتزا سرد و خمیر رسید" for n in range(20)]
    db.session.execute(insert(Complaint), [
        {"source": "t", "external_id": str(n), "received_at": date.today(), "text": t, "text_norm": normalise(t)}
        for n, t in enumerate(english + persian)])
    db.session.commit()
    themes.rebuild()
    db.session.commit()
    page_login(make_user(role="quality_manager", locale=locale))
    page.goto("/complaints/themes")
    titles = page.locator("h3").all_inner_texts()
    page.screenshot(path=str(artifacts / f"theme-names-{locale}.png"), full_page=True)
    assert expected in titles
    assert not any(t.startswith(("Hi", "Order", "با سلام", "سفارش")) for t in titles)
