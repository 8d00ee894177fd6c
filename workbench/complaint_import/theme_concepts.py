"""Language-independent features for themes: the concepts a complaint names, the same ids in Persian and English.

``vocabulary/concepts.yaml`` lists things (food, card, internet, fridge...) and problems (cold, late,
missing, leaking...) each with Persian and English phrases; a complaint gets one feature per concept
it names, found by the rules' own matcher (``matching.PhraseMatcher``: Persian endings and verb
prefixes, English stems, negation). Character n-grams never meet across the two scripts; these do,
so «غذا سرد رسید» and "food arrived cold" land near each other.
"""

import re
from functools import cache

import numpy as np
import yaml

from workbench.complaint_import.defaults import VOCABULARY
from workbench.complaint_import.matching import PhraseMatcher, split_batch

CONCEPTS = VOCABULARY / "concepts.yaml"
_PERSIAN = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[a-z]")


@cache
def concept_keys() -> tuple[str, ...]:
    """The concept ids, in file order (column ``i`` of ``concept_matrix`` is concept ``i``)."""
    with open(CONCEPTS, encoding="utf-8") as handle:
        return tuple((yaml.safe_load(handle) or {}).get("concepts") or {})


@cache
def _matcher() -> PhraseMatcher:
    with open(CONCEPTS, encoding="utf-8") as handle:
        concepts = (yaml.safe_load(handle) or {}).get("concepts") or {}
    index = {key: i for i, key in enumerate(concept_keys())}
    phrases = [(str(p), index[key]) for key, langs in concepts.items() for ps in (langs or {}).values() for p in ps or ()]
    return PhraseMatcher(phrases, negatable=lambda _: True)  # "not late", «دیر نبود»: the problem did not happen


def concept_matrix(texts_norm: list[str]):
    """One row per normalised text: 1 for each concept it names, rows scaled to unit length (all zero if none)."""
    import scipy.sparse as sp

    found = _matcher().find_batch(split_batch(texts_norm), len(texts_norm)) if texts_norm else []
    rows, cols = [], []
    for row, values in enumerate(found):
        concepts = {v for tup in values for v in tup}
        rows += [row] * len(concepts)
        cols += sorted(concepts)
    data = np.ones(len(rows), dtype=np.float32)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(texts_norm), len(concept_keys())), dtype=np.float32)
    counts = np.bincount(np.asarray(rows, dtype=np.int64), minlength=len(texts_norm)).astype(np.float32)
    scale = np.divide(1.0, np.sqrt(counts), out=np.zeros_like(counts), where=counts > 0)
    return sp.diags(scale) @ matrix


def language(text_norm: str | None) -> str:
    """``fa`` or ``en`` by which script has more letters ('' when neither has any)."""
    if not text_norm:
        return ""
    persian, latin = len(_PERSIAN.findall(text_norm)), len(_LATIN.findall(text_norm))
    if persian == latin == 0:
        return ""
    return "fa" if persian >= latin else "en"
