"""The phrase rules for a whole chunk of texts at once: ``Rules.label`` for thousands of texts in a few C passes.

Text by text, the rules cost about 40 µs of Python per complaint (splitting
words, looking up keys, walking the matches, summing weights); an import of a
million complaints spent most of its time there. Here a chunk is handled as
arrays:

1. words: the texts joined by `` \\x00 `` as code points (numpy), every
   character that is not a word character made a space, then one
   ``str.split``; Persian prefixes and suffixes written apart are glued back
   by rules on neighbouring words (``glue``), as ``matching.join_detached``
   does text by text;
2. keys: each distinct word's key looked up once per chunk, the keys of the
   whole chunk joined into one string, one Aho-Corasick pass per target;
3. matches: end positions mapped back to words and texts (``searchsorted``),
   negation read from the neighbouring words' keys as arrays;
4. scores: per text and key, the weights of the distinct phrases found summed
   with one ``bincount`` (in the order the text-by-text sum adds them, so even
   the last bit of a float is the same); best and second key, confidence and
   reason as arrays.

The answers are those of ``Rules.label`` text by text, reasons included
(``tests/complaint_import/test_chunk_rules.py`` compares them).
"""

from dataclasses import dataclass
from functools import cache
from operator import itemgetter

import numpy as np

from workbench.complaint_import.matching import (
    _CLOSE,
    _OPEN,
    BOUNDARY,
    DETACHED_PREFIXES,
    DETACHED_SUFFIXES,
    MAX_CHARS,
    NEGATION_AFTER,
    NEGATION_BEFORE,
    NUMBER,
    PhraseMatcher,
)

SEPARATOR = " " + BOUNDARY + " "  # the boundary is a word of its own after the split
APOSTROPHES = (ord("'"), ord("’"), ord("‘"), ord("`"))
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


@cache
def _word_characters() -> np.ndarray:
    """For each code point of the basic plane: is it a word character of ``[^\\W_]`` (``str.isalnum``)?"""
    return np.fromiter((chr(c).isalnum() for c in range(0x10000)), bool, 0x10000)


def _word_mask(codes: np.ndarray) -> np.ndarray:
    """Word characters among ``codes`` (code points beyond the basic plane, such as emoji, looked up one by one)."""
    mask = _word_characters()[np.minimum(codes, 0xFFFF)]
    high = codes > 0xFFFF
    if high.any():
        values = np.unique(codes[high])
        alnum = np.fromiter((chr(c).isalnum() for c in values.tolist()), bool, len(values))
        mask[high] = alnum[np.searchsorted(values, codes[high])]
    return mask


@dataclass
class ChunkWords:
    """The words of a chunk: ``ids`` index ``distinct``; each text's words are followed by a ``BOUNDARY`` word."""

    distinct: list[str]
    ids: np.ndarray
    row: np.ndarray  # per word, the text it belongs to (a boundary belongs to the text it ends)
    ends: np.ndarray  # per text, the position of its boundary in ``ids``

    def of_text(self, index: int) -> list[str]:
        """The words of one text, as ``matching.split_words`` gives them."""
        start = self.ends[index - 1] + 1 if index else 0
        return [self.distinct[i] for i in self.ids[start : self.ends[index]].tolist()]


def _flags(words: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per word: a detached prefix, a detached suffix, Latin (ASCII), the boundary."""
    prefix = np.fromiter((w in DETACHED_PREFIXES for w in words), bool, len(words))
    suffix = np.fromiter((w in DETACHED_SUFFIXES for w in words), bool, len(words))
    latin = np.fromiter((w.isascii() for w in words), bool, len(words))
    boundary = np.fromiter((w == BOUNDARY for w in words), bool, len(words))
    return prefix, suffix, latin, boundary


def glue(prefix: np.ndarray, suffix: np.ndarray, latin: np.ndarray, boundary: np.ndarray) -> np.ndarray:
    """Per word, whether ``join_detached`` glues it onto the word before it (arrays over a chunk's words).

    A word joins the one before in the same text when that one is a detached
    prefix (``می دهد``), or when it is a detached suffix and the group before
    it is not a Latin word: a Latin word, unless a prefix was glued to it.
    """
    glued = np.zeros(len(prefix), bool)
    if len(prefix) < 2:
        return glued
    inside = ~boundary[1:] & ~boundary[:-1]  # word i and word i - 1 are in the same text
    after_prefix = inside & prefix[:-1]
    latin_group = latin.copy()
    latin_group[1:] &= ~after_prefix
    glued[1:] = inside & (prefix[:-1] | (suffix[1:] & ~latin_group[:-1]))
    return glued


def chunk_words(texts: list[str]) -> ChunkWords:
    """``matching.split_texts`` for a whole chunk, without a Python step per word."""
    if max(map(len, texts)) > MAX_CHARS:
        texts = [t[:MAX_CHARS] for t in texts]
    if BOUNDARY in "".join(texts):  # a text holds the boundary itself: there it separates words, as any non-word character does
        texts = [t.replace(BOUNDARY, " ") for t in texts]
    big = SEPARATOR.join(texts)
    codes = np.frombuffer((big + SEPARATOR).encode("utf-32-le", "surrogatepass"), np.uint32)
    marks = [a for a in APOSTROPHES if chr(a) in big]
    if marks:  # "don't" is the word "dont"
        apostrophe = codes == marks[0]
        for mark in marks[1:]:
            apostrophe |= codes == mark
        codes = codes[~apostrophe]
    codes = np.where(_word_mask(codes) | (codes == 0), codes, 32).astype(np.uint32)
    words = codes.tobytes().decode("utf-32-le", "surrogatepass").split()
    distinct = list(dict.fromkeys(words))
    index = dict(zip(distinct, range(len(distinct)), strict=True))
    ids = np.fromiter(map(index.__getitem__, words), np.intp, len(words))
    flags = [f[ids] for f in _flags(distinct)]
    glued = glue(*flags)
    if glued.any():
        ids = _glued(ids, glued, distinct, index)
    is_boundary = ids == index[BOUNDARY]
    ends = np.flatnonzero(is_boundary)
    row = np.cumsum(is_boundary) - is_boundary
    return ChunkWords(distinct, ids, row, ends)


def _glued(ids: np.ndarray, glued: np.ndarray, distinct: list[str], index: dict[str, int]) -> np.ndarray:
    """The word ids after gluing: a run of glued words becomes one new word (added to ``distinct``)."""
    starts = np.flatnonzero(~glued)
    stops = np.append(starts[1:], len(ids))
    joined = np.flatnonzero(stops - starts > 1)
    out = ids[starts]
    for at, start, stop in zip(joined.tolist(), starts[joined].tolist(), stops[joined].tolist(), strict=True):
        word = "".join([distinct[i] for i in ids[start:stop].tolist()])
        word_id = index.get(word)
        if word_id is None:
            word_id = index[word] = len(distinct)
            distinct.append(word)
        out[at] = word_id
    return out


class MatcherTables:
    """One ``PhraseMatcher`` as arrays: phrase lengths, and per phrase (plain or negated) its (key, weight) pairs."""

    def __init__(self, matcher: PhraseMatcher):
        self.matcher = matcher
        canonical = {}
        for pattern, values, length in matcher._automaton.values() if not matcher.empty else ():
            if pattern != BOUNDARY:
                canonical.setdefault(pattern, (values, length))
        self.phrase_id = {pattern: i for i, pattern in enumerate(canonical)}
        self.patterns = list(canonical)
        self.phrase_id[BOUNDARY] = -1
        self.keys: list[str] = []
        key_id: dict[str, int] = {}
        self.lengths = np.array([length for _values, length in canonical.values()], np.intp)
        # Variant 2p: phrase p as found; 2p + 1: phrase p cancelled by a negation (only the values negation spares).
        pointers, value_keys, weights = [0], [], []
        for values, _length in canonical.values():
            spared = tuple(v for v in values if matcher.negatable is None or not matcher.negatable(v))
            for variant in (values, spared):
                for key, weight in _max_per_key(variant):
                    value_keys.append(key_id.setdefault(key, len(key_id)))
                    weights.append(weight)
                pointers.append(len(value_keys))
        self.keys = list(key_id)
        self.pointers = np.array(pointers, np.intp)
        self.value_keys = np.array(value_keys, np.intp)
        self.weights = np.array(weights, float)
        self.counts = np.diff(self.pointers)
        wrapped = {_OPEN + w + _CLOSE for w in NEGATION_BEFORE}, {_OPEN + w + _CLOSE for w in NEGATION_AFTER}
        self.negation_before, self.negation_after = wrapped
        self.number_key = self._number_key_rule(matcher)

    @staticmethod
    def _number_key_rule(matcher: PhraseMatcher):
        """The wrapped key of a number (ASCII digits) that is not itself a phrase word, as ``matcher._key`` gives it:
        the any-number word ``#`` where phrases use it, else the number itself; None where a stem starts with a digit."""
        if matcher.numbers:
            wrapped = _OPEN + NUMBER + _CLOSE
            return lambda _word: wrapped
        if any(stem[:1].isdigit() for stem in matcher.stems):
            return None
        return lambda word: _OPEN + word + _CLOSE

    def key_strings(self, distinct: list[str]) -> list[str]:
        """The matcher's wrapped key of each distinct word (its word cache kept as ``find_batch`` keeps it)."""
        matcher = self.matcher
        cached = matcher._keys
        if len(cached) > matcher._cache_size:
            cached.clear()
        cached[BOUNDARY] = BOUNDARY
        new = set(distinct).difference(cached)
        numbers = {w for w in new if w.isdigit() and w.isascii() and w not in matcher.vocabulary} if self.number_key else ()
        for word in new.difference(numbers):
            cached[word] = _OPEN + matcher._key(word) + _CLOSE
        if not numbers:
            return list(map(cached.__getitem__, distinct))
        # Order numbers, amounts and dates are new in nearly every complaint: their key is known without ``_key``
        # (and they stay out of the cache, which they would fill).
        return [cached.get(w) or self.number_key(w) for w in distinct]


def _max_per_key(values: tuple) -> list[tuple[str, float]]:
    """(key, weight) pairs of one phrase as ``classify._summed`` counts them: spellings of one phrase once per key, the heaviest."""
    if len(values) <= 1:
        return list(values)
    return list({key: max(w for k, w in values if k == key) for key, _w in values}.items())


def tables(matcher: PhraseMatcher) -> MatcherTables:
    """The arrays of a matcher, built once."""
    built = getattr(matcher, "chunk_tables", None)
    if built is None:
        built = matcher.chunk_tables = MatcherTables(matcher)
    return built


def scores(matcher: PhraseMatcher, words: ChunkWords, texts: int, texts_norm: list[str] | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per text and key: the summed weight of the distinct phrases found, whether the key was found at all, and the keys
    (``texts_norm``: the texts themselves, to add the phrases found only with words in between, as ``find`` does)."""
    table = tables(matcher)
    width = len(table.keys)
    summed, present = np.zeros((texts, width)), np.zeros((texts, width), bool)
    if matcher.empty or not width:
        return summed, present, table.keys
    key_strings = table.key_strings(words.distinct)
    keys = np.array(key_strings, dtype=object)[words.ids]
    joined = "".join(keys.tolist())
    hits = list(matcher._automaton.iter_long(joined))
    if hits:
        exact = _exact_scores(table, words, key_strings, hits, summed, present)
    else:
        exact = np.zeros(0, np.intp), np.zeros(0, np.intp)
    if texts_norm is not None:
        _gapped_scores(table, words, key_strings, texts_norm, exact, summed, present)
    return summed, present, table.keys


def _gapped_scores(table: "MatcherTables", words: ChunkWords, key_strings: list[str], texts_norm: list[str], exact, summed, present) -> None:
    """Add to ``summed`` and ``present`` the phrases ``PhraseMatcher.find_gapped`` finds in each text that may hold one."""
    matcher = table.matcher
    if not matcher._gapped:
        return
    starts = np.fromiter((k in matcher._gapped for k in key_strings), bool, len(key_strings))[words.ids]
    rows = np.unique(words.row[starts]).tolist()
    if not rows:
        return
    exact_rows, exact_phrases = exact
    found: dict[int, set] = {}
    for row, phrase in zip(exact_rows.tolist(), exact_phrases.tolist(), strict=True):
        found.setdefault(row, set()).add(table.patterns[phrase])
    column = {key: i for i, key in enumerate(table.keys)}
    for row in rows:
        start = words.ends[row - 1] + 1 if row else 0
        text_keys = [key_strings[i] for i in words.ids[start : words.ends[row]].tolist()]
        for values in matcher.find_gapped(texts_norm[row], text_keys, found.get(row, ())):
            for key, weight in _max_per_key(values):
                summed[row, column[key]] += weight
                present[row, column[key]] = True


def _exact_scores(table: "MatcherTables", words: ChunkWords, key_strings: list[str], hits: list, summed, present) -> tuple:
    """Add the phrases found as written to ``summed`` and ``present``; the rows and phrase ids found."""
    matcher, (texts, width) = table.matcher, summed.shape
    phrase = np.fromiter(map(table.phrase_id.__getitem__, map(_FIRST, map(_SECOND, hits))), np.intp, len(hits))
    found = phrase >= 0
    phrase, ends = phrase[found], np.fromiter(map(_FIRST, hits), np.intp, len(hits))[found]
    last_char = np.cumsum(np.fromiter(map(len, key_strings), np.intp, len(key_strings))[words.ids]) - 1
    last_word = np.searchsorted(last_char, ends)
    first_word = last_word - table.lengths[phrase] + 1
    negated = np.zeros(len(phrase), bool)
    if matcher.negatable is not None:
        before = np.fromiter((k in table.negation_before for k in key_strings), bool, len(key_strings))[words.ids]
        after = np.fromiter((k in table.negation_after for k in key_strings), bool, len(key_strings))[words.ids]
        negated = ((first_word > 0) & before[np.maximum(first_word - 1, 0)]) | after[last_word + 1]
    variant = phrase * 2 + negated
    kept = table.counts[variant] > 0  # a negation that cancels every value drops the match
    variant, row = variant[kept], words.row[last_word[kept]]
    # Each distinct phrase once per text: summed in the order first found, with the values of its last finding.
    group = row * len(table.lengths) + variant // 2
    _unique, first = np.unique(group, return_index=True)
    _unique, last_reversed = np.unique(group[::-1], return_index=True)
    order = np.argsort(first, kind="stable")
    chosen = (len(group) - 1 - last_reversed)[order]
    variant, row = variant[chosen], row[first[order]]
    counts = table.counts[variant]
    position = np.repeat(table.pointers[variant] - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    cells = np.repeat(row, counts) * width + table.value_keys[position]
    summed[:] = np.bincount(cells, weights=table.weights[position], minlength=texts * width).reshape(texts, width)
    present[:] = (np.bincount(cells, minlength=texts * width) > 0).reshape(texts, width)
    return row, variant // 2


def best(summed: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``classify._confidence`` per row: the index of the best key (-1: none, or two share the top) and its confidence."""
    texts = len(summed)
    if not summed.shape[1]:
        return np.full(texts, -1), np.zeros(texts)
    weights = np.where(present, summed, -np.inf)
    top_index = np.argmax(weights, axis=1)
    top = weights[np.arange(texts), top_index]
    weights[np.arange(texts), top_index] = -np.inf
    second = np.where(present.sum(axis=1) > 1, weights.max(axis=1), 0.0)
    decided = present.any(axis=1) & (second != top)
    top, second = np.where(decided, top, 1.0), np.where(decided, second, 0.0)
    raw = np.minimum(0.99, top / (top + second) * np.minimum(1.0, 0.5 + 0.25 * top))
    return np.where(decided, top_index, -1), np.where(decided, _rounded(raw), 0.0)


def _rounded(values: np.ndarray) -> np.ndarray:
    """``round(x, 3)`` as Python rounds (numpy's round can differ in the last place), once per distinct value."""
    distinct, inverse = np.unique(values, return_inverse=True)
    return np.array([round(v, 3) for v in distinct.tolist()])[inverse]


@dataclass
class LabelColumns:
    """The rules' labels of a chunk as columns (``classify.Label`` per text, row by row)."""

    owner: list
    owner_confidence: list[float]
    category: list
    category_confidence: list[float]
    reason: list
    owner_override: list[bool]
    source: list | None = None  # None: every label is the rules'

    @property
    def confidence(self) -> list[float]:
        """``Label.confidence`` of each text: the lower of its two confidences."""
        return [round(min(o, c), 3) for o, c in zip(self.owner_confidence, self.category_confidence, strict=True)]

    def sources(self) -> list[str]:
        """Where each label came from (``rules``, ``model``, ``selftrain``)."""
        return self.source if self.source is not None else ["rules"] * len(self.category)

    def __len__(self) -> int:
        return len(self.category)

    @classmethod
    def unlabelled(cls, reasons: list) -> "LabelColumns":
        """No label for any text yet, with the reasons known so far."""
        count = len(reasons)
        return cls([None] * count, [0.0] * count, [None] * count, [0.0] * count, reasons, [False] * count)


@dataclass
class ChunkScores:
    """What the phrases say about each text of a chunk: the best category and owner override (None where none
    or a tie) with their confidences, and whether any category phrase was found."""

    words: ChunkWords
    category: list
    category_confidence: list[float]
    any_category: list[bool]
    override: list
    override_confidence: list[float]
    tied: list  # per text, the categories that share the top weight (an empty set where one is ahead)
    top: list[float]  # per text, the top category weight


def chunk_scores(matchers: dict[str, PhraseMatcher], texts: list[str]) -> ChunkScores:
    """``classify._confidence`` of both targets for every text of a chunk."""
    words = chunk_words(texts)
    answers = []
    for target in ("category", "owner"):
        summed, present, keys = scores(matchers[target], words, len(texts), texts)
        index, confidence = best(summed, present)
        answers.append((np.array([*keys, None], dtype=object)[index].tolist(), confidence.tolist(), present.any(axis=1).tolist()))
        if target == "category":
            tied, top = _ties(summed, present, index, keys)
    (category, category_confidence, any_category), (override, override_confidence, _any) = answers
    return ChunkScores(words, category, category_confidence, any_category, override, override_confidence, tied, top)


def _ties(summed: np.ndarray, present: np.ndarray, index: np.ndarray, keys: list[str]) -> tuple[list, list[float]]:
    """Per text, the keys that share the top weight where ``best`` found a tie (else an empty set), and the top weight."""
    texts = len(summed)
    if not summed.shape[1]:
        return [frozenset()] * texts, [0.0] * texts
    weights = np.where(present, summed, -np.inf)
    top = weights.max(axis=1)
    tied: list = [frozenset()] * texts
    for row in np.flatnonzero((index < 0) & present.any(axis=1)).tolist():
        tied[row] = frozenset(keys[k] for k in np.flatnonzero(weights[row] == top[row]).tolist())
    return tied, np.where(np.isfinite(top), top, 0.0).tolist()
