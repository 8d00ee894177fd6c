"""Shipped vocabularies: every industry, both languages, picked by an admin, every phrase editable."""

import re

import pytest
from sqlalchemy import select

from workbench.complaint_import import defaults
from workbench.complaint_import.classify import Rules
from workbench.complaint_import.defaults import DEFAULT_CATEGORIES, INDUSTRIES, ensure_defaults, industry
from workbench.complaint_import.matching import phrase_words
from workbench.complaint_import.models import ClassificationRule, VocabularyIndustry
from workbench.complaint_import.textnorm import normalise

# Written for this test as customers write: colloquial Persian, everyday English.
EXAMPLES = [
    ("retail", "The shoes I got are fake, clearly not original", "product_quality"),
    ("retail", "My parcel still hasn't shipped and the tracking number doesn't work", "delivery_speed"),
    ("retail", "The coupon code was not applied at checkout", "price"),
    ("retail", "They refused my return request even within 14 days", "warranty"),
    ("retail", "The seller never replied to my emails", "responsiveness"),
    ("retail", "کفش‌هایی که خریدم تقلبی بود و اصل نیست", "product_quality"),
    ("retail", "یک هفته گذشته و هنوز کد رهگیری مرسوله رو ندادن", "delivery_speed"),
    ("retail", "کد تخفیف اعمال نشد و پول بیشتری دادم", "price"),
    ("retail", "درخواست مرجوعی دادم ولی قبول نکردن", "warranty"),
    ("retail", "فروشنده به پیام‌هام جوابی نداد", "responsiveness"),
    ("food", "The pizza was cold and soggy", "product_quality"),
    ("food", "We waited over an hour for our food", "delivery_speed"),
    ("food", "Tiny portion, not worth the price at all", "price"),
    ("food", "The courier was rude to my mother", "responsiveness"),
    ("food", "غذا کاملاً سرد و بی‌مزه بود", "product_quality"),
    ("food", "یک ساعت و نیم طول کشید تا پیک برسه", "delivery_speed"),
    ("food", "حجم غذا نسبت به قیمتش خیلی کم بود", "price"),
    ("food", "پیک خیلی بداخلاق بود و سر من داد زد", "responsiveness"),
    ("food", "سفارشم رو اشتباه آوردن، نوشابه هم نفرستادن", "product_quality"),
    ("appliances", "The dishwasher leaks water from the door", "product_quality"),
    ("appliances", "Installation was delayed three times", "delivery_speed"),
    ("appliances", "They want a visit fee even though it is new", "price"),
    ("appliances", "The repair under warranty was refused", "warranty"),
    ("appliances", "The technician did not show up and nobody told me", "responsiveness"),
    ("appliances", "ماشین لباسشویی موقع آبگیری نشتی داره و صدای زیادی میده", "product_quality"),
    ("appliances", "گفتند شامل گارانتی نمیشه و باید هزینه تعمیر بدم", "warranty"),
    ("appliances", "نصاب هنوز برای نصب کولر نیومده", "delivery_speed"),
    ("banking", "There is incorrect information on my credit report that is not mine", "product_quality"),
    ("banking", "I was charged an overdraft fee twice this month", "price"),
    ("banking", "A debt collector keeps calling me at work and threatened me", "responsiveness"),
    ("banking", "My chargeback for a fraudulent purchase was denied", "warranty"),
    ("banking", "The wire transfer has been pending for two weeks", "delivery_speed"),
    ("banking", "کارمزد انتقال وجه خیلی بالا کسر شد", "price"),
    ("banking", "تراکنش ناموفق بود ولی پول از حسابم کم شد", "product_quality"),
    ("banking", "سه روز کاری گذشته و هنوز وجه واریز نشده", "delivery_speed"),
    ("banking", "کارمند شعبه برخورد خیلی بدی داشت", "responsiveness"),
    ("telecom", "Internet keeps dropping every evening, the speed is terrible", "product_quality"),
    ("telecom", "My bill doubled this month with no explanation", "price"),
    ("telecom", "Three weeks and they still haven't done the installation", "delivery_speed"),
    ("telecom", "I was on hold at the call centre for 40 minutes", "responsiveness"),
    ("telecom", "اینترنتم مدام قطع و وصل میشه", "product_quality"),
    ("telecom", "مبلغ قبض این ماه سه برابر شده", "price"),
    ("telecom", "برق رفت و یخچالم سوخت، خسارت لوازم رو کی میده؟", "warranty"),
    ("telecom", "نیم ساعت پشت خط ۱۲۱ معطل شدم", "responsiveness"),
    ("public", "The pothole on our street has been there for months", "product_quality"),
    ("public", "My passport renewal application is still not processed", "delivery_speed"),
    ("public", "I got a parking ticket and the fine is outrageous", "price"),
    ("public", "The clerk at the counter was very disrespectful", "responsiveness"),
    ("public", "زباله‌های کوچه ما یک هفته است جمع نشده", "product_quality"),
    ("public", "دو ماه است پرونده‌ام رسیدگی نشده", "delivery_speed"),
    ("public", "عوارض نوسازی امسال خیلی زیاد شده", "price"),
    ("public", "کارمند باجه با ارباب رجوع بی‌احترامی کرد", "responsiveness"),
    # Waiting times by number (digits or words), colloquial refusals, an amount not owed.
    ("food", "Took 80 minutes to get here", "delivery_speed"),
    ("retail", "سه هفته گذشته و سفارشم هنوز دستم نرسیده", "delivery_speed"),
    ("retail", "گفتن میشه مرجوع کرد ولی حالا پس نمیگیرن", "warranty"),
    ("banking", "The collector says I owe a debt I do not owe", "price"),
    ("telecom", "دو روزه اینترنت قطعه", "product_quality"),
    ("public", "I have left several messages and nobody ever called back", "responsiveness"),
    ("public", "We waited 45 minutes at the counter", "delivery_speed"),
]


CAUGHT_TOO_LATE = {
    "The shoes I got are fake, clearly not original",
    "کفش‌هایی که خریدم تقلبی بود و اصل نیست",
    "سفارشم رو اشتباه آوردن، نوشابه هم نفرستادن",
}


@pytest.mark.parametrize(("name", "text", "category"), EXAMPLES, ids=[f"{e[0]}-{i}" for i, e in enumerate(EXAMPLES)])
def test_hand_written_complaints_get_their_category(db, owners, name, text, category):
    ensure_defaults()
    label = Rules.from_db().label(normalise(text))
    assert (label.category, label.reason) == (category, None)
    # A counterfeit or a wrong order shipped should have been caught: quality (owner phrases); else the matrix's owner.
    assert label.owner == ("quality" if text in CAUGHT_TOO_LATE else defaults.DEFAULT_OWNERS[category])


def test_negation_and_defect_owner_phrases_follow_the_issue_reading(db, owners):
    ensure_defaults()
    rules = Rules.from_db()

    def label(text):
        found = rules.label(normalise(text))
        return found.category, found.owner

    assert label("He was not late, but he was rude to my mother") == ("responsiveness", "service")
    assert label("غذا دیر نبود ولی خیلی گرون بود") == ("price", "sales")
    assert label("They have not refunded me") == ("warranty", "service")  # a warranty phrase is an event: kept
    assert label("They sent me the wrong size") == ("product_quality", "quality")
    assert label("به جای پیراهن آبی یه پیراهن قرمز فرستادن") == ("product_quality", "quality")
    # a defect owner phrase does not take a delivery complaint away from its owner
    assert label("It took two weeks instead of two days, very late") == ("delivery_speed", "service")


@pytest.mark.parametrize("name", INDUSTRIES)
def test_every_industry_ships_every_category_in_both_languages(name):
    data = industry(name)
    assert data["name_en"] and data["name_fa"]
    assert set(data["categories"]) == {key for key, _en, _fa in DEFAULT_CATEGORIES}
    for languages in data["categories"].values():
        assert languages["en"] and all(str(p).isascii() for p in languages["en"])
        assert languages["fa"] and any(not str(p).isascii() for p in languages["fa"])


@pytest.mark.parametrize("name", (defaults.COMMON, *INDUSTRIES))
def test_no_phrase_is_cut_short_by_a_yaml_comment(name):
    # " #" starts a YAML comment: a number phrase such as "took # minutes" must be quoted, or the rest of its list is lost.
    for number, line in enumerate((defaults.VOCABULARY / f"{name}.yaml").read_text(encoding="utf-8").splitlines(), 1):
        code = re.sub(r'"[^"]*"', "", line)
        assert "#" not in code or code.lstrip().startswith("#"), f"{name}.yaml line {number}: quote the phrase holding #"


def test_no_phrase_points_to_two_categories():
    seen: dict[tuple, set] = {}
    for name in (defaults.COMMON, *INDUSTRIES):
        for category, languages in industry(name)["categories"].items():
            for phrases in languages.values():
                for phrase in phrases:
                    seen.setdefault(tuple(phrase_words(str(phrase))), set()).add(category)
    assert {words: cats for words, cats in seen.items() if len(cats) > 1} == {}


def _active(phrase):
    return {r.key for r in db_rules() if r.phrase == normalise(phrase) and r.active}


def db_rules():
    from workbench.extensions import db

    return list(db.session.scalars(select(ClassificationRule)))


def test_all_industries_until_an_admin_picks(db, owners):
    ensure_defaults()
    assert defaults.chosen_industries() == list(INDUSTRIES)
    assert _active("کارمزد") == {"price"} and _active("soggy") == {"product_quality"}


def test_picking_industries_on_the_page_switches_phrases_and_keeps_edits(db, owners, client, login, make_user):
    ensure_defaults()
    own = ClassificationRule(target="category", key="price", phrase="tip jar", weight=1.0)
    db.session.add(own)
    db.session.commit()
    login(make_user(role="admin"))
    response = client.post("/complaints/setup/industries", data={"industry": ["banking"]}, follow_redirects=True)
    assert response.status_code == 200 and "switched off" in response.get_data(as_text=True)
    db.session.expire_all()
    assert defaults.chosen_industries() == ["banking"]
    assert _active("soggy") == set()  # food only
    assert _active("کارمزد") == {"price"}  # banking
    assert _active("tip jar") == {"price"}  # a person's own phrase stays
    assert Rules.from_db().label(normalise("The pizza was cold and soggy")).category is None
    page = client.get("/complaints/setup").get_data(as_text=True)
    assert re.search(r'value="banking"\s+checked', page) and not re.search(r'value="food"\s+checked', page)
    client.post("/complaints/setup/industries", data={"industry": ["banking", "food"]})
    db.session.expire_all()
    assert _active("soggy") == {"product_quality"}


def test_picking_nothing_or_an_unknown_industry_changes_nothing(db, owners, client, login, make_user):
    ensure_defaults()
    db.session.commit()
    login(make_user(role="admin"))
    for data in ({}, {"industry": ["mining"]}):
        page = client.post("/complaints/setup/industries", data=data, follow_redirects=True).get_data(as_text=True)
        assert "Pick one or more of" in page
    db.session.expire_all()
    assert defaults.chosen_industries() == list(INDUSTRIES)
    assert db.session.scalar(select(VocabularyIndustry.id).where(VocabularyIndustry.active.is_(False))) is None


def test_members_cannot_pick_industries(db, owners, client, login, make_user):
    ensure_defaults()
    db.session.commit()
    login(make_user(role="member"))
    assert client.post("/complaints/setup/industries", data={"industry": ["banking"]}).status_code == 403
    db.session.expire_all()
    assert defaults.chosen_industries() == list(INDUSTRIES)


def test_cli_lists_and_picks_industries(db, owners, runner):
    result = runner.invoke(args=["complaint-industries"])
    assert result.exit_code == 0 and "[x] banking" in result.output
    result = runner.invoke(args=["complaint-industries", "telecom,public"])
    assert result.exit_code == 0, result.output
    assert "[x] telecom" in result.output and "[ ] banking" in result.output
    bad = runner.invoke(args=["complaint-industries", "mining"])
    assert bad.exit_code != 0 and "Pick one or more" in bad.output
    db.session.expire_all()
    assert defaults.chosen_industries() == ["telecom", "public"]


def test_an_edited_phrase_classifies_at_once(db, owners, client, login, make_user):
    ensure_defaults()
    db.session.commit()
    rule = db.session.scalar(select(ClassificationRule).where(ClassificationRule.phrase == "soggy", ClassificationRule.key == "product_quality"))
    login(make_user(role="quality_manager"))
    client.post(f"/complaints/rules/{rule.id}", data={"phrase": "squishy", "weight": "1", "active": "1", "version": str(rule.version)})
    db.session.expire_all()
    rules = Rules.from_db()
    assert rules.label(normalise("the fries were squishy")).category == "product_quality"
    assert rules.label(normalise("the fries were soggy")).category is None


def test_a_phrase_without_words_is_refused(db, owners, client, login, make_user):
    ensure_defaults()
    db.session.commit()
    before = len(db_rules())
    login(make_user(role="quality_manager"))
    response = client.post("/complaints/rules", data={"target": "category", "key": "price", "phrase": "!!! ...", "weight": "1", "active": "y"})
    assert response.status_code == 400 and "Write a word or phrase." in response.get_data(as_text=True)
    assert len(db_rules()) == before


def _rule(phrase: str, key: str) -> ClassificationRule:
    from workbench.extensions import db

    return db.session.scalar(select(ClassificationRule).where(ClassificationRule.phrase == phrase, ClassificationRule.key == key))


def test_shipped_phrases_a_person_changed_switched_off_or_deleted_stay_so_when_industries_are_picked_again(db, owners, client, login, make_user):
    ensure_defaults()
    db.session.commit()
    soggy, fees, cold = _rule("soggy", "product_quality"), _rule("fees", "price"), _rule("cold", "product_quality")
    assert soggy.industry and fees.industry and cold.industry
    login(make_user(role="quality_manager"))
    client.post(f"/complaints/rules/{soggy.id}", data={"phrase": "squishy", "weight": "1", "active": "1", "version": str(soggy.version)})
    client.post(f"/complaints/rules/{fees.id}", data={"phrase": "fees", "weight": str(fees.weight), "version": str(fees.version)})  # switched off
    deleted = client.post(f"/complaints/rules/{cold.id}", data={"delete": "1", "version": str(cold.version)}, follow_redirects=True)
    assert "will not bring it back" in deleted.get_data(as_text=True)
    page = client.get("/complaints/setup").get_data(as_text=True)
    assert "Bring the shipped phrases up to date" not in page  # nothing a person changed counts as out of date
    client.post("/complaints/setup/industries", data={"industry": list(INDUSTRIES)})
    db.session.expire_all()
    assert _active("squishy") == {"product_quality"} and _rule("soggy", "product_quality") is None  # not added back
    assert _rule("fees", "price").active is False
    assert _rule("cold", "product_quality").active is False
    rules_page = client.get("/complaints/rules?q=squishy").get_data(as_text=True)
    assert "changed; shipped as “<bdi>soggy</bdi>”" in rules_page


def test_after_an_upgrade_the_setup_page_offers_the_new_shipped_phrases_and_switches_off_retired_ones(db, owners, client, login, make_user):
    ensure_defaults()
    # As if this install was set up by an older version: one phrase shipped since is missing, one it had is no longer shipped.
    db.session.delete(_rule("soggy", "product_quality"))
    db.session.add(ClassificationRule(target="category", key="price", phrase="fine", weight=1.0, industry="common", shipped_as="fine"))
    own = ClassificationRule(target="category", key="price", phrase="tip jar", weight=1.0)
    db.session.add(own)
    db.session.commit()
    assert defaults.shipped_changes() == {"missing": 1, "retired": 1}
    login(make_user(role="member"))
    page = client.get("/complaints/setup").get_data(as_text=True)
    assert "1 to add, 1 no longer shipped" in page and "Bring the shipped phrases up to date" not in page  # managers update
    client.post("/logout")
    login(make_user(role="admin"))
    page = client.get("/complaints/setup?lang=fa").get_data(as_text=True)
    assert "به‌روز کردن عبارت‌های آماده" in page
    done = client.post("/complaints/setup/industries", data={"industry": list(INDUSTRIES)}, follow_redirects=True).get_data(as_text=True)
    assert "Bring the shipped phrases up to date" not in done
    db.session.expire_all()
    assert _active("soggy") == {"product_quality"} and _active("fine") == set() and _active("tip jar") == {"price"}
    assert defaults.shipped_changes() == {"missing": 0, "retired": 0}
    assert Rules.from_db().label(normalise("the fries were soggy")).category == "product_quality"


def test_deleting_a_persons_own_phrase_removes_it(db, owners, client, login, make_user):
    ensure_defaults()
    own = ClassificationRule(target="category", key="price", phrase="tip jar", weight=1.0)
    db.session.add(own)
    db.session.commit()
    login(make_user(role="quality_manager"))
    page = client.post(f"/complaints/rules/{own.id}", data={"delete": "1", "version": str(own.version)}, follow_redirects=True)
    assert page.status_code == 200 and "Rule deleted." in page.get_data(as_text=True)
    db.session.expire_all()
    assert _rule("tip jar", "price") is None
