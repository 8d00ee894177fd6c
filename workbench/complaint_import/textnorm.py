"""A normalised copy of Persian/English text for search and classification; the original stays verbatim."""

from workbench.dates import DIGITS_TO_LATIN

# A hamza seat before «و» is a spelling of one word three ways («مسئول», «مسؤول», «مسول»; «شئون», «شؤون»):
# the seat goes. Elsewhere ئ is written ی by many («رئیس», «رییس»; «پائیز», «پاییز»), ؤ و («سؤال», «سوال»), and
# a hamza on the line is left out («اجزاء», «اجزا»; «جزء»). These pairs are replaced before the single letters.
_HAMZA_BEFORE_WAW = (("ئو", "و"), ("ؤو", "و"), ("أو", "و"))
_TABLE = {
    ord("ي"): "ی", ord("ى"): "ی", ord("ئ"): "ی", ord("ك"): "ک", ord("ة"): "ه", ord("ۀ"): "ه",
    ord("أ"): "ا", ord("إ"): "ا", ord("آ"): "ا", ord("ٱ"): "ا", ord("ؤ"): "و", ord("ء"): None,
    ord("\u200c"): " ", ord("\u200d"): None, ord("\u200e"): None, ord("\u200f"): None,
    ord("\ufeff"): None, ord("\u0640"): None, ord("\u00a0"): " ",
}
for _code in range(0x064B, 0x0653):  # harakat
    _TABLE[_code] = None
_TABLE[0x0670] = None
_TABLE[0x0654] = None
_TABLE.update(DIGITS_TO_LATIN)  # Persian and Arabic-Indic digits as 0-9
# str.translate looks every character up in a dict (about 0.5 µs per character of Persian text);
# a check and a replace per character that needs changing is several times faster. No single-letter
# replacement is itself a key, so their order does not matter; the hamza pairs come first.
_REPLACEMENTS = _HAMZA_BEFORE_WAW + tuple(
    (chr(code), "" if new is None else chr(new) if isinstance(new, int) else new) for code, new in _TABLE.items()
)


def normalise(text: str | None) -> str:
    """Persian ی/ک, one spelling of hamza words, Latin digits, no diacritics or tatweel, ZWNJ as space, single spaces, lower case."""
    if not text:
        return ""
    for old, new in _REPLACEMENTS:
        if old in text:
            text = text.replace(old, new)
    return " ".join(text.split()).lower()


_SEPARATOR = "\x00"  # the reader drops NUL characters, so no cell holds one


def normalise_many(texts: list[str]) -> list[str]:
    """``normalise`` of every text, done on the texts joined into one string: a few C passes instead of a dozen calls per text."""
    if not texts:
        return []
    big = _SEPARATOR.join(texts)
    if big.count(_SEPARATOR) != len(texts) - 1:
        return list(map(normalise, texts))
    for old, new in _REPLACEMENTS:
        if old in big:
            big = big.replace(old, new)
    # The separator is not whitespace: split() leaves it as a word of its own wherever spaces surround it.
    big = " ".join(big.replace(_SEPARATOR, " \x00 ").split()).lower()
    return big.replace(" \x00", _SEPARATOR).replace("\x00 ", _SEPARATOR).split(_SEPARATOR)
