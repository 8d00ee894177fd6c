"""Column titles of FMEA forms (AIAG 4th edition, AIAG-VDA 2019 PFMEA/DFMEA, company variants; English and Persian).

``match_column`` turns the title parts of one column (group header, title, sub-header) into a
row field with how it was found: ``exact``, ``keyword`` or ``fuzzy`` (rapidfuzz), so the
mapping step can show what is a guess.
"""

import re

from flask_babel import force_locale
from rapidfuzz import fuzz, process

from workbench.complaint_import.textnorm import normalise
from workbench.fmea import fields
from workbench.fmea.models import ROW_FIELDS

# The fields a column can be mapped to: the row fields (``responsible_id`` is read as a name or email),
# the sheet's own RPN/AP (compared, never stored) and the row number (ignored but recognised).
SHEET_ONLY = ("rpn", "action_priority", "revised_rpn", "revised_action_priority", "position")
MAPPABLE = (*ROW_FIELDS, *SHEET_ONLY)
RATINGS = ("severity", "occurrence", "detection")
CORE_FIELDS = ("failure_mode", "failure_cause", "failure_effect", "function", "process_step")
REPEATABLE = (*RATINGS, "rpn", "action_priority")  # a second block of these is the revised rating
# Text fields that several columns may fill together (AIAG-VDA has three function columns, 4th edition one).
TEXT_JOINED = ("process_item", "function", "failure_effect", "failure_cause", "prevention_control", "detection_control", "prevention_action", "detection_action", "action_taken", "remarks")

TITLES = {
    "process_item": (
        "process item", "item", "system", "part", "part name", "product", "assembly", "subsystem", "name of process",
        "process item system subsystem part element or name of process", "next higher level", "1 next higher level",
        "system element", "فرایند", "آیتم فرایند", "قلم فرایند", "سیستم", "محصول", "قطعه", "نام قطعه",
    ),
    "process_step": (
        "process step", "process step function", "process function", "operation", "operation description",
        "operation number", "op", "op no", "station", "process step station no and name of focus element",
        "focus element", "process name", "step", "process", "process operation", "item function",
        "مرحله فرایند", "گام فرایند", "عملیات", "ایستگاه", "شرح عملیات", "مرحله",
    ),
    "work_element": (
        "work element", "process work element", "process work element 4m type", "next lower level",
        "next lower level or characteristic type", "component", "component interface", "عنصر کاری", "جزء",
    ),
    "work_element_type": ("4m", "4m type", "element type", "نوع 4m"),
    "function": (
        "function", "requirements", "requirement", "process requirements", "function requirements",
        "function of the process item", "function of process item", "function of the process step and product characteristic",
        "function of the process step", "function of the process work element and process characteristic",
        "function of the work element", "function of next higher level", "function of focus element",
        "function of next lower level", "product characteristic", "process characteristic", "characteristic",
        "purpose", "requirement specification", "عملکرد", "کارکرد", "وظیفه", "الزامات", "الزام", "مشخصه محصول",
    ),
    "failure_effect": (
        "potential effects of failure", "potential effect of failure", "effects of failure", "effect of failure",
        "failure effect", "failure effects", "effect", "effects", "fe", "end effect", "local effect", "failure effects fe",
        "failure effects fe to the next higher level element and or end user", "consequence", "impact",
        "اثر خرابی", "اثرات خرابی", "اثر بالقوه خرابی", "اثرات بالقوه خرابی", "اثر", "پیامد",
    ),
    "severity": ("severity", "sev", "s", "seve", "severity s", "severity s of fe", "severity rating", "شدت", "شدت اثر"),
    "failure_mode": (
        "potential failure mode", "potential failure modes", "failure mode", "failure modes", "fm", "mode",
        "failure mode fm of the focus element", "failure mode fm", "failure", "hazard", "حالت خرابی", "حالت بالقوه خرابی",
        "حالت های خرابی", "نوع خرابی", "خرابی",
    ),
    "failure_cause": (
        "potential causes of failure", "potential cause of failure", "potential causes mechanisms of failure",
        "potential cause mechanism of failure", "causes of failure", "cause of failure", "failure cause", "failure causes",
        "cause", "causes", "fc", "root cause", "mechanism", "failure mechanism", "failure cause fc of the work element",
        "failure cause fc", "علت خرابی", "علل خرابی", "علت بالقوه خرابی", "علل بالقوه خرابی", "علت", "علل", "ریشه",
    ),
    "prevention_control": (
        "current process controls prevention", "current design controls prevention", "current controls prevention",
        "prevention controls", "prevention control", "current prevention controls", "current prevention control",
        "pc", "controls prevention", "current prevention controls pc of fc", "mitigation", "existing mitigation",
        "mitigations", "safeguards", "compensating provisions", "design controls", "existing controls", "کنترل پیشگیرانه", "کنترل های پیشگیرانه",
        "کنترل های پیشگیری", "کنترل پیشگیری", "کنترل جاری پیشگیری",
    ),
    "occurrence": (
        "occurrence", "occ", "occur", "o", "prob", "probability", "likelihood", "frequency", "occurrence o",
        "occurrence o of fc", "وقوع", "احتمال وقوع", "احتمال", "تکرار",
    ),
    "detection_control": (
        "current process controls detection", "current design controls detection", "current controls detection",
        "detection controls", "detection control", "current detection controls", "current detection control", "dc",
        "controls detection", "current detection controls dc of fc or fm", "detection method", "detection methods",
        "method of detection", "inspection method", "failure detection method", "verification", "test method", "current controls", "current process controls",
        "current design controls", "controls", "کنترل تشخیص", "کنترل های تشخیص", "کنترل کشف", "کنترل های کشف",
        "کنترل جاری تشخیص", "کنترل های جاری",
    ),
    "detection": (
        "detection", "det", "detec", "detect", "d", "detectability", "detection d", "detection d of fc fm",
        "تشخیص", "کشف", "قابلیت تشخیص", "قابلیت کشف",
    ),
    "special_characteristic": (
        "class", "classification", "special characteristics", "special characteristic", "sc", "sc cc", "char", "kcc",
        "key characteristic", "طبقه بندی", "مشخصه ویژه", "مشخصه های ویژه", "کلاس",
    ),
    "filter_code": ("filter code", "filter code optional", "کد فیلتر"),
    "prevention_action": (
        "recommended actions", "recommended action", "recommended corrective action", "recommended corrective actions",
        "prevention action", "preventive action", "prevention actions", "actions recommended", "action plan",
        "اقدام پیشنهادی", "اقدامات پیشنهادی", "اقدام اصلاحی پیشنهادی", "اقدامات اصلاحی پیشنهادی", "اقدام پیشگیرانه",
    ),
    "detection_action": ("detection action", "detection actions", "اقدام تشخیصی", "اقدام کشف"),
    "responsible_id": (
        "responsibility", "responsibility target completion date", "responsibility and target completion date",
        "responsibility target date", "responsible", "responsible person", "responsible person s name", "owner",
        "action owner", "who", "مسئول", "مسئول اقدام", "مسئولیت", "مسئول و تاریخ هدف",
    ),
    "target_date": ("target completion date", "target date", "due date", "due", "when", "تاریخ هدف", "مهلت", "تاریخ سررسید"),
    "action_status": ("status", "action status", "وضعیت", "وضعیت اقدام"),
    "action_taken": (
        "actions taken", "action taken", "actions taken completion date", "action taken with pointer to evidence",
        "actions taken and completion date", "action results", "اقدامات انجام شده", "اقدام انجام شده", "اقدامات انجام شده و تاریخ تکمیل",
    ),
    "evidence": ("evidence", "pointer to evidence", "شواهد", "مدرک"),
    "completion_date": ("completion date", "date completed", "closed date", "actual completion date", "تاریخ تکمیل", "تاریخ انجام"),
    "remarks": ("remarks", "notes", "comments", "comment", "note", "ملاحظات", "توضیحات", "یادداشت"),
    "cause_id": ("cause id", "fishbone cause"),
    "rpn": ("rpn", "r p n", "risk priority number", "risk priority", "عدد اولویت ریسک", "عدد ریسک", "اولویت ریسک"),
    "action_priority": ("ap", "action priority", "pfmea ap", "dfmea ap", "fmea ap", "اولویت اقدام"),
    "position": ("#", "no", "nr", "item no", "row", "ref", "ref no", "id", "ردیف", "شماره"),
}

# Words that say a column belongs to the block after the actions (the revised rating).
REVISED_MARKERS = ("action result", "actions result", "result", "revised", "after", "new", "optimi", "resulting", "نتایج", "نتیجه", "بعد", "جدید", "مجدد")

_PUNCT = re.compile(r"[\s_\-–—.,:;/\\|&()\[\]{}'\"*+?!]+")
_SCALE_HINT = re.compile(r"\(?\s*\d+\s*(?:-|–|—|to|تا|\.\.)\s*\d+\s*%?\s*\)?")
_FILLER = re.compile(r"^(potential|possible|بالقوه)\s+")
_NUMBERING = re.compile(r"^\d+[a-z]?\s+(?=\D)")


def norm(text) -> str:
    """A title as compared: Persian letters unified, (s) dropped, punctuation as spaces, no leading numbering."""
    text = normalise(str(text or "")).replace("(s)", "s").replace("(es)", "es")
    text = _SCALE_HINT.sub(" ", text).replace("%", " ")
    text = _PUNCT.sub(" ", text).strip()
    text = _FILLER.sub("", text)
    tokens = text.split()
    # A vertical title typed one letter a line (S / e / v) reads as one word.
    if len(tokens) > 1 and all(len(t) == 1 and t.isalpha() for t in tokens):
        return "".join(tokens)
    return _NUMBERING.sub("", text)


def _index() -> dict[str, str]:
    index = {}
    for field_name, titles in TITLES.items():
        for title in titles:
            index.setdefault(norm(title), field_name)
    for field_name in MAPPABLE:
        index[field_name] = field_name  # our own key row
        index[norm(field_name)] = field_name
        for locale in ("en", "fa"):
            with force_locale(locale):
                for kind in ("process", "design"):
                    index.setdefault(norm(fields.label(field_name, kind)), field_name)
    return index


_CACHE: dict[str, dict] = {}


def vocabulary() -> dict[str, str]:
    """Every known title (normalised) → field, built once per process (needs an app context for the labels)."""
    if "index" not in _CACHE:
        _CACHE["index"] = _index()
        _CACHE["long"] = {k: v for k, v in _CACHE["index"].items() if len(k) >= 5}
    return _CACHE["index"]


def _keyword(text: str) -> str | None:
    words = set(text.split())
    has = words.__contains__
    if any(w.startswith(("control", "کنترل")) for w in words):
        if any(w.startswith(("prevent", "پیشگیر")) for w in words):
            return "prevention_control"
        if any(w.startswith(("detect", "تشخیص", "کشف")) for w in words):
            return "detection_control"
    if "failure" in words or "خرابی" in words:
        if any(w.startswith("effect") for w in words) or "اثر" in words or "اثرات" in words:
            return "failure_effect"
        if any(w.startswith(("cause", "mechanism")) for w in words) or "علت" in words or "علل" in words:
            return "failure_cause"
        if any(w.startswith("mode") for w in words) or "حالت" in words:
            return "failure_mode"
    if has("recommended") or ("action" in text and "recommend" in text):
        return "prevention_action"
    if any(w.startswith("responsib") for w in words):
        return "responsible_id"
    if ("actions" in words or "action" in words) and "taken" in words:
        return "action_taken"
    if "function" in words or "requirement" in words or "requirements" in words:
        return "function"
    return None


def _fuzzy(text: str) -> tuple[str | None, float]:
    if len(text) < 5:
        return None, 0
    vocabulary()
    found = process.extractOne(text, _CACHE["long"].keys(), scorer=fuzz.ratio, score_cutoff=86)
    if found is None:
        return None, 0
    return _CACHE["long"][found[0]], found[1]


def match_column(parts: list[str]) -> tuple[str | None, str, float]:
    """The field the title parts (top to bottom) name, how it was found and a score 0-100."""
    index = vocabulary()
    names = [norm(p) for p in parts if norm(p)]
    if not names:
        return None, "none", 0
    full = " ".join(dict.fromkeys(names))
    if full in index:
        return index[full], "exact", 100
    keyword = _keyword(full)
    if keyword in ("prevention_control", "detection_control"):
        return keyword, "keyword", 90
    for name in reversed(names):
        if name in index:
            return index[name], "exact", 95
    if keyword:
        return keyword, "keyword", 85
    for candidate in (full, *reversed(names)):
        found, score = _fuzzy(candidate)
        if found:
            return found, "fuzzy", score
    return None, "none", 0


def is_revised_title(parts: list[str]) -> bool:
    """True when a title says its column holds the rating after the actions."""
    text = " ".join(norm(p) for p in parts)
    return any(marker in text for marker in REVISED_MARKERS)


def is_known(text) -> bool:
    """True when a cell's text is a known column title (exact or near)."""
    name = norm(text)
    if not name:
        return False
    return name in vocabulary() or _keyword(name) is not None or _fuzzy(name)[0] is not None
