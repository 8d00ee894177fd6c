"""Survey responses: CSAT, NPS and CES per month, owner and product; key-driver analysis.

A survey export has one row per respondent and one column per question. The
user says (or the headers tell) which column is overall satisfaction, which
is likelihood to recommend, effort, free text, and which rate single
expectations (quality, speed, price ...). Free text of unhappy respondents is
classified and stored as a complaint, like any other complaint.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import insert, select

from workbench import dates
from workbench.complaint_import import mapping, reading
from workbench.complaint_import.classify import Classifier
from workbench.complaint_import.rows import RowError, content_hash
from workbench.complaint_import.textnorm import normalise
from workbench.extensions import db
from workbench.models import utcnow
from workbench.validation import InvalidInput

SURVEY_FIELDS = ("external_id", "received_at", "product", "channel", "csat", "nps", "ces", "text")
SURVEY_ALIASES = {
    "csat": ("csat", "satisfaction", "overall satisfaction", "how satisfied", "رضایت", "رضایت کلی", "میزان رضایت"),
    "nps": ("nps", "recommend", "likelihood to recommend", "how likely are you to recommend", "توصیه", "احتمال توصیه"),
    "ces": ("ces", "effort", "customer effort", "ease", "سهولت", "میزان تلاش"),
    "text": ("comment", "comments", "why", "feedback", "anything else", "open ended", "نظر", "توضیحات", "پیشنهاد"),
}
DRIVER_ALIASES = {
    "product_quality": ("quality", "product quality", "کیفیت", "کیفیت محصول"),
    "delivery_speed": ("speed", "delivery", "delivery speed", "سرعت", "سرعت تحویل", "تحویل"),
    "price": ("price", "value for money", "قیمت"),
    "warranty": ("warranty", "guarantee", "گارانتی"),
    "responsiveness": ("responsiveness", "staff", "support", "پاسخگویی", "برخورد کارکنان"),
}


@dataclass
class SurveyOptions:
    source: str
    mapping: dict[str, str] = field(default_factory=dict)
    drivers: dict[str, str] = field(default_factory=dict)
    csat_scale: tuple[int, int] = (1, 5)
    csat_good: int = 4
    ces_scale: tuple[int, int] = (1, 7)
    date_order: str | None = None
    skip_bad_rows: bool = False
    dry_run: bool = False


@dataclass
class SurveyOutcome:
    mapping: dict[str, str]
    drivers: dict[str, str]
    errors: list[RowError] = field(default_factory=list)
    good: int = 0
    bad: int = 0
    new: int = 0
    unchanged: int = 0
    complaints: int = 0
    committed: bool = False


def _guess(headers: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    found = {k: v for k, v in mapping.guess(headers).items() if k in SURVEY_FIELDS}
    drivers: dict[str, str] = {}
    for header in headers:
        clean = mapping.clean_header(header)
        for name, aliases in SURVEY_ALIASES.items():
            if name not in found and clean in {mapping.clean_header(a) for a in aliases}:
                found[name] = header
        for name, aliases in DRIVER_ALIASES.items():
            if name not in drivers and clean in {mapping.clean_header(a) for a in aliases}:
                drivers[name] = header
    return found, drivers


def _number(value, low: float, high: float, whole: bool = False) -> float | None | str:
    """The rating, None when blank, or the reason it is not a valid rating."""
    text = dates.to_latin_digits(str(value)).strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return _("not a number")
    if whole and not number.is_integer():
        return _("must be a whole number")
    if not low <= number <= high:
        return _("must be between %(low)s and %(high)s", low=f"{low:g}", high=f"{high:g}")
    return number


def import_surveys(path: str, filename: str, options: SurveyOptions) -> SurveyOutcome:
    """Check every row and store the responses (and complaints of unhappy respondents) in one transaction."""
    from workbench.complaint_import.defaults import ensure_defaults
    from workbench.complaint_import.models import Complaint, SurveyResponse
    from workbench.complaint_import.storing import ensure_source
    from workbench.teams.models import ProcessOwner

    source = (options.source or "").strip()
    if not source:
        raise InvalidInput({"source": _("Name the source of the file (e.g. crm, call-centre).")})
    layout = reading.detect_layout(path, filename)
    headers = layout.headers
    guessed, drivers = _guess(headers)
    guessed.update({k: v for k, v in options.mapping.items() if v})
    drivers.update({k: v for k, v in options.drivers.items() if v})
    stripped = [h.strip() for h in headers]
    index = {}
    for name, column in list(guessed.items()) + [(f"driver:{k}", v) for k, v in drivers.items()]:
        if column not in stripped:
            raise InvalidInput({name: _("Column “%(column)s” is not in the file; its columns are: %(columns)s.", column=column, columns=", ".join(stripped))})
        index[name] = stripped.index(column)
    if "received_at" not in index:
        raise InvalidInput({"received_at": _("Required column for “%(field)s” is missing; map it with --map %(key)s=COLUMN. The file's columns are: %(columns)s.", field=_("Date received"), key="received_at", columns=", ".join(stripped))})
    if not {"csat", "nps", "ces"} & set(index):
        raise InvalidInput({"csat": _("Say which column is overall satisfaction (csat), likelihood to recommend (nps) or effort (ces), e.g. --map csat=Q1.")})
    skip = layout.header_row + 1 + layout.extra_header_rows
    all_rows = [r for n, r in enumerate(reading.rows(path, layout)) if n >= skip and any(r)]
    order = options.date_order
    if order is None:
        order, problem = dates.decide_order([str(r[index["received_at"]]) for r in all_rows[:5000] if index["received_at"] < len(r) and not isinstance(r[index["received_at"]], date)])
        if order is None and problem and any(not isinstance(r[index["received_at"]], date) for r in all_rows[:50]):
            raise InvalidInput({"received_at": _("Column “%(column)s”: %(problem)s (use --date-order dmy or mdy).", column=headers[index["received_at"]], problem=problem)})
    outcome = SurveyOutcome(mapping={k: headers[i] for k, i in index.items() if not k.startswith("driver:")}, drivers=drivers)
    ensure_defaults()
    existing = set(db.session.scalars(select(SurveyResponse.external_id).where(SurveyResponse.source == source)))
    owner_ids = dict(db.session.execute(select(ProcessOwner.key, ProcessOwner.id)).all())
    records, seen = [], set()
    low, high = options.csat_scale
    for number, cells in enumerate(all_rows, start=skip + 1):
        problems = []
        if len(cells) < len(headers):
            problems.append(RowError(number, "—", " | ".join(map(str, cells))[:120], _("the row has %(cells)d cells but the header has %(columns)d columns (wrong delimiter or an unquoted delimiter in a cell?)", cells=len(cells), columns=len(headers))))
            outcome.bad += 1
            outcome.errors.extend(problems)
            continue

        def cell(name, cells=cells):
            return cells[index[name]] if name in index else ""

        raw_date = cell("received_at")
        received = dates.parse_excel(raw_date)
        if received is None:
            try:
                received = dates.parse(str(raw_date), order or "iso")
            except dates.DateError as error:
                problems.append(RowError(number, headers[index["received_at"]], str(raw_date), error.reason))
        values = {}
        for name, bounds, whole in (("csat", (low, high), False), ("nps", (0, 10), True), ("ces", options.ces_scale, False)):
            if name in index:
                value = _number(cell(name), *bounds, whole=whole)
                if isinstance(value, str):
                    problems.append(RowError(number, headers[index[name]], str(cell(name)), value))
                values[name] = value
        driver_values = {}
        for name in drivers:
            value = _number(cell(f"driver:{name}"), low, high)
            if isinstance(value, str):
                problems.append(RowError(number, headers[index[f"driver:{name}"]], str(cell(f"driver:{name}")), value))
            elif value is not None:
                driver_values[name] = value
        text = str(cell("text")).strip() or None
        if text and text[0] in "=+-@" and text[:1] == "=":
            problems.append(RowError(number, headers[index["text"]], text, _("the cell looks like a spreadsheet formula; remove it or write it as text")))
        if problems:
            outcome.bad += 1
            outcome.errors.extend(problems)
            continue
        product = str(cell("product")).strip() or None
        chash = content_hash(received, text or "", "survey", None, product, {**{k: str(v) for k, v in values.items()}, **{k: str(v) for k, v in driver_values.items()}})
        external_id = str(cell("external_id")).strip() or "#" + chash[:20]
        if external_id in seen or external_id in existing:
            outcome.unchanged += 1
            continue
        seen.add(external_id)
        outcome.good += 1
        csat = values.get("csat")
        nps = values.get("nps")
        records.append(
            {
                "source": source, "external_id": external_id, "received_at": received, "product": product, "channel": "survey",
                "csat": csat, "csat_good": None if csat is None else csat >= options.csat_good, "nps": None if nps is None else int(nps),
                "ces": values.get("ces"), "drivers": driver_values or None, "text": text, "content_hash": chash,
                "unhappy": (csat is not None and csat < options.csat_good) or (nps is not None and nps <= 6),
            }
        )
    outcome.new = len(records)
    if options.dry_run or (outcome.bad and not options.skip_bad_rows):
        return outcome
    ensure_source(source)
    classifier = Classifier.load()
    texts = [r for r in records if r["text"]]
    labels = classifier.classify([normalise(r["text"]) for r in texts], [r["product"] for r in texts], ["survey"] * len(texts))
    for record, label in zip(texts, labels, strict=True):
        record["process_owner_id"] = owner_ids.get(label.owner)
        record["category"] = label.category
        record["_label"] = label
    now = utcnow()
    for record in records:
        unhappy = record.pop("unhappy")
        label = record.pop("_label", None)
        record.setdefault("process_owner_id", None)
        record.setdefault("category", None)
        record.update(created_at=now, updated_at=now, version=1, complaint_id=None)
        if unhappy and record["text"]:
            complaint_id = db.session.execute(
                insert(Complaint).returning(Complaint.id),
                [{
                    "source": source, "external_id": f"survey:{record['external_id']}", "received_at": record["received_at"],
                    "text": record["text"], "text_norm": normalise(record["text"]), "content_hash": record["content_hash"],
                    "channel": "survey", "product": record["product"], "process_owner_id": record["process_owner_id"],
                    "category": record["category"], "owner_confidence": label.owner_confidence, "category_confidence": label.category_confidence,
                    "confidence": label.confidence, "label_source": label.source, "unclassified_reason": label.reason, "confirmed": False, "created_at": now, "updated_at": now, "version": 1,
                }],
            ).scalar_one()
            record["complaint_id"] = complaint_id
            outcome.complaints += 1
    if records:
        db.session.execute(insert(SurveyResponse), records)
    outcome.committed = True
    return outcome
