"""Persian normalisation and morphology, English stems: a phrase matches every way customers write it."""

import pytest

from workbench.complaint_import.matching import PhraseMatcher, join_detached, phrase_words, split_batch
from workbench.complaint_import.textnorm import normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("كيفيت", "کیفیت"),  # Arabic kaf and yeh
        ("قيمتـــها", "قیمتها"),  # tatweel
        ("گَران", "گران"),  # diacritics
        ("می‌خواهم", "می خواهم"),  # ZWNJ (half-space)
        ("سفارش\u00a0من", "سفارش من"),  # no-break space
        ("۱۲۳ و ١٢٣", "123 و 123"),  # Persian and Arabic-Indic digits
        ("  Late   DELIVERY ", "late delivery"),
        ("مسئول مسؤول مسول", "مسول مسول مسول"),  # one word, three spellings of its hamza
        ("سؤال رئیس", "سوال رییس"),
        ("مأمور اجزاء", "مامور اجزا"),
        ("", ""),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["کارت", "ها"], ["کارتها"]),  # plural written after a half-space
        (["قیمت", "های", "جدید"], ["قیمتهای", "جدید"]),
        (["می", "خواهم"], ["میخواهم"]),  # verb prefix written apart
        (["نمی", "دن"], ["نمیدن"]),
        (["بی", "ادب"], ["بیادب"]),
        (["late", "ha"], ["late", "ha"]),  # Latin words are left alone
    ],
)
def test_detached_pieces_join_their_word(words, expected):
    assert join_detached(words) == expected


MATCHER = PhraseMatcher(
    [
        ("گران", "price"),
        ("نرسید", "late"),
        ("جواب نمید*", "no answer"),
        ("کارت", "card"),
        ("بی ادب", "rude"),
        ("اومد", "came"),
        ("late", "late"),
        ("late fee", "fee"),
        ("charged", "charged"),
        ("overdraft*", "overdraft"),
        ("دیر", "late"),
    ]
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("خیلی گرونه", {"price"}),  # colloquial ون for ان, and the ه ending
        ("قیمت‌هاش از همه گران‌تره", {"price"}),  # ‌تر and ه endings after a half-space
        ("سفارشم هنوز نرسیده", {"late"}),
        ("سفارشم هنوز نرسیده‌است", {"late"}),
        ("تلفن رو جواب نمی‌دن", {"no answer"}),  # نمی written apart, colloquial plural
        ("پشتیبانی جواب نمیده", {"no answer"}),
        ("پشتيباني جواب نميدهد", {"no answer"}),  # Arabic letters, formal ending
        ("كارت‌هام مسدود شد", {"card"}),  # Arabic kaf, plural + possessive
        ("کارتم", {"card"}),
        ("پیک بی‌ادب بود", {"rude"}),
        ("پیک بیادب بود", {"rude"}),
        ("غذا سرد اومد", {"came"}),
        ("I was charged a late fee", {"charged", "fee"}),  # the longer phrase wins over "late"
        ("They charge me every month", {"charged"}),  # English stems
        ("the package came late", {"late"}),
        ("two overdrafts this month", {"overdraft"}),
        ("دیروز سفارش دادم", set()),  # دیروز (yesterday) is not دیر (late)
        ("میز شکسته", set()),  # میز keeps its می
    ],
)
def test_phrases_match_real_spellings(text, found):
    assert {value for values in MATCHER.find(normalise(text)) for value in values} == found


def test_phrase_and_text_go_through_the_same_steps():
    assert phrase_words("جواب نمی‌ده") == phrase_words("جواب نميده")
    assert phrase_words("Charges") == phrase_words("charged") == ["charg"]


def test_an_empty_vocabulary_finds_nothing():
    assert PhraseMatcher([]).find("anything at all") == []


def test_a_batch_finds_what_each_text_finds_alone():
    # The import classifies thousands of texts in one pass; no phrase may leak from one text into the next.
    texts = [
        "", "late", "fee", "late fee", "گرونه", "می", "ها", "نمی‌ده جواب", "کارت ها می",
        "پول کارت‌هام برنگشت", "cold food \x00 late delivery", "the price was fine", "می خواد ها", "گارانتی",
    ]
    texts = [normalise(t) for t in texts]
    batch = MATCHER.find_batch(split_batch(texts))
    assert [sorted(map(sorted, found)) for found in batch] == [sorted(map(sorted, MATCHER.find(t))) for t in texts]
    assert batch[1] == [("late",)] and batch[3] == [("fee",)]  # "late" + "fee" across two texts is not "late fee"
    assert PhraseMatcher([]).find_batch(split_batch(["x", "y"])) == [[], []]


def test_a_phrase_still_matches_when_another_phrase_uses_an_inflected_form_of_its_word():
    # "زیادی" is a vocabulary word of its own here; "صدای زیاد" must still be found in "صدای زیادی".
    matcher = PhraseMatcher([("صدای زیاد", "noise"), ("پول زیادی", "price")])
    assert matcher.find(normalise("یخچال صدای زیادی می‌دهد")) == [("noise",)]
    assert matcher.find(normalise("پول زیادی گرفتند")) == [("price",)]


def test_a_number_placeholder_matches_numbers_in_digits_and_words():
    # "took # minutes" stands for every "took 75 minutes"; a number that is a phrase word keeps its own phrase.
    matcher = PhraseMatcher([("took # minutes", "late"), ("# روز منتظر", "late"), ("30 days", "statute"), ("یک ساعت", "an hour")])
    found = lambda text: {value for values in matcher.find(normalise(text)) for value in values}  # noqa: E731
    assert found("It took 75 minutes to arrive") == {"late"}
    assert found("it took twenty minutes") == {"late"}
    assert found("ده روزه منتظرم") == {"late"}  # a number word, the colloquial ه ending
    assert found("۱۰ روز منتظر موندم") == {"late"}  # Persian digits
    assert found("within 30 days") == {"statute"}
    assert found("took 30 minutes") == {"late"}  # 30 is a phrase word of its own and still a number
    assert found("یک ساعت") == {"an hour"}
    assert found("took minutes") == found("took the minutes") == set()  # no number, no match
    assert found("نه روز منتظر") == set()  # «نه» is mostly "no", not nine


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("ظرفا کثیفه", "ظرف"),  # colloquial plural ا for ها
        ("پولمو پس بدید", "پول"),  # object marker و after the possessive
        ("پیام‌هامو نمیخونه", "پیام"),  # plural + possessive + object marker, after a half-space
        ("پیام هامو", "پیام"),
    ],
)
def test_colloquial_plural_and_object_endings_come_off(text, word):
    assert PhraseMatcher([(word, "hit")]).find(normalise(text)) == [("hit",)]


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("I never recieved my order", "I never received my order"),
        ("Costumer servise never called back", "Customer service never called back"),
        ("I payed twice", "I paid twice"),
        ("The warrantee was refused", "The warranty was refused"),
        ("wrong colour, labour charge, service centre", "wrong color, labor charge, service center"),
    ],
)
def test_common_misspellings_and_british_spellings_find_the_phrases_of_the_word_meant(written, meant):
    matcher = PhraseMatcher([(meant, "found")])
    assert matcher.find(normalise(written)) == [("found",)]
    assert phrase_words(written) == phrase_words(meant)


GAPPED = PhraseMatcher(
    [("قرار بود بیاد", ("late", 2.0)), ("دیر رسید", ("late", 2.0)), ("delivered late", ("late", 2.0))],
    negatable=lambda _value: True,
    gap_value=lambda value: (value[0], value[1] / 2),
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("قرار بود بیاد", [(("late", 2.0),)]),
        ("قرار بود دیروز بیاد", [(("late", 1.0),)]),  # a word in between: found, at the weight gap_value gives
        ("غذا دیر بهم رسید", [(("late", 1.0),)]),
        ("غذا دیر به دستم رسید", []),  # two words in between
        ("قرار بود. دیروز بیاد", []),  # a sentence end in between
        ("دیر؛ بعد رسید", []),
        ("دیر\nرسید", [(("late", 2.0),)]),  # no word in between: the phrase as written
        ("دیر نه رسید", []),  # a negation in between
        ("دیر بهم رسید نبود", []),  # a negation after it
        ("delivered two late", []),  # English phrases only as written
    ],
)
def test_a_persian_phrase_is_found_with_a_word_in_between(text, found):
    assert GAPPED.find(normalise(text)) == found
