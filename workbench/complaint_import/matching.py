"""Rule phrases found in real text: Persian affixes and colloquial forms, English stems, one pass per text.

Texts and phrases go through the same steps, so a phrase matches every way a
customer writes it:

1. ``textnorm.normalise`` (Arabic ي/ك, diacritics, tatweel, half-spaces,
   Persian/Arabic digits, lower case);
2. words: English words become their Snowball stems, except the few whose
   stem is another word's ("servicer" is not "service", "lately" not
   "late": ``OWN_KEYS``); a Persian word gets its
   detached pieces back (``می خواد`` → ``میخواد``, ``کارت ها`` → ``کارتها``), its
   verb prefix made canonical (``نمی``→``ن``, ``می``→nothing), and is then
   matched to the phrase vocabulary through its plain form, its form without
   plural/possessive/personal endings, and its colloquial ``ون``→``ان`` form
   (``گرونه`` → ``گران``). A three-letter word is cut to two letters only by a
   possessive or ezafe ending (``لکه``, ``موی``): «باد», «کجا», «خشم», «لگد» keep
   their last letter, so they are not «با», «کج», «خش», «لگ». A verb with «می»
   is not matched to a one-word phrase that was written without it («میکند»,
   "does", is not «کند», "slow"), and a written verb also matches a phrase that
   has it as spoken («نمی‌کند» as «نمیکنه»: ``spoken_verb``). A phrase word ending in ``*`` matches any word that
   starts with it; a phrase word ``#`` matches any number, in digits or in
   words ("took # minutes" finds "took 75 minutes", «# روز» finds «ده روز»),
   a number that is itself a phrase word ("30 days") keeping its own key;
3. every phrase is found in one Aho-Corasick pass over the word keys, longest
   phrase first (``late fee`` wins over ``late``);
4. negation: a phrase right after an English ``not`` (``wasn't``, ``isn't``...)
   or right before a Persian «نبود»/«نیست» ("was not late", «دیر نبود») says the
   problem did not happen, so its values that ``negatable`` accepts are dropped
   (a matcher may keep values whose phrases name an event rather than a problem:
   "not refunded" is still a refund complaint).
"""

import re
from collections.abc import Iterable, Sequence
from itertools import product

import ahocorasick
import Stemmer

from workbench.complaint_import.textnorm import normalise

_ENGLISH = Stemmer.Stemmer("english")
_WORD = re.compile(r"[^\W_]+")
_PHRASE_WORD = re.compile(r"[^\W_]+\*?|#")
_APOSTROPHES = "'’‘`"
_OPEN, _CLOSE = "\x02", "\x03"
# Between texts of a batch: a key no phrase contains, so no match spans two texts.
BOUNDARY = "\x00"
STAR = "*"
NUMBER = "#"  # a phrase word standing for any number
# Numbers written as words (after ``normalise``); not «نه», which is mostly "no".
NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty sixty ninety "
    "hundred few several couple "
    "یک یه دو سه چهار پنج شش هفت هشت ده یازده دوازده پانزده پونزده بیست سی چهل پنجاه شصت نود صد چند".split()
)
NEGATION_BEFORE = frozenset(("not", "isnt", "wasnt", "arent", "werent", "aint"))
NEGATION_AFTER = frozenset(("نبود", "نیست", "نیس", "نبودن", "نیستن", "نبوده", "نیستند", "نبودند"))  # «نیس»: spoken «نیست»
MAX_CHARS = 5000  # a longer text is classified on its first 5,000 characters
# A Persian phrase of two or more words is also found with another word among its words («قرار بود دیروز بیاد» for
# «قرار بود بیاد», «دیر بهم رسید» for «دیر رسید»), within one sentence and with no negation among them, at a lower
# weight than the phrase as written. Not English phrases: on the labelled sets "delivered two days late" helped less
# than the English texts it read wrong cost; nor two words between (more Persian texts read wrong than right).
GAP_WORDS = 1  # extra words in a phrase, at most
# Words no gap may hold: a negation turns the phrase round ("delivered not late", «دیر نه رسید»).
GAP_NEGATIONS = NEGATION_BEFORE | NEGATION_AFTER | frozenset(("no", "never", "didnt", "dont", "doesnt", "wont", "cant", "cannot", "نه", "هیچ"))
_SENTENCE_END = re.compile(r"[.!?؟،؛\n]")

# Written apart after a half-space became a space: they belong to the word before / after.
DETACHED_SUFFIXES = frozenset(
    "ها های هایی هایم هایت هایش هایمان هایتان هایشان هام هات هاش هامون هاتون هاشون "
    "ام ات اش ای ایم اید اند ی مون تون شون مان تان شان تر ترین هامو هاتو هاشو".split()
)
DETACHED_PREFIXES = frozenset(("می", "نمی", "بی", "نا"))
_DETACHED = DETACHED_SUFFIXES | DETACHED_PREFIXES
# Plural, possessive and personal endings, longest first; at most two are taken off (کارت‌هام → کارت).
# Colloquial: «ا» for the plural «ها» (ظرفا), «و» for the object marker «را» (پولمو → پولم → پول).
SUFFIXES = tuple(
    sorted(
        set(
            "هایمان هایتان هایشان هامون هاتون هاشون هایی هایم هایت هایش های هام هات هاش ها "
            "ترین تر مان تان شان مون تون شون ایم اید اند ام ات اش ان یم ید ند ین ای ی ه م ت ش د ن ا و".split()
        ),
        key=len,
        reverse=True,
    )
)
_STEM_MIN = 2
# The endings that may leave a two-letter stem: «لکه», «موی», «کمش», «دلم», «لکها», «بدتر». Any other last letter
# of a three-letter word is more often its own («باد», «کجا», «خشن», «لگد», «صفت», «بدو»), and so are verb endings
# («باند» is not «با» + «ند»).
SHORT_STEM_SUFFIXES = frozenset(
    "ی ه ش م ها های هایی هایم هایت هایش هایمان هایتان هایشان هام هات هاش هامون هاتون هاشون "
    "تر ترین ام ات اش ای مون تون شون مان تان شان".split()
)
# Words whose Snowball stem is the stem of a word that means something else; each keeps a key of its own, in phrases
# and texts alike (as a stemmer override list does in a search engine). Found by stemming a dictionary against the
# shipped phrases: a loan "servicer" is not "service", a post "office" is not an "officer", "lately" is not "late",
# "activity" on an account is not an "activated" line, a "manufacturer" is not "manufacturing", "missed" a payment
# is not "missing", "unused" is not "unusable", "at this point" is not "points" on a mortgage, an "interesting" offer
# is not "interest", being "connected" to an agent is not a "connection", a loan "installment" is not an "installation",
# a phone "charging" is not being "charged".
OWN_KEYS = {
    "servicer": "servicer", "servicers": "servicer",
    "officer": "officer", "officers": "officer", "officially": "officially",
    "lately": "lately", "loudly": "loudly", "coldly": "coldly", "deadly": "deadly", "hourly": "hourly",
    "active": "active", "actively": "active", "activity": "activity", "activities": "activity",
    "manufacturer": "manufacturer", "manufacturers": "manufacturer",
    "missed": "missed",
    "unused": "unused",
    "point": "point", "pointed": "point", "pointing": "point", "points": "points",
    "interesting": "interesting", "interestingly": "interesting",
    "connection": "connection", "connections": "connection", "connectivity": "connection",
    "shocking": "shocking", "shockingly": "shocking",
    # A phone "charging" is not a price "charged" or "charges"; a price phrase says it: "keep charging", "charging me".
    "charging": "charging",
    # "fine" is mostly "all right" ("the fridge is fine"); the money "fined", "fines" and "a fine" are phrases of their own.
    "fined": "fined", "fines": "fines", "finely": "finely",
    "interested": "interested",
    "installment": "installment", "installments": "installment", "instalment": "installment", "instalments": "installment",
    "appointed": "appointed",
    "represent": "represent", "represents": "represent", "represented": "represent", "representing": "represent",
}


# Persian words that look like a shorter word with an ending but are words of their own, and keep their own
# key (cut no further than this form): «خشم» (anger) is not «خش» + «م» (my scratch), «هنگام» (when) not «هنگ» (a
# freeze), «قطعا» (surely) not «قطع» (cut off), «سالاد» not «سال», «خامه» (cream) not «خام» (raw), «پسته» not «پست»,
# «میله» (a rod) not «می» + «له» (crushed). Found as ``OWN_KEYS`` were: a frequency list of Persian words run through
# ``persian_forms`` against the shipped phrase words, every word whose shorter form means something else.
PERSIAN_OWN_WORDS = frozenset(
    "خشم موم ستم سهم سهام کدام تومان درمان دوام دوش بوم کوه چکش "
    "هنگام هنگامی هنگامه قطعا سالاد باران بارون کلید مهمان مهمون حمله حملات اسمان اسمون درامد درامدی "
    "شورا شورای شوراها شوراهای شورش شوروی ترکیه ترکمن جنسیت دیوانه دیوونه ماموریت خامه خامنه "
    "کندن کندو پسته جویدن جویا جویای گراند گرانیت طعمه سودان سودا قطعیت کجای کجاش کجام صفات دربند فحشا قبضه "
    "پایان پایانی پایانه لقمان علیه سیمان سیما سیمای فرمان فرمانده "
    "میله میوه میدان میدون میزان میلیون میلیارد میهمان میمون میراث میان میانه".split()
)


# Misspellings customers make most often in complaints, and British spellings, read as the word they stand for
# (in phrases and texts alike): "recieved" is "received", "payed" "paid", "costumer" "customer", "colour" "color".
SPELLINGS = {
    "recieve": "receive", "recieved": "received", "recieving": "receiving", "recived": "received", "receieved": "received",
    "reciept": "receipt", "reciepts": "receipts", "payed": "paid", "costumer": "customer", "costumers": "customers",
    "custmer": "customer", "cusomer": "customer", "servise": "service", "sevice": "service", "responce": "response",
    "warrenty": "warranty", "warrantee": "warranty", "waranty": "warranty", "garantee": "guarantee", "guarentee": "guarantee",
    "gaurantee": "guarantee", "refound": "refund", "reimbursment": "reimbursement", "replacment": "replacement",
    "techinician": "technician", "technitian": "technician", "techician": "technician", "delivary": "delivery",
    "delievered": "delivered", "deliverd": "delivered", "deliverey": "delivery", "arived": "arrived", "brocken": "broken",
    "damged": "damaged", "damadged": "damaged", "expencive": "expensive", "expensiv": "expensive", "untill": "until",
    "adress": "address", "cancelation": "cancellation", "defected": "defective",
    "dissapointed": "disappointed", "dissapointing": "disappointing", "rediculous": "ridiculous",
    "colour": "color", "colours": "colors", "labour": "labor", "behaviour": "behavior", "centre": "center",
    "licence": "license", "honour": "honor", "mould": "mold", "mouldy": "moldy", "grey": "gray", "jewellery": "jewelry",
    "tyre": "tire", "tyres": "tires", "programme": "program",
}


def english_key(word: str) -> str:
    """The key of an English word: its Snowball stem, or its own key where that stem belongs to another word (a common
    misspelling or British spelling read as the word it stands for)."""
    word = SPELLINGS.get(word, word)
    return OWN_KEYS.get(word) or _ENGLISH.stemWord(word)


def _is_latin(word: str) -> bool:
    return word.isascii()


def _is_number(word: str) -> bool:
    return word.isdigit() or word in NUMBER_WORDS


def _verb_canonical(word: str, shortest: int = 2) -> str:
    """``نمیرسه`` → ``نرسه``, ``میده`` → ``ده`` (keeping words such as ``میز`` and ``میله`` whole)."""
    if word in PERSIAN_OWN_WORDS:
        return word
    if word.startswith("نمی") and len(word) >= 3 + shortest:
        return "ن" + word[3:]
    if word.startswith("می") and len(word) >= 2 + shortest:
        return word[2:]
    return word


def join_detached(words: list[str]) -> list[str]:
    """Glue Persian prefixes and suffixes written as separate words back onto their word."""
    if _DETACHED.isdisjoint(words):
        return words
    out: list[str] = []
    prefix = ""
    for word in words:
        if word in DETACHED_PREFIXES and not _is_latin(word):
            prefix += word
            continue
        if word in DETACHED_SUFFIXES and out and not prefix and not _is_latin(out[-1]):
            out[-1] += word
            continue
        out.append(prefix + word)
        prefix = ""
    if prefix:
        out.append(prefix)
    return out


def _without_apostrophes(text: str) -> str:
    """``don't`` → ``dont`` (a check and a replace per mark: far faster than translate() on Persian text)."""
    for mark in _APOSTROPHES:
        if mark in text:
            text = text.replace(mark, "")
    return text


def split_texts(texts_norm: Sequence[str]) -> list[list[str]]:
    """``split_words`` for many texts: the apostrophes of all of them dropped at once, then one regex pass per text."""
    if texts_norm and max(map(len, texts_norm)) > MAX_CHARS:
        texts_norm = [t[:MAX_CHARS] for t in texts_norm]
    big = BOUNDARY.join(texts_norm)
    if big.count(BOUNDARY) != len(texts_norm) - 1:  # a text holds the boundary itself
        big = BOUNDARY.join(t.replace(BOUNDARY, " ") for t in texts_norm)
    out = list(map(_WORD.findall, _without_apostrophes(big).split(BOUNDARY))) if texts_norm else []
    for i, words in enumerate(out):
        if not _DETACHED.isdisjoint(words):
            out[i] = join_detached(words)
    return out


def joined_with_boundaries(per_text: list[list[str]]) -> list[str]:
    """The words of many texts in one list, each text followed by ``BOUNDARY``."""
    words: list[str] = []
    for text_words in per_text:
        words += text_words
        words.append(BOUNDARY)
    return words


def split_batch(texts_norm: Sequence[str]) -> list[str]:
    """The words of many normalised texts in one list, each text followed by ``BOUNDARY``."""
    return joined_with_boundaries(split_texts(texts_norm)) if texts_norm else [BOUNDARY]


def split_words(text_norm: str, pattern: re.Pattern = _WORD) -> list[str]:
    """The words of a normalised text, detached Persian pieces joined back."""
    return join_detached(pattern.findall(_without_apostrophes(text_norm[:MAX_CHARS])))


def spoken_verb(verb: str) -> list[str]:
    """The spoken forms of a written present-tense verb whose «می»/«نمی» came off: «کند» → «کنه», «شود» → «شه»,
    «دهد» → «ده», «خواهد» → «خواد», «آید» → «اد», «کنند» → «کنن», «شوند» → «شن»."""
    if len(verb) < 3 or not verb.endswith("د"):
        return []
    if verb.endswith("وند"):
        return [verb[:-3] + "ن"]
    if verb.endswith("هند"):
        return [verb[:-3] + "ن"]
    if verb.endswith("ند"):  # «کند» (the stem «کن» and «د») or a plural such as «گیرند»
        return [verb[:-1] + "ه", verb[:-1]]
    if verb.endswith("ود"):
        return [verb[:-2] + "ه"]
    if verb.endswith("هد"):
        return [verb[:-2] + "ه", verb[:-2] + "د"]
    if verb.endswith("اید"):
        return [verb[:-3] + "اد"]
    return [verb[:-1] + "ه"]


def persian_forms(word: str, verb: bool = True, spoken: bool = False) -> list[str]:
    """Candidate forms of a Persian word, most literal first (``verb=False``: keep a «می» prefix; ``spoken``: a
    written verb with «می»/«نمی» also as it is spoken, «نمی‌کند» as «نمیکنه», last)."""
    if word in PERSIAN_OWN_WORDS:
        return [word]
    base = _verb_canonical(word) if verb else word
    if spoken and base != word:
        return list(dict.fromkeys(persian_forms(word, verb) + spoken_verb(base)))
    forms = [base]
    for suffix in SUFFIXES:
        if base.endswith(suffix) and len(base) - len(suffix) >= _STEM_MIN and (len(base) - len(suffix) > _STEM_MIN or suffix in SHORT_STEM_SUFFIXES):
            once = base[: -len(suffix)]
            forms.append(once)
            if once in PERSIAN_OWN_WORDS:
                continue
            for second in SUFFIXES:
                if once.endswith(second) and len(once) - len(second) >= _STEM_MIN + 1:
                    forms.append(once[: -len(second)])
    colloquial = [f[:-2] + "ان" for f in forms if f.endswith("ون") and len(f) > 3]
    colloquial += ["ا" + f[2:] for f in forms if f.startswith("او") and len(f) > 3]
    return list(dict.fromkeys(forms + colloquial))


def _written_and_keys(phrase: str) -> list[tuple[str, str]]:
    """Each word of a rule phrase as written (normalised) and as the key the matcher looks for."""
    out = []
    for word in split_words(normalise(phrase), _PHRASE_WORD):
        if word == NUMBER:
            out.append((word, word))
            continue
        starred = word.endswith(STAR)
        word = word.rstrip(STAR)
        if not word:
            continue
        if _is_latin(word):
            out.append((word, word + STAR if starred else english_key(word)))
        else:
            out.append((word, _verb_canonical(word, 1) + STAR if starred else _verb_canonical(word)))
    return out


def phrase_words(phrase: str) -> list[str]:
    """A rule phrase as the word keys the matcher looks for (``*`` after a word: any word starting so)."""
    return [key for _written, key in _written_and_keys(phrase)]


def _with_mi(word: str) -> bool:
    """A Persian verb form with the prefix «می» (not «نمی»), which ``_verb_canonical`` takes off."""
    return word.startswith("می") and not word.startswith("نمی") and _verb_canonical(word) != word


class PhraseMatcher:
    """Finds phrases (each with a value) in normalised texts; longest match wins where phrases overlap."""

    def __init__(self, phrases: Iterable[tuple[str, object]], cache_size: int = 200_000, negatable=None, gap_value=None):
        self.negatable = negatable  # value -> whether a negation cancels it (None: negation is not looked at)
        # value -> the value of its phrase found with words in between (None: such phrases are not looked for)
        self.gap_value = gap_value
        self.vocabulary: set[str] = set()
        self.stems: set[str] = set()
        entries: dict[tuple[str, ...], list] = {}
        written = [(_written_and_keys(phrase), value) for phrase, value in phrases]
        # One-word Persian phrases written without «می» («کند», slow): a text's «میکند» (does) is not one of them, so
        # such a verb, here and in longer phrases («داغ می کند»), keeps its prefix as its key.
        self._plain_single = {
            pairs[0][1] for pairs, _v in written if len(pairs) == 1 and not _is_latin(pairs[0][0]) and not _with_mi(pairs[0][0])
        }
        for pairs, value in written:
            words = tuple(w if _with_mi(w) and key in self._plain_single else key for w, key in pairs)
            if not words:
                continue
            entries.setdefault(words, []).append(value)
            for word in words:
                (self.stems.add(word[:-1]) if word.endswith(STAR) else self.vocabulary.add(word))
        patterns: dict[str, tuple[str, tuple, int]] = {}  # key string -> (phrase pattern, values, words)
        for words, values in entries.items():
            pattern = "".join(_OPEN + w + _CLOSE for w in words)
            patterns[pattern] = (pattern, tuple(values), len(words))
        # A word takes one key, its most literal vocabulary form, and a whole vocabulary word wins over
        # a stem: so "ند*" must also be found as each vocabulary word (or longer stem) it covers ("نده"),
        # and "زیاد" as each vocabulary word that reduces to it ("زیادی"), or "صدای زیاد" would miss
        # "صدای زیادی" as soon as another phrase uses "زیادی".
        self._inflected: dict[str, list[str]] = {}
        for word in self.vocabulary:
            if not _is_latin(word):
                for form in self._persian_forms(word)[1:]:
                    if form in self.vocabulary and form != word:
                        self._inflected.setdefault(form, []).append(word)
        # A phrase's spoken verb («خنک نمی‌کنه») also finds the written one («خنک نمی‌کند») where another phrase made that
        # one a key of its own (a text's word takes one key, the most literal).
        for word in {key for pairs, _v in written for w, key in pairs if not _is_latin(w) and _verb_canonical(w) != w}:
            for form in spoken_verb(word):
                if form in self.vocabulary and form != word and word not in self._inflected.get(form, ()):
                    self._inflected.setdefault(form, []).append(word)
        self.numbers = NUMBER in self.vocabulary
        for words, values in entries.items():
            if not any(w.endswith(STAR) or w == NUMBER or w in self._inflected for w in words):
                continue
            pattern = "".join(_OPEN + w + _CLOSE for w in words)
            for variant in product(*(self._covered(w) for w in words)):
                patterns.setdefault("".join(_OPEN + w + _CLOSE for w in variant), (pattern, tuple(values), len(words)))
        # Phrases of two or more words by the wrapped keys of their first and second words, for ``find_gapped``.
        self._gapped: dict[str, dict[str, list[tuple[tuple[str, ...], str, tuple]]]] = {}
        for key_string, (pattern, values, length) in patterns.items():
            if length > 1 and gap_value is not None and not key_string.isascii():
                first, second, *rest = (_OPEN + w + _CLOSE for w in key_string[1:-1].split(_CLOSE + _OPEN))
                weaker = tuple(map(gap_value, values))
                self._gapped.setdefault(first, {}).setdefault(second, []).append((tuple(rest), pattern, weaker))
        self._negations = {_OPEN + w + _CLOSE for w in GAP_NEGATIONS}
        self._automaton = ahocorasick.Automaton()
        for pattern, value in patterns.items():
            self._automaton.add_word(pattern, value)
        self.empty = not entries
        if entries:
            self._automaton.add_word(BOUNDARY, (BOUNDARY, (), 0))  # find_batch counts texts by it
            self._automaton.make_automaton()
        self._stem_lengths = sorted({len(s) for s in self.stems}, reverse=True)
        self._keys: dict[str, str] = {}
        self._cache_size = cache_size

    def _covered(self, word: str) -> list[str]:
        """The keys a phrase word stands for: itself, and for a stem every vocabulary word and longer stem it starts."""
        if word == NUMBER:
            return [word, *(v for v in self.vocabulary if _is_number(v))]
        if not word.endswith(STAR):
            return [word, *self._inflected.get(word, ())]
        stem = word[:-1]
        return [word, *(v for v in self.vocabulary if v.startswith(stem)), *(t + STAR for t in self.stems if t != stem and t.startswith(stem))]

    def _persian_forms(self, word: str) -> list[str]:
        """``persian_forms``, keeping «می» where taking it off would make the word a one-word phrase («میکند» → «کند»)."""
        return persian_forms(word, verb=not (_with_mi(word) and _verb_canonical(word) in self._plain_single), spoken=True)

    def _key(self, word: str) -> str:
        if _is_latin(word):
            stem = english_key(word)
            if stem in self.vocabulary:
                return stem
            if self.numbers and _is_number(word):
                return NUMBER
            if not self.stems:
                return stem
            forms = [word]
        else:
            forms = self._persian_forms(word)
        for form in forms:
            if form in self.vocabulary:
                return form
        if self.numbers and _is_number(word):
            return NUMBER
        for form in forms:
            for length in self._stem_lengths:
                if length <= len(form) and form[:length] in self.stems:
                    return form[:length] + STAR
        return stem if _is_latin(word) else forms[0]

    def keys(self, text_norm: str) -> list[str]:
        """The word keys of a normalised text (cached per word)."""
        return [k[1:-1] for k in self._wrapped(split_words(text_norm))]

    def _wrapped(self, words: list[str]) -> list[str]:
        cache = self._keys
        if len(cache) > self._cache_size:
            cache.clear()
        found = [cache.get(w) for w in words]
        if None in found:
            for i, key in enumerate(found):
                if key is None:
                    word = words[i]
                    found[i] = cache[word] = _OPEN + self._key(word) + _CLOSE
        return found

    def find_batch(self, words: list[str], texts: int | None = None) -> list[list[tuple]]:
        """``find`` for every text of a ``split_batch`` word list, in one pass: per text, the value tuples of its distinct phrases
        as written, not those ``find_gapped`` adds (``texts``: how many texts the list holds, if known)."""
        texts = words.count(BOUNDARY) if texts is None else texts
        if self.empty or not texts:
            return [[] for _ in range(texts)]
        cache = self._keys
        if len(cache) > self._cache_size:
            cache.clear()
        cache[BOUNDARY] = BOUNDARY
        keys = list(map(cache.get, words))
        if None in keys:
            for i, key in enumerate(keys):
                if key is None:
                    word = words[i]
                    key = cache.get(word)  # a word new to the cache may occur many times in one batch
                    if key is None:
                        key = cache[word] = _OPEN + self._key(word) + _CLOSE
                    keys[i] = key
        # The automaton also finds BOUNDARY (no phrase contains it): each one found moves on to the next text.
        found: list[dict | None] = [None] * texts
        text = 0
        joined = "".join(keys)
        for end, (pattern, values, length) in self._automaton.iter_long(joined):
            if pattern == BOUNDARY:
                text += 1
                continue
            if self.negatable is not None:
                values = self._unless_negated(joined, end, length, values)
                if not values:
                    continue
            if (phrases := found[text]) is None:
                found[text] = {pattern: values}
            else:
                phrases[pattern] = values
        return [list(f.values()) if f else [] for f in found]

    def _unless_negated(self, joined: str, end: int, length: int, values: tuple) -> tuple:
        """``values`` of a match of ``length`` words ending at ``end``, without those a negation next to it cancels."""
        if self.negatable is None:
            return values
        start = end + 1
        for _ in range(length):
            start = joined.rfind(_OPEN, 0, start)
        before = joined.rfind(_OPEN, 0, start)
        negated = before >= 0 and joined[before + 1 : start - 1] in NEGATION_BEFORE
        if not negated and joined.startswith(_OPEN, end + 1):
            negated = joined[end + 2 : joined.find(_CLOSE, end + 2)] in NEGATION_AFTER
        return tuple(v for v in values if not self.negatable(v)) if negated else values

    def find(self, text_norm: str, words: list[str] | None = None) -> list[tuple]:
        """For each distinct phrase found, the tuple of its values (``words``: the text's ``split_words``, if known);
        then the phrases found only with words in between (``find_gapped``), at their lower weight."""
        if self.empty:
            return []
        keys = self._wrapped(split_words(text_norm) if words is None else words)
        joined = "".join(keys)
        found = {}
        for end, (pattern, values, length) in self._automaton.iter_long(joined):
            values = self._unless_negated(joined, end, length, values)
            if values:
                found[pattern] = values
        return [*found.values(), *self.find_gapped(text_norm, keys, found)]

    def may_gap(self, keys: Iterable[str]) -> bool:
        """Whether a text of these wrapped word keys holds the first word of a phrase ``find_gapped`` looks for."""
        return bool(self._gapped) and not self._gapped.keys().isdisjoint(keys)

    def find_gapped(self, text_norm: str, keys: list[str], exact) -> list[tuple]:
        """The (weaker) values of each phrase of two or more words not in ``exact`` that a sentence of the text holds
        with one or two other words between its words (``GAP_WORDS``), none of them a negation (``keys``: the
        wrapped keys of the whole text, to skip a text no such phrase starts in)."""
        if len(keys) < 3 or not self.may_gap(keys):
            return []
        found: dict[str, tuple] = {}
        for sentence in _SENTENCE_END.split(text_norm[:MAX_CHARS]):
            words = self._wrapped(split_words(sentence))
            for start, key in enumerate(words):
                seconds = self._gapped.get(key)
                if seconds is None:
                    continue
                for step in range(1, min(GAP_WORDS + 2, len(words) - start)):
                    if step > 1 and words[start + step - 1] in self._negations:
                        break
                    for rest, pattern, values in seconds.get(words[start + step], ()):
                        if pattern in exact or pattern in found:
                            continue
                        end = self._gap_end(words, start + step, rest, step - 1)
                        if end is None:
                            continue
                        negated = (start and words[start - 1][1:-1] in NEGATION_BEFORE) or (
                            end + 1 < len(words) and words[end + 1][1:-1] in NEGATION_AFTER
                        )
                        if negated and self.negatable is not None:
                            values = tuple(v for v in values if not self.negatable(v))
                        if values:
                            found[pattern] = values
        return list(found.values())

    def _gap_end(self, words: list[str], position: int, rest: tuple[str, ...], gaps: int) -> int | None:
        """Where a phrase whose words up to ``position`` were found with ``gaps`` words among them ends with its
        further words ``rest``, when at least one and at most ``GAP_WORDS`` other words sit among its words, none a
        negation; None when it is not there."""
        for key in rest:
            for step in range(1, GAP_WORDS - gaps + 2):
                at = position + step
                if at >= len(words) or (step > 1 and words[at - 1] in self._negations):
                    return None
                if words[at] == key:
                    gaps += step - 1
                    position = at
                    break
            else:
                return None
        return position if gaps else None
