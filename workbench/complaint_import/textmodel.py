"""A linear text model kept as plain arrays: features, vocabulary, weights; saved as ``.npz`` bytes, never pickled.

Features of a normalised text are its words as the phrase matcher sees them
(English Snowball stems; Persian words with their verb prefix made canonical,
plus the form without plural/possessive/personal endings) and the bigrams of
neighbouring words. A ``Vocabulary`` turns them into sublinear TF-IDF rows
(L2-normalised); a ``TextModel`` holds the vocabulary, one weight row per
class and an intercept, and gives softmax probabilities. ``to_bytes`` and
``from_bytes`` write and read only numeric and string arrays
(``allow_pickle=False``), so a stored model cannot run code when loaded.
"""

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from workbench.complaint_import.matching import english_key, persian_forms, split_words

FORMAT = 1
_WORD_CACHE: dict[str, tuple[str, ...]] = {}
_CACHE_LIMIT = 300_000


def _word_features(word: str) -> tuple[str, ...]:
    found = _WORD_CACHE.get(word)
    if found is not None:
        return found
    if word.isascii():
        found = (english_key(word),)  # the rules' key: "servicer" is not "service"
    else:
        forms = persian_forms(word)
        stripped = min((f for f in forms if len(f) >= 3), key=len, default=forms[0])
        found = (forms[0],) if stripped == forms[0] else (forms[0], stripped)
    if len(_WORD_CACHE) > _CACHE_LIMIT:
        _WORD_CACHE.clear()
    _WORD_CACHE[word] = found
    return found


def tokens(text_norm: str) -> list[str]:
    """The features of one normalised text: word forms and bigrams of neighbouring words."""
    words = [_word_features(w) for w in split_words(text_norm or "")]
    out = [f for forms in words for f in forms]
    out.extend(f"{a[0]} {b[0]}" for a, b in zip(words, words[1:], strict=False))
    return out


@dataclass
class Vocabulary:
    """Feature → column, with inverse document frequencies."""

    terms: np.ndarray
    idf: np.ndarray
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self):
        self.index = {str(t): i for i, t in enumerate(self.terms)}

    @classmethod
    def fit(cls, token_lists: Sequence[list[str]], max_features: int = 200_000) -> "Vocabulary":
        frequency: Counter = Counter()
        for feats in token_lists:
            frequency.update(set(feats))
        kept = sorted(frequency.items(), key=lambda kv: (-kv[1], kv[0]))[:max_features]
        n = len(token_lists)
        terms = np.array([t for t, _ in kept], dtype=str) if kept else np.array([], dtype="<U1")
        idf = np.array([np.log((1 + n) / (1 + df)) + 1.0 for _, df in kept], dtype=np.float32)
        return cls(terms, idf)

    def matrix(self, token_lists: Sequence[list[str]]):
        """Sparse rows (CSR): sublinear term frequency times idf, each row of unit length."""
        from scipy.sparse import csr_matrix

        index = self.index
        indptr, columns, counts = [0], [], []
        for feats in token_lists:
            row = Counter(index[f] for f in feats if f in index)
            columns.extend(row.keys())
            counts.extend(row.values())
            indptr.append(len(columns))
        columns_array = np.asarray(columns, dtype=np.int32)
        values = (1.0 + np.log(np.asarray(counts, dtype=np.float32))) * (self.idf[columns_array] if len(columns) else 0.0)
        out = csr_matrix((values.astype(np.float32), columns_array, np.asarray(indptr, dtype=np.int64)), shape=(len(token_lists), len(self.terms)))
        norms = np.sqrt(np.asarray(out.multiply(out).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        out.data /= np.repeat(norms, np.diff(out.indptr)).astype(np.float32)
        return out


@dataclass
class TextModel:
    """A softmax over linear scores of TF-IDF features, with the classes it may decide (``trusted``), the
    probability below which it says nothing (``threshold``) and the classes whose rule answers it may
    outvote (``known``: held-out labels showed how it treats them)."""

    vocabulary: Vocabulary
    coef: np.ndarray  # classes × features
    intercept: np.ndarray  # classes
    classes: list[str]
    trusted: list[str] = field(default_factory=list)
    threshold: float = 1.0
    known: list[str] = field(default_factory=list)  # classes with enough confirmed labels: only their rule answers may be outvoted

    @classmethod
    def from_sklearn(cls, vocabulary: Vocabulary, estimator) -> "TextModel":
        """Weights of a fitted ``LogisticRegression``; a two-class model becomes two rows (0 and w)."""
        coef = np.asarray(estimator.coef_, dtype=np.float32)
        intercept = np.asarray(estimator.intercept_, dtype=np.float32)
        if coef.shape[0] == 1:
            coef = np.vstack([np.zeros_like(coef), coef])
            intercept = np.array([0.0, intercept[0]], dtype=np.float32)
        return cls(vocabulary, coef, intercept, [str(c) for c in estimator.classes_])

    def probabilities(self, token_lists: Sequence[list[str]]) -> np.ndarray:
        """One row per text, one column per class (in ``classes`` order), rows summing to 1."""
        scores = np.asarray(self.vocabulary.matrix(token_lists) @ self.coef.T) + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            format=np.array([FORMAT], dtype=np.int32),
            terms=self.vocabulary.terms,
            idf=self.vocabulary.idf,
            coef=self.coef,
            intercept=self.intercept,
            classes=np.array(self.classes, dtype=str),
            trusted=np.array(self.trusted, dtype=str) if self.trusted else np.array([], dtype="<U1"),
            threshold=np.array([self.threshold], dtype=np.float32),
            known=np.array(self.known, dtype=str) if self.known else np.array([], dtype="<U1"),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> "TextModel":
        """Read a stored model; only plain arrays are accepted, and their shapes must agree."""
        with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
            if int(arrays["format"][0]) != FORMAT:
                raise ValueError("unknown model format")
            terms, idf, coef, intercept = arrays["terms"], arrays["idf"], arrays["coef"], arrays["intercept"]
            classes = [str(c) for c in arrays["classes"]]
            trusted = [str(c) for c in arrays["trusted"]]
            threshold = float(arrays["threshold"][0])
            known = [str(c) for c in arrays["known"]]
        if coef.shape != (len(classes), len(terms)) or idf.shape != (len(terms),) or intercept.shape != (len(classes),):
            raise ValueError("stored model arrays do not fit together")
        if terms.dtype.kind != "U" or coef.dtype.kind != "f" or not set(trusted) <= set(classes):
            raise ValueError("stored model arrays have unexpected types")
        return cls(Vocabulary(terms, idf.astype(np.float32)), coef.astype(np.float32), intercept.astype(np.float32), classes, trusted, threshold, known)


def model_choices(probabilities: np.ndarray, classes: Sequence[str], trusted, threshold: float, rule_keys: Sequence | None = None,
                  known=()) -> list[str | None]:
    """Per row, the class the model decides: its most probable class when that class is trusted, its
    probability reaches ``threshold`` and the rules either gave no answer or one of the ``known`` classes;
    otherwise None (the rules decide, or the text stays Unclassified)."""
    if not len(probabilities) or not trusted:
        return [None] * len(probabilities)
    best = probabilities.argmax(axis=1)
    top = probabilities[np.arange(len(best)), best]
    allowed = np.array([c in trusted for c in classes])
    take = allowed[best] & (top >= threshold)
    if rule_keys is not None:
        take &= np.array([r is None or r in known for r in rule_keys], dtype=bool)
    return [classes[b] if t else None for b, t in zip(best.tolist(), take.tolist(), strict=True)]
