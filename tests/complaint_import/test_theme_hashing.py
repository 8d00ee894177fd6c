"""The theme build's hashed features count what scikit-learn's analyzers count, text by text, only faster."""

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from workbench.complaint_import.textnorm import normalise
from workbench.complaint_import.theme_concepts import language
from workbench.complaint_import.theme_hashing import N_FEATURES, HashedBatch, hashed_features

TEXTS = [normalise(t) for t in (
    "Order 7244: the food arrived cold and late",
    "سفارش ۷۲۴۴ غذا سرد رسید و پیک دیر اومد",
    "Hi, I was charged twice for the same invoice!!",
    "یخچال‌ها صدای زیادی می‌دهند",
    "a b",
    "",
    "ok 🙂 under_score x2 é",
    "refund refund refund",
)]


def _analyzers():
    chars = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()
    words = CountVectorizer(analyzer="word", token_pattern=r"(?u)\b\w\w+\b").build_analyzer()
    return chars, words


def test_each_text_counts_the_same_ngrams_and_words_as_scikit_learn():
    chars, words = _analyzers()
    matrix = hashed_features(TEXTS)
    assert matrix.shape == (len(TEXTS), 2 * N_FEATURES)
    for row, text in enumerate(TEXTS):
        for block, analyzer in ((slice(0, N_FEATURES), chars), (slice(N_FEATURES, None), words)):
            got = matrix[row, block]
            expected = sorted(np.unique(analyzer(text), return_counts=True)[1].tolist()) if analyzer(text) else []
            assert sorted(got.data.astype(int).tolist()) == expected, (text, block)


def test_the_same_word_or_ngram_takes_the_same_column_in_any_text_of_any_batch():
    first = hashed_features(["the food arrived cold"])
    second = HashedBatch(["nothing in common here", "cold food"]).matrix()
    food_and_cold = set(first[0, N_FEATURES:].indices) & set(second[1, N_FEATURES:].indices)
    assert len(food_and_cold) == 2
    assert not set(first[0, N_FEATURES:].indices) & set(second[0, N_FEATURES:].indices)


def test_a_text_holding_the_separator_or_odd_spaces_stays_one_row():
    matrix = hashed_features(["cold\x00food", "cold \t food"])
    assert matrix.shape[0] == 2
    assert (matrix[0] != matrix[1]).nnz == 0


def test_the_language_of_each_text_is_the_script_with_more_letters():
    assert HashedBatch(TEXTS).languages() == [language(t) for t in TEXTS]
