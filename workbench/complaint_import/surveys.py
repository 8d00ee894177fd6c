"""Survey responses: CSAT, NPS and CES per month, owner and product; key-driver analysis.

A survey export has one row per respondent and one column per question. The
user says (or the headers tell) which column is overall satisfaction, which
is likelihood to recommend, effort, free text, and which rate single
expectations (quality, speed, price ...). Free text of unhappy respondents is
classified and stored as a complaint, like any other complaint.
"""

import json
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from workbench import dates
from workbench.complaint_import import mapping, reading
from workbench.complaint_import.defaults import ensure_defaults
from workbench.complaint_import.flow import ClassifyStep, Labels, SeenIds, choose_date_order, clean_source, data_rows, in_chunks
from workbench.complaint_import.models import Complaint, SurveyResponse
from workbench.complaint_import.rows import ComplaintRecord, RowError, check_row, content_hash, convert_date
from workbench.complaint_import.storing import ComplaintStore, bulk_insert, ensure_source
from workbench.complaint_import.textnorm import normalise
from workbench.extensions import db
from workbench.models import utcnow
from workbench.validation import InvalidInput

CHUNK = 5000

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


def survey_columns(headers: list[str], options: SurveyOptions) -> tuple[dict[str, int], dict[str, str]]:
    """Which column holds which answer (guessed, then the user's choices): field -> column index, and the expectation columns."""
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
    return index, drivers


class SurveyNormaliser:
    """The normalise step for one respondent: ratings checked against their scales, a response record, or the row's errors."""

    def __init__(self, headers: list[str], index: dict[str, int], drivers: dict[str, str], order: str | None, options: SurveyOptions):
        self.headers = headers
        self.index = index
        self.drivers = drivers
        self.order = order or "iso"
        self.options = options

    def cell(self, cells: list, name: str):
        return cells[self.index[name]] if name in self.index else ""

    def rating(self, number: int, cells: list, name: str, bounds, whole: bool, problems: list) -> float | None:
        """One rating, or None (blank or wrong, then its error is in ``problems``)."""
        value = _number(self.cell(cells, name), *bounds, whole=whole)
        if isinstance(value, str):
            problems.append(RowError(number, self.headers[self.index[name]], str(self.cell(cells, name)), value))
            return None
        return value

    def __call__(self, number: int, cells: list) -> tuple[dict | None, list[RowError]]:
        """Check one row and build its response record."""
        problems: list[RowError] = []
        raw_date = self.cell(cells, "received_at")
        received, reason = convert_date(raw_date, self.order)
        if received is None:
            problems.append(RowError(number, self.headers[self.index["received_at"]], str(raw_date), reason))
        low, high = self.options.csat_scale
        scales = {"csat": ((low, high), False), "nps": ((0, 10), True), "ces": (self.options.ces_scale, False)}
        values = {name: self.rating(number, cells, name, *scales[name], problems) for name in scales if name in self.index}
        driver_values = {name: self.rating(number, cells, f"driver:{name}", (low, high), False, problems) for name in self.drivers}
        driver_values = {k: v for k, v in driver_values.items() if v is not None}
        if problems:
            return None, problems
        text = str(self.cell(cells, "text")).strip() or None
        product = str(self.cell(cells, "product")).strip() or None
        chash = content_hash(received, text or "", "survey", None, product, {**{k: str(v) for k, v in values.items()}, **{k: str(v) for k, v in driver_values.items()}})
        csat, nps = values.get("csat"), values.get("nps")
        good = self.options.csat_good
        return {
            "external_id": str(self.cell(cells, "external_id")).strip() or "#" + chash[:20], "received_at": received, "product": product,
            "csat": csat, "csat_good": None if csat is None else csat >= good, "nps": None if nps is None else int(nps),
            "ces": values.get("ces"), "drivers": json.dumps(driver_values, ensure_ascii=False, sort_keys=True) if driver_values else None,
            "text": text, "text_norm": normalise(text) if text else None, "content_hash": chash,
            "unhappy": (csat is not None and csat < good) or (nps is not None and nps <= 6),
        }, []


RESPONSE_COLUMNS = (
    "source", "external_id", "received_at", "product", "channel", "csat", "csat_good", "nps", "ces", "drivers", "text", "content_hash",
    "complaint_id", "process_owner_id", "category", "created_at", "updated_at", "version",
)


class SurveyStore:
    """The store step for responses: complaints of unhappy respondents first (through the complaint store), then the responses."""

    def __init__(self, source: str, now):
        self.source = source
        self.complaints = ComplaintStore(source, None, now)

    def write(self, records: list[dict], labels: dict[int, Labels]) -> int:
        """Store one chunk; returns how many complaints it made."""
        unhappy = [
            ComplaintRecord(
                row=0, external_id=f"survey:{r['external_id']}", received_at=r["received_at"], text=r["text"], text_norm=r["text_norm"],
                content_hash=r["content_hash"], channel="survey", customer=None, product=r["product"], attributes=None,
                **labels[i]._asdict(),
            )
            for i, r in enumerate(records) if r["unhappy"] and r["text"]
        ]
        self.complaints.write(unhappy, [])
        complaint_ids = {}
        if unhappy:
            query = select(Complaint.external_id, Complaint.id).where(Complaint.source == self.source, Complaint.external_id.in_([c.external_id for c in unhappy]))
            complaint_ids = dict(db.session.execute(query).all())
        stamp = self.complaints.stamp
        rows = [
            (
                self.source, r["external_id"], r["received_at"], r["product"], "survey", r["csat"], r["csat_good"], r["nps"], r["ces"], r["drivers"],
                r["text"], r["content_hash"], complaint_ids.get(f"survey:{r['external_id']}"),
                labels[i].process_owner_id if i in labels else None, labels[i].category if i in labels else None, stamp, stamp, 1,
            )
            for i, r in enumerate(records)
        ]
        bulk_insert("survey_responses", RESPONSE_COLUMNS, rows)
        return len(unhappy)


def import_surveys(path: str, filename: str, options: SurveyOptions) -> SurveyOutcome:
    """Survey responses through the import's steps (read, check, normalise, classify, store) in the caller's transaction.

    The caller commits only when ``outcome.committed``: bad rows (unless
    skipped) and dry runs store nothing.
    """
    source = clean_source(options.source)
    layout = reading.detect_layout(path, filename)
    index, drivers = survey_columns(layout.headers, options)
    order = choose_date_order(path, layout, index["received_at"], options.date_order)
    outcome = SurveyOutcome(mapping={k: layout.headers[i] for k, i in index.items() if not k.startswith("driver:")}, drivers=drivers)
    ensure_defaults()
    normalise_row = SurveyNormaliser(layout.headers, index, drivers, order, options)
    stored = set(db.session.scalars(select(SurveyResponse.external_id).where(SurveyResponse.source == source)))
    seen = SeenIds(layout.headers[index["external_id"]] if "external_id" in index else "—")
    classify = ClassifyStep()
    store = None if options.dry_run else SurveyStore(source, utcnow())
    for rows in in_chunks(data_rows(path, layout), CHUNK):
        records = []
        for number, cells in rows:
            problems = check_row(number, cells, len(layout.headers), layout.headers)
            record = None
            if not problems:
                record, problems = normalise_row(number, cells)
            if problems:
                outcome.bad += 1
                outcome.errors.extend(problems)
                continue
            repeat, _different = seen.check(number, record["external_id"], record["content_hash"])
            if repeat or record["external_id"] in stored:  # a respondent already stored (or listed twice) counts as unchanged
                outcome.unchanged += 1
                continue
            outcome.good += 1
            records.append(record)
        with_text = [i for i, r in enumerate(records) if r["text"]]
        labels = dict(zip(with_text, classify([records[i]["text_norm"] for i in with_text], [records[i]["product"] for i in with_text], ["survey"] * len(with_text)), strict=True))
        outcome.new += len(records)
        if store is not None:
            outcome.complaints += store.write(records, labels)
        else:
            outcome.complaints += sum(1 for r in records if r["unhappy"] and r["text"])
    if store is None or (outcome.bad and not options.skip_bad_rows):
        return outcome
    ensure_source(source)
    outcome.committed = True
    return outcome
