"""Why a complaint has no category: a text that cannot be read for phrases at all, or one in another language.

``script_reason`` (empty, no letters, a third script) is checked before any
phrase; ``unmatched_reason`` tells a text no phrase matched apart from one in
another language. ``script_reasons`` is ``script_reason`` for a whole chunk.
"""

import re

from workbench.complaint_import.matching import BOUNDARY, split_words
from workbench.complaint_import.textnorm import normalise

# Why a complaint has no category, in the order they are checked.
REASONS = ("empty", "no_words", "other_language", "no_match", "conflict")
SCRIPT_HEAD = 2000  # how much of a text ``script_reason`` reads

_ENGLISH_WORDS = frozenset(
    "the a an and or but to of in on at for with my i me we our you your it is was were are be been have has had not no "
    "this that they them their from by as so did do does dont didnt cant wont can will would after before".split()
)
# Telling English from another Latin-script language only: more everyday words (not a stop list).
_ENGLISH_COMMON = _ENGLISH_WORDS | frozenset(
    "if when there what which who very just all any only also than then out up about into over again never still even "
    "because since until get got said told he she his her us how why where here more some could should please now "
    "back im ive its been being off let same".split()
)
_PERSIAN_WORDS = frozenset(
    normalise(w) for w in "و در به از که این را رو با است برای من ما تو شما آن اون هم یه یک بود شد نه ولی اما تا هنوز خیلی چرا".split()
)


# Letters Urdu uses and Persian does not, and common Arabic words (after ``normalise``): a Perso-Arabic text
# that shows them is in another language.
_URDU_LETTERS = re.compile("[\u0679\u0688\u0691\u06ba\u06be\u06c1\u06d2\u06d3]")
_ARABIC_WORDS = frozenset(normalise(w) for w in "في على هذا هذه التي الذي الى إلى عن لم لن كان قد ليس لقد هل أن ان".split())


_LETTER = re.compile(r"[^\W\d_]")
_OTHER_SCRIPT = re.compile(r"[^\W\d_a-zA-Z\u0600-\u06ff\ufb50-\ufeff]")
_KNOWN_SCRIPT = re.compile(r"[a-zA-Z\u0600-\u06ff\ufb50-\ufeff]")


def script_reason(text_norm: str) -> str | None:
    """``empty``, ``no_words`` or ``other_language`` when the text cannot be read for phrases at all."""
    if not text_norm or text_norm.isspace():
        return "empty"
    head = text_norm[:SCRIPT_HEAD]
    if _OTHER_SCRIPT.search(head) is None:
        return None if _LETTER.search(head) else "no_words"
    # Letters of another script: a third language unless Latin/Persian letters are the majority.
    if len(_OTHER_SCRIPT.findall(head)) > len(_KNOWN_SCRIPT.findall(head)):
        return "other_language"
    return None


def unmatched_reason(text_norm: str, words: list[str] | None = None) -> str:
    """``other_language`` or ``no_match`` for a text no phrase matched (``words``: the text's ``split_words``, if known).

    Latin letters: another language when the text has five words or more and hardly any (under 1 in 10) is a
    common English word. Perso-Arabic letters: short colloquial Persian often has no function word at all
    («کولر گازی باد گرم میده»), so another language only where Urdu letters or Arabic words show it.
    """
    words = split_words(text_norm) if words is None else words
    if len(words) < 5:
        return "no_match"
    latin = sum(w.isascii() for w in words)
    if latin * 2 >= len(words):
        # Redactions ("XXXX" in consumer-finance exports) and numbers are in no language.
        words = [w for w in words if not (w.isdigit() or set(w) == {"x"})]
        if len(words) < 5:
            return "no_match"
        common = sum(w in _ENGLISH_COMMON or w in _PERSIAN_WORDS for w in words)
        return "other_language" if common * 10 < len(words) else "no_match"
    if _URDU_LETTERS.search(text_norm) or sum(w in _ARABIC_WORDS or (w.startswith("ال") and len(w) > 4) for w in words) * 5 >= len(words):
        return "other_language"
    return "no_match"


def script_reasons(texts: list[str]) -> list[str | None]:
    """``script_reason`` of every text of a chunk (when no text has a letter of a third script, one C search per text)."""
    if _OTHER_SCRIPT.search(BOUNDARY.join(texts)):
        return list(map(script_reason, texts))
    heads = texts if max(map(len, texts), default=0) <= SCRIPT_HEAD else [t[:SCRIPT_HEAD] for t in texts]
    return [
        None if letter is not None else "empty" if not text or text.isspace() else "no_words"
        for text, letter in zip(texts, map(_LETTER.search, heads), strict=True)
    ]
