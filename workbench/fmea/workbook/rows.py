"""The data rows of one mapped FMEA sheet: merged cells filled down, footers and empty rows left out with a reason,
ratings converted, values checked, and the sheet's RPN/AP compared with the computed ones."""

from flask_babel import gettext as _

from workbench.dates import to_latin_digits
from workbench.fmea import fields
from workbench.fmea.models import RATING_FIELDS, ROW_FIELDS
from workbench.fmea.priority import rating_or_none
from workbench.fmea.workbook import ratings
from workbench.fmea.workbook import vocabulary as vocab
from workbench.fmea.workbook.reading import Sheet, plain
from workbench.spreadsheets import unneutralised

CONTENT = tuple(f for f in ROW_FIELDS if f != "cause_id")
# Blank cells of these take the value above (a form that lists a step once for several causes).
LEVELS = ("process_item", "process_step", "work_element", "function")
SIBLINGS = (("failure_effect", "severity"), ("failure_mode",))
FOOTER_WORDS = (
    "prepared by", "approved by", "reviewed by", "checked by", "released by", "signature", "signatures", "sign off",
    "approval", "approvals", "تهیه کننده", "تایید کننده", "تأیید کننده", "تصویب کننده", "بررسی کننده", "امضا",
)
_FOOTER = tuple(vocab.norm(w) for w in FOOTER_WORDS)


def problem(sheet: str, row, column: str, field: str, value, message: str, level: str = "error") -> dict:
    """One problem as the preview, the CLI and the API list it."""
    return {
        "sheet": sheet, "row": row, "column": column, "field": field, "label": fields.label(field) if field else "",
        "value": "" if value is None else str(plain(value))[:200], "message": message, "level": level,
    }


def is_footer(sheet: Sheet, r: int, rating_columns: list[int]) -> bool:
    """True for a signature / approval line (a footer): no rating of its own, a cell starting with a footer word."""
    if any(isinstance(sheet.grid[r][c], (int, float)) and sheet.own(r, c) for c in rating_columns):
        return False
    for c in range(len(sheet.grid[r])):
        if not sheet.own(r, c):
            continue
        text = sheet.text(r, c)
        name = vocab.norm(text)
        if name.startswith(_FOOTER) and (":" in text or "_" in text or len(name.split()) <= 3):
            return True
    return False


def _fill_down(values: dict, previous: dict | None) -> None:
    if previous is None:
        return
    new_level = False
    for name in LEVELS:
        if name not in values:
            continue
        if values[name] in (None, ""):
            if not new_level:
                values[name] = previous.get(name)
        elif values[name] != previous.get(name):
            new_level = True
    if new_level:
        return
    for group in SIBLINGS:
        present = [name for name in group if name in values]
        if present and all(values[name] in (None, "") for name in present):
            for name in present:
                values[name] = previous.get(name)


def read_rows(
    sheet: Sheet, start: int, mapping: dict[int, str], scales: dict[str, dict], header_titles: set[str], own_export: bool = False
) -> dict:
    """Rows of ``sheet`` from ``start`` under ``mapping`` (column → field): ``{"rows", "problems", "left_out"}``.

    Every row is either in ``rows`` (``errors`` lists what is wrong with it) or in ``left_out`` with its reason.
    Our own export (``own_export``) says everything explicitly: nothing is filled down or taken as a repeat.
    """
    from openpyxl.utils import get_column_letter

    letter = {c: get_column_letter(c + 1) for c in mapping}
    rating_columns = [c for c, f in mapping.items() if f in RATING_FIELDS]
    content_columns = [c for c, f in mapping.items() if f in CONTENT]
    rows, problems, left_out = [], [], []
    footer_row, previous, seen = None, None, {}
    for r in range(start, len(sheet.grid)):
        number = r + 1
        own = [c for c in range(len(sheet.grid[r])) if sheet.own(r, c)]
        if footer_row is not None:
            if own:
                left_out.append({"sheet": sheet.name, "row": number, "reason": _("below the footer of row %(row)s", row=footer_row)})
            continue
        if not own:
            if any(sheet.text(r, c) for c in content_columns):
                left_out.append({"sheet": sheet.name, "row": number, "reason": _("only continues merged cells of the rows above")})
            else:
                left_out.append({"sheet": sheet.name, "row": number, "reason": _("empty"), "empty": True})
            continue
        if is_footer(sheet, r, rating_columns):
            footer_row = number
            left_out.append({"sheet": sheet.name, "row": number, "reason": _("footer (signatures, approvals)")})
            continue
        # A repeated title row has titles, never numbers, in the rating columns: only such rows are compared (norm is slow).
        maybe_titles = not any(isinstance(sheet.grid[r][c], (int, float)) for c in rating_columns)
        texts = {vocab.norm(sheet.text(r, c)) for c in own} if maybe_titles else set()
        if maybe_titles and len(texts & header_titles) >= max(3, len(texts) // 2):
            left_out.append({"sheet": sheet.name, "row": number, "reason": _("repeats the column titles")})
            continue
        if not any(sheet.own(r, c) for c in content_columns):
            shown = ", ".join(f"{get_column_letter(c + 1)}: {sheet.text(r, c)[:40]}" for c in own[:4])
            left_out.append({"sheet": sheet.name, "row": number, "reason": _("no FMEA content (only %(cells)s)", cells=shown)})
            continue
        row = _read_row(sheet, r, mapping, letter, scales)
        if not own_export:
            _fill_down(row["values"], previous)
        signature = repr(sorted((k, str(v)) for k, v in row["values"].items()))
        if signature in seen and not own_export:
            left_out.append({"sheet": sheet.name, "row": number, "reason": _("repeats row %(row)s exactly", row=seen[signature])})
            continue
        seen[signature] = number
        previous = dict(row["values"])
        _check(row, sheet.name, letter, mapping)
        problems.extend(row["errors"] + row["warnings"])
        rows.append(row)
    return {"rows": rows, "problems": problems, "left_out": left_out}


def _read_row(sheet: Sheet, r: int, mapping: dict[int, str], letter: dict, scales: dict) -> dict:
    values: dict = {}
    sheet_figures: dict = {}
    errors: list = []
    for c, name in mapping.items():
        value = sheet.grid[r][c] if c < len(sheet.grid[r]) else None
        if isinstance(value, str):
            value = _unescape(value.strip())
        if name in vocab.SHEET_ONLY:
            sheet_figures[name] = value
            continue
        if name in RATING_FIELDS and value not in (None, ""):
            scale = scales.get(name.removeprefix("revised_")) or {}
            try:
                value = ratings.convert(value, scale)
            except ValueError as error:
                errors.append(problem(sheet.name, r + 1, letter[c], name, value, str(error)))
                value = None
        if name in vocab.TEXT_JOINED and values.get(name) not in (None, ""):
            if value not in (None, "") and str(value) not in str(values[name]).split("\n"):
                values[name] = f"{values[name]}\n{value}"
            continue
        values[name] = value
    return {"sheet": sheet.name, "row": r + 1, "values": values, "sheet_figures": sheet_figures, "errors": errors, "warnings": []}


def _check(row: dict, sheet_name: str, letter: dict, mapping: dict) -> None:
    """Clean the values (1-10 ratings, dates, choices) and compare the sheet's RPN/AP with the computed ones."""
    column_of = {}
    for c, name in mapping.items():
        column_of.setdefault(name, letter[c])
    raw = dict(row["values"])
    responsible = raw.pop("responsible_id", None)
    row["responsible"] = "" if responsible is None else str(plain(responsible)).strip()
    clean, errors = fields.clean(raw)
    for name, message in errors.items():
        row["errors"].append(problem(sheet_name, row["row"], column_of.get(name, ""), name, raw.get(name), message))
    bad = {e["field"] for e in row["errors"]}
    row["values"] = {k: v for k, v in clean.items() if k not in bad}
    for prefix in ("", "revised_"):
        s, o, d = (row["values"].get(prefix + n) for n in vocab.RATINGS)
        rpn, ap = rating_or_none(s, o, d)
        sheet_rpn, sheet_ap = row["sheet_figures"].get(prefix + "rpn"), row["sheet_figures"].get(prefix + "action_priority")
        if rpn is not None and sheet_rpn not in (None, "") and to_latin_digits(str(sheet_rpn).strip()) != str(rpn):
            row["warnings"].append(problem(
                sheet_name, row["row"], column_of.get(prefix + "rpn", ""), prefix + "rpn", sheet_rpn,
                _("The sheet's RPN is %(sheet)s; S × O × D gives %(computed)s (the computed one is kept).", sheet=sheet_rpn, computed=rpn),
                "warning",
            ))
        if ap is not None and str(sheet_ap or "").strip().upper() in ("H", "M", "L") and str(sheet_ap).strip().upper() != ap:
            row["warnings"].append(problem(
                sheet_name, row["row"], column_of.get(prefix + "action_priority", ""), prefix + "action_priority", sheet_ap,
                _("The sheet's AP is %(sheet)s; the AIAG-VDA table gives %(computed)s (the computed one is kept).", sheet=sheet_ap, computed=ap),
                "warning",
            ))


def _unescape(text: str) -> str:
    # Our CSV export puts an apostrophe before a risky first character; take it off again.
    return unneutralised(text)
