"""Hashed text features of a batch of normalised texts, as arrays: character n-grams and words.

The same features as scikit-learn's ``HashingVectorizer`` with ``analyzer="char_wb", ngram_range=(3, 5)``
(every 3-5 character window inside a word padded with one space each side) beside ``analyzer="word"``
(runs of two or more word characters), counted per text; only the hash differs. scikit-learn makes
a Python string of every n-gram and hashes them one by one (about 0.15 ms per complaint, most of a
theme build over a million); here the texts of a batch are one array of code points, and each
window's hash comes from prefix sums of the code points in ``uint64`` arithmetic (which wraps, as a
polynomial hash modulo 2⁶⁴ should):

    S[i] = Σ_{j<i} c[j]·P⁻ʲ  →  hash(c[s:e]) = Σ c[j]·P^(e-1-j) = P^(e-1)·(S[e] - S[s])

then mixed (splitmix64's finaliser) with the window's length and folded to ``N_FEATURES`` columns.
The letter counts that tell a text's language (``language_of``) come from the same array.
"""

from functools import cache

import numpy as np

N_FEATURES = 2**14
NGRAMS = (3, 4, 5)
_P = np.uint64(0x100000001B3)  # odd, so it has an inverse modulo 2⁶⁴
_P_INVERSE = np.uint64(pow(0x100000001B3, -1, 2**64))
_SHIFT = np.uint64(64 - N_FEATURES.bit_length() + 1)  # the top bits of the mixed hash pick the column
_PERSIAN = (0x0600, 0x06FF)


@cache
def _classes() -> tuple[np.ndarray, np.ndarray]:
    """For each code point of the basic plane: is it a word character (``\\w``), is it white space?"""
    chars = [chr(c) for c in range(0x10000)]
    word = np.fromiter((c.isalnum() or c == "_" for c in chars), bool, 0x10000)
    space = np.fromiter((c.isspace() for c in chars), bool, 0x10000)
    return word, space


def _powers(length: int) -> tuple[np.ndarray, np.ndarray]:
    """``P**k`` and ``P**-k`` modulo 2⁶⁴ for k < ``length``."""
    base = np.empty(length, np.uint64)
    base[0], base[1:] = 1, _P
    inverse = np.empty(length, np.uint64)
    inverse[0], inverse[1:] = 1, _P_INVERSE
    return np.cumprod(base, dtype=np.uint64), np.cumprod(inverse, dtype=np.uint64)


def _mixed(values: np.ndarray, lengths) -> np.ndarray:
    """Column of each hashed window: splitmix64's finaliser over the hash and its length, top bits."""
    z = values ^ (np.asarray(lengths, np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return (z >> _SHIFT).astype(np.int32)


class HashedBatch:
    """The hashed features of a batch of texts: ``matrix()`` gives them, ``languages()`` each text's script."""

    def __init__(self, texts: list[str]):
        self.count = len(texts)
        # Each text as " text " and the texts joined by NUL: a window is inside one padded word when it holds no
        # NUL and no space but at its two ends.
        big = " " + " \x00 ".join(t.replace("\x00", " ") for t in texts).lower() + " "
        codes = np.frombuffer(big.encode("utf-32-le", "surrogatepass"), np.uint32)
        word_table, space_table = _classes()
        low = np.minimum(codes, 0xFFFF)
        nul = codes == 0
        space = space_table[low] & (codes <= 0xFFFF)
        word = word_table[low] & (codes <= 0xFFFF)
        codes = np.where(space, 32, codes)  # any white space separates words, as a single space
        self._row = np.cumsum(nul)  # the text each position belongs to
        self._persian = np.bincount(self._row, weights=(codes >= _PERSIAN[0]) & (codes <= _PERSIAN[1]), minlength=self.count + 1)
        latin = (codes >= ord("a")) & (codes <= ord("z"))
        self._latin = np.bincount(self._row, weights=latin, minlength=self.count + 1)
        powers, inverse = _powers(len(codes) + 1)
        prefix = np.zeros(len(codes) + 1, np.uint64)
        np.cumsum(codes.astype(np.uint64) * inverse[: len(codes)], out=prefix[1:])
        self._codes, self._space, self._nul, self._word = codes, space, nul, word
        self._prefix, self._powers = prefix, powers

    def _hash(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        return self._powers[ends - 1] * (self._prefix[ends] - self._prefix[starts])

    def _ngrams(self) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every character n-gram inside a padded word: no space or NUL strictly inside the window
        (a NUL always has a space each side, so a window holding one holds a space inside)."""
        size = len(self._codes)
        blocked = np.cumsum(self._space | self._nul, dtype=np.int32)  # spaces or NULs up to each position
        rows, columns = [], []
        for n in NGRAMS:
            if size < n:
                continue
            starts = np.flatnonzero(blocked[n - 2 : size - 1] == blocked[: size - n + 1])  # none from start + 1 to start + n - 2
            rows.append(self._row[starts])
            columns.append(_mixed(self._hash(starts, starts + n), n))
        return (np.concatenate(rows), np.concatenate(columns)) if rows else (np.zeros(0, np.intp), np.zeros(0, np.int32))

    def _words(self) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every word of two or more word characters."""
        word = self._word
        edges = np.diff(np.concatenate(([0], word.astype(np.int8), [0])))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        long = ends - starts >= 2
        starts, ends = starts[long], ends[long]
        return self._row[starts], _mixed(self._hash(starts, ends), ends - starts) + N_FEATURES

    def matrix(self):
        """Counts per text (rows) of each hashed n-gram (the first ``N_FEATURES`` columns) and word (the next ones)."""
        import scipy.sparse as sp

        ngram_rows, ngram_columns = self._ngrams()
        word_rows, word_columns = self._words()
        width = 2 * N_FEATURES
        # One sort of (row, column) keys, as uint32 where they fit (numpy sorts those several times faster).
        dtype = np.uint32 if self.count * width < 2**32 else np.uint64
        keys = np.concatenate((ngram_rows, word_rows)).astype(dtype) * dtype(width)
        keys += np.concatenate((ngram_columns, word_columns)).astype(dtype)
        keys.sort()
        first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else np.zeros(0, np.intp)
        counts = np.diff(np.append(first, len(keys))).astype(np.float32)
        keys = keys[first]
        rows = (keys // dtype(width)).astype(np.intp)
        indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=self.count))))
        return sp.csr_matrix((counts, (keys % dtype(width)).astype(np.int32), indptr), shape=(self.count, width))

    def languages(self) -> list[str]:
        """``fa`` or ``en`` per text by which script has more letters ('' when neither has any), as ``theme_concepts.language``."""
        persian, latin = self._persian[: self.count], self._latin[: self.count]
        answer = np.where(persian >= latin, "fa", "en")
        return np.where((persian == 0) & (latin == 0), "", answer).tolist()


def hashed_features(texts: list[str]):
    """The hashed n-gram and word counts of ``texts`` (a ``scipy.sparse`` CSR matrix, float32)."""
    return HashedBatch(texts).matrix()
