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

from workbench.complaint_import import chunk_rules
from workbench.complaint_import.defaults import VOCABULARY
from workbench.complaint_import.matching import PhraseMatcher

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
    # Each phrase's value is (concept, weight) as the rules' are, so a whole batch is matched as the import's
    # chunk classifier matches one (``chunk_rules.scores``).
    phrases = [(str(p), (key, 1.0)) for key, langs in concepts.items() for ps in (langs or {}).values() for p in ps or ()]
    return PhraseMatcher(phrases, negatable=lambda _: True)  # "not late", «دیر نبود»: the problem did not happen


def concept_matrix(texts_norm: list[str]):
    """One row per normalised text: 1 for each concept it names, rows scaled to unit length (all zero if none)."""
    import scipy.sparse as sp

    width = len(concept_keys())
    if not texts_norm:
        return sp.csr_matrix((0, width), dtype=np.float32)
    _summed, present, keys = chunk_rules.scores(_matcher(), chunk_rules.chunk_words(texts_norm), len(texts_norm))
    column = {key: i for i, key in enumerate(concept_keys())}
    found = np.zeros((len(texts_norm), width), np.float32)
    found[:, [column[key] for key in keys]] = present
    counts = found.sum(axis=1)
    found *= np.divide(1.0, np.sqrt(counts), out=np.zeros_like(counts), where=counts > 0)[:, None]
    return sp.csr_matrix(found)


def language(text_norm: str | None) -> str:
    """``fa`` or ``en`` by which script has more letters ('' when neither has any)."""
    if not text_norm:
        return ""
    persian, latin = len(_PERSIAN.findall(text_norm)), len(_LATIN.findall(text_norm))
    if persian == latin == 0:
        return ""
    return "fa" if persian >= latin else "en"
