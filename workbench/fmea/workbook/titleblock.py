"""The title block above an FMEA's header (item, part number, customer, team, dates, revision) read into header fields."""

from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from workbench.fmea import fields
from workbench.fmea.workbook import vocabulary as vocab
from workbench.fmea.workbook.reading import Sheet

LABELS = {
    "title": ("item", "product", "subject", "system", "subsystem", "component", "part name", "process name", "design name", "موضوع", "عنوان", "نام فرایند", "نام قطعه"),
    "part_number": ("part number", "part no", "part nr", "p n", "drawing number", "شماره قطعه", "کد قطعه", "شماره نقشه"),
    "customer": ("customer", "customer name", "مشتری"),
    "company": ("company", "company name", "supplier", "organization", "organisation", "supplier name", "سازمان", "شرکت", "تامین کننده"),
    "location": ("site", "plant", "location", "engineering location", "manufacturing location", "سایت", "کارخانه", "محل"),
    "program": ("model years programs", "model year program", "model year", "program", "programme", "model", "vehicle", "model programme", "مدل", "برنامه"),
    "responsible": ("process responsibility", "design responsibility", "responsibility", "مسئولیت فرایند", "مسئولیت طراحی", "مسئولیت"),
    "team": ("core team", "team", "cross functional team", "fmea team", "تیم", "تیم اصلی", "اعضای تیم"),
    "start_date": ("fmea date orig", "fmea date", "date orig", "original date", "start date", "fmea start date", "تاریخ شروع", "تاریخ تهیه"),
    "revision_date": ("revision date", "rev date", "fmea revision date", "date rev", "تاریخ بازنگری"),
    "revision": ("revision", "rev", "revision no", "rev no", "بازنگری", "ویرایش", "شماره بازنگری"),
    "key_date": ("key date", "تاریخ کلیدی"),
    "fmea_number": ("fmea number", "fmea no", "fmea id", "شماره fmea"),
    "prepared_by": ("prepared by", "تهیه کننده"),
    "confidentiality": ("confidentiality level", "confidentiality", "سطح محرمانگی"),
}
DATES = ("start_date", "revision_date", "key_date")


def _labels() -> dict[str, str]:
    found = {vocab.norm(text): name for name, texts in LABELS.items() for text in texts}
    # The labels of our own export's header block, in both languages.
    ours = {
        "company": "Company", "location": "Site", "customer": "Customer", "program": "Model / programme", "title": "Subject",
        "start_date": "Start date", "revision_date": "Revision date", "responsible": "Process responsibility",
        "confidentiality": "Confidentiality level",
    }
    for locale in ("en", "fa"):
        with force_locale(locale):
            for name, text in ours.items():
                found.setdefault(vocab.norm(_(text)), name)
    return found


def _label_of(text: str, labels: dict) -> str | None:
    return labels.get(vocab.norm(text))


def read_title_block(sheet: Sheet, last_row: int) -> dict[str, str]:
    """Header fields found in rows ``0 .. last_row - 1``: ``Label: value`` in one cell or the value in a cell to the right."""
    labels = _labels()
    found: dict[str, str] = {}
    for r in range(min(last_row, len(sheet.grid))):
        cells = [c for c in range(len(sheet.grid[r])) if sheet.own(r, c)]
        for position, c in enumerate(cells):
            text = sheet.text(r, c)
            label_text, colon, rest = text.partition(":")
            name = _label_of(label_text, labels)
            if name is None:
                continue
            value = rest.strip() if colon else ""
            if not value:
                following = cells[position + 1] if position + 1 < len(cells) else None
                if following is not None and _label_of(sheet.text(r, following).partition(":")[0], labels) is None:
                    value = sheet.grid[r][following]
            if name == "start_date" and isinstance(value, str) and "(rev" in value.lower():
                value, _sep, revised = value.lower().partition("(rev")
                found.setdefault("revision_date", revised.lstrip(".): ").strip())
            value = _plain(value, name)
            if value not in ("", None) and len(str(value)) <= 200:
                found.setdefault(name, value)
    return found


def _plain(value, name: str):
    if isinstance(value, datetime):
        value = value.date()
    if name in DATES:
        if isinstance(value, date):
            return value.isoformat()
        try:
            parsed = fields.parse_date(str(value).strip(), "target_date") if str(value).strip() else None
        except ValueError:
            return str(value).strip()
        return parsed.isoformat() if parsed else ""
    return str(value).strip() if value is not None else ""
