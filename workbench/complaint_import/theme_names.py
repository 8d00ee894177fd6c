"""A theme's name from its most central complaint: what the complaint says, without the letter around it.

Real exports open complaints with greetings and references («سلام», «با سلام و احترام», "Hi,",
"Dear sir", "Order 7244:", «کد پیگیری ۱۲۳۴») and close them with more; a theme named by the raw
text reads "Hi, Order 7244: the food…". ``readable_name`` strips such openings (repeatedly: "Hi,
order 7244: …"), a reference in brackets at the end, and cuts the rest at the end of its first
sentence, or of a clause, or of a word, within ``MAX_NAME`` characters. A complaint that is nothing
but a greeting keeps its text (better a greeting than no name).
"""

import re

MAX_NAME = 90  # characters: one line of a theme card or a picker
MIN_SENTENCE = 20  # a first sentence shorter than this ("Hello again.") is not a name on its own
_DIGIT = r"[0-9\u06f0-\u06f9\u0660-\u0669]"
_CODE = rf"#?\s*[A-Za-z\-/]*{_DIGIT}[\w\-/]*"  # 7244, #7244, ORD-7244, A12/55
_SEP = r"\s*[:,\-–—.!)؛،]*\s*"
_PUNCTUATED = r"\s*[:,\-–—.)؛،]+\s*"  # after a reference: "Order 7244: …", not "Order 7244 was lost"

_WHOM = r"(?:\s+(?:there|team|all|everyone|guys|sir|madam|support))?"
_GREETINGS_EN = (
    rf"hi+{_WHOM}", rf"hello+{_WHOM}", rf"hey{_WHOM}", rf"greetings{_WHOM}",
    rf"good\s+(?:morning|afternoon|evening|day){_WHOM}", r"to\s+whom\s+it\s+may\s+concern",
    r"dear\s+(?:sir(?:\s+or\s+madam)?|madam|sirs|team|customer\s+(?:service|care|support)|support(?:\s+team)?|all|manager)",
)
_HEADINGS_EN = r"(?:dear(?:\s+[^\s,:]+){1,4}|re|fwd?|subject|complaint)\s*[,:]"  # "Dear Ms Smith," "Re:"
_REFERENCES_EN = r"(?:order|ticket|ref(?:erence)?|case|invoice|tracking|account|booking|customer|complaint)(?:\s*(?:no\.?|number|id|#))?"
_GREETINGS_FA = (
    r"(?:با|ضمن)?\s*(?:عرض\s+)?سلام(?:\s+(?:و|و\s+عرض)\s+(?:احترام|ادب|وقت\s+بخیر|خسته\s+نباشید))*(?:\s+علیکم)?",
    r"وقت\s+(?:شما\s+)?بخیر", r"خسته\s+نباشید", r"درود(?:\s+بر\s+شما)?", r"احتراما", r"با\s+احترام",
    r"(?:مدیریت|پشتیبانی)\s+محترم", r"جناب\s+آقای", r"همکاران\s+محترم",
)
_REFERENCES_FA = r"(?:شماره\s+)?(?:سفارش|فاکتور|کد\s+پیگیری|کد\s+سفارش|کد\s+رهگیری|تیکت|پیگیری|قرارداد|اشتراک)(?:\s+(?:شماره|به\s+شماره))?"

_OPENING = re.compile(
    rf"^(?:(?:{'|'.join(_GREETINGS_EN)})\b{_SEP}(?=\S)"
    rf"|{_HEADINGS_EN}{_SEP}"
    rf"|(?:{_REFERENCES_EN})\s*{_CODE}{_PUNCTUATED}"
    rf"|(?:{'|'.join(_GREETINGS_FA)})(?=[\s:,،.!؛]|$){_SEP}"
    rf"|(?:{_REFERENCES_FA})\s*{_CODE}{_PUNCTUATED}"
    rf"|[\[(]\s*{_CODE}\s*[\])]{_SEP}"
    rf"|#{_DIGIT}+{_SEP})",
    re.IGNORECASE,
)
_CLOSING = re.compile(rf"\s*[\[(]\s*(?:(?:{_REFERENCES_EN}|{_REFERENCES_FA})\s*)?{_CODE}\s*[\])]\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?؟]+(?=\s|$)|\n")
_CLAUSE_END = re.compile(r"[,;:،؛]\s|\s[-–—]\s")


def _strip_opening(text: str) -> str:
    for _ in range(5):  # "Hi, order 7244: …": greeting, then reference
        found = _OPENING.match(text)
        if not found or found.end() == 0:
            break
        text = text[found.end() :]
    return text


def _cut(text: str) -> str:
    """The first sentence when it is long enough and short enough; else up to a clause or word end, with "…"."""
    for end in _SENTENCE_END.finditer(text):
        if end.start() >= MIN_SENTENCE:
            if end.start() <= MAX_NAME:
                return text[: end.start()].rstrip(" ,،;؛:")
            break
    single = text
    if len(single) <= MAX_NAME:
        return single.rstrip(" ,،;؛:")
    clauses = [m.start() for m in _CLAUSE_END.finditer(single) if MIN_SENTENCE <= m.start() <= MAX_NAME - 1]
    cut = clauses[-1] if clauses else single.rfind(" ", 0, MAX_NAME)
    if cut < MIN_SENTENCE:
        cut = MAX_NAME - 1
    return single[:cut].rstrip(" ,،;؛:-–—") + "…"


def readable_name(text: str | None) -> str:
    """A complaint as a theme's name: no greeting or reference number at its start, no reference at its end, one
    sentence (or clause) of at most ``MAX_NAME`` characters, on one line; '' for an empty text."""
    original = " ".join((text or "").split())
    if not original:
        return ""
    body = _CLOSING.sub("", _strip_opening(original)).strip()
    if not any(c.isalpha() for c in body):
        return _cut(original)  # nothing but a greeting or a reference: keep it whole
    name = _cut(body)
    if body != original and name[:1].isascii() and name[:1].islower():
        name = name[0].upper() + name[1:]  # "Hi, the food was cold" → "The food was cold"
    return name
