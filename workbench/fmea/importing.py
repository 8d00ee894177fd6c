"""Bringing FMEA workbooks in: the analysis of ``workbench.fmea.workbook`` checked against the FMEA it goes into,
then stored in one transaction (the good rows, or none). Plain data in and out; the caller commits or rolls back.

The same steps serve the pages (through the queue), the ``import-fmea`` command and the API.
"""

import json
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from workbench import uploads
from workbench.extensions import db
from workbench.fmea import fields, services
from workbench.fmea.models import FmeaDocument
from workbench.fmea.workbook import analyse, plain
from workbench.fmea.workbook.rows import problem
from workbench.models import User
from workbench.teams.stages import ensure_editable
from workbench.uploads import staging
from workbench.validation import InvalidInput

COMBINE = ("one", "each")
# Title-block labels that fill the FMEA header; the others are shown in the preview and not stored.
HEADER_FROM_TITLE = {
    "title": "title", "company": "company", "location": "location", "customer": "customer", "program": "program",
    "responsible": "responsible", "start_date": "start_date",
}


def _json_safe(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(plain(value))


def read(data: bytes, filename: str, choices: dict | None = None) -> dict:
    """The workbook's analysis under the user's ``choices`` (``sheets``, ``overrides``, ``field_columns``, ``scales``),
    as JSON-safe data. ValueError names the file, sheet, column or field that is wrong."""
    choices = choices or {}
    result = analyse(
        data, filename, sheets=choices.get("sheets") or None, overrides=choices.get("overrides") or None,
        field_columns=choices.get("field_columns") or None, scales=choices.get("scales") or None,
    )
    _flag_kept_scales(result, choices.get("scales") or {})
    _keep_side_values(result)
    _check_cell_lengths(result)
    return json.loads(json.dumps(result, default=_json_safe, ensure_ascii=False))


# A value these fields cannot take (a date written "Q3 2026", a status of the company's own) does not cost the row
# its failure chain and ratings: the text is kept in the remarks and the problem becomes a warning.
SIDE_FIELDS = ("target_date", "completion_date", "action_status", "work_element_type", "special_characteristic", "filter_code")


def _keep_side_values(result: dict) -> None:
    for row in result["rows"]:
        moved = [e for e in row["errors"] if e["field"] in SIDE_FIELDS]
        for error in moved:
            row["errors"].remove(error)
            note = f"{error['label']}: {error['value']}"
            row["values"]["remarks"] = f"{row['values']['remarks']}\n{note}" if row["values"].get("remarks") else note
            error["level"] = "warning"
            error["message"] = _("%(message)s Kept in the remarks.", message=error["message"])
            row["warnings"].append(error)


def _check_cell_lengths(result: dict) -> None:
    """A cell longer than ``UPLOAD_MAX_CELL_CHARS`` makes its row bad, naming the column and the limit."""
    limit = int(uploads.setting("UPLOAD_MAX_CELL_CHARS"))
    letters = _letters(result)
    for row in result["rows"]:
        for name, value in list(row["values"].items()):
            if isinstance(value, str) and len(value) > limit:
                row["values"].pop(name)
                error = problem(row["sheet"], row["row"], letters.get((row["sheet"], name), ""), name, value[:40], _(
                    "the cell has %(count)s characters; the limit is %(limit)s (UPLOAD_MAX_CELL_CHARS).", count=len(value), limit=limit))
                row["errors"].append(error)
                result["problems"].append(error)


def analyse_staged(token: str, choices: dict) -> None:
    """Read a staged upload under ``choices`` and keep the outcome beside it (the queue's work):
    ``{"status": "done", "choices", "analysis"}`` or ``{"status": "failed", "choices", "message"}``."""
    staged = uploads.find(token, any_owner=True)
    if staged is None:  # discarded or cleaned before the worker came to it
        return
    try:
        outcome = {"status": "done", "choices": choices, "analysis": read(staged.path.read_bytes(), staged.filename, choices)}
    except ValueError as error:
        outcome = {"status": "failed", "choices": choices, "message": uploads.short(str(error))}
    except Exception:  # a damaged file must end in a message, never in a preview that waits for ever
        current_app.logger.exception("analysing staged FMEA workbook %s failed", token)
        outcome = {"status": "failed", "choices": choices, "message": _("“%(name)s” could not be read.", name=staged.filename)}
    staging.save_result(staged, outcome)


def wait_for(staged, choices: dict) -> None:
    """Mark the upload as being read again under new ``choices`` (the page waits until the task has stored them)."""
    staging.save_result(staged, {"status": "pending", "choices": choices})


def _flag_kept_scales(result: dict, wanted: dict) -> None:
    """A rating column the user chose to keep as 1-10 although it looked like another scale is flagged, never silent."""
    for sheet in result["sheets"]:
        chosen = {**wanted.get("*", {}), **wanted.get(sheet["name"], {})}
        for base, scale in sheet.get("scales", {}).items():
            if chosen.get(base) == "1-10" and scale.get("detected") not in (None, "1-10"):
                result["problems"].append(problem(sheet["name"], "", "", base, "", _(
                    "%(field)s kept as written although it looks like a %(scale)s scale: values are stored as 1-10 ratings.",
                    field=fields.label(base), scale=scale["detected"]), "warning"))


def blocking(result: dict) -> list[dict]:
    """Problems that stop the whole file (no sheet chosen, a sheet without FMEA columns), not one row's."""
    found = [p for p in result["problems"] if p["level"] == "error" and p["row"] == ""]
    if not any(s["selected"] for s in result["sheets"]):
        found.append(problem("", "", "", "", "", _("No FMEA sheet found or chosen: choose the sheets to import.")))
    return found


def _people() -> tuple[dict[str, int], dict[str, int]]:
    rows = db.session.execute(select(User.id, User.email, User.name).where(User.active.is_(True))).all()
    by_email = {str(email).lower(): uid for uid, email, _name in rows if email}
    by_name: dict[str, int] = {}
    for uid, _email, name in rows:
        key = " ".join(str(name or "").split()).casefold()
        if key:
            by_name[key] = -1 if key in by_name else uid  # two people of one name: not a match
    return by_email, by_name


def _letters(result: dict) -> dict[tuple[str, str], str]:
    return {(s["name"], m["field"]): m["letter"] for s in result["sheets"] for m in s.get("mapping", []) if m.get("field")}


def check_against(result: dict, project) -> None:
    """Check the rows against the FMEA they go into: responsible people (a user, on the project's team) and fishbone links.

    A name that is no user is kept in the remarks with a warning; a team rule broken is the row's error; a link to
    another project's fishbone cause is left out with a warning.
    """
    by_email, by_name = _people()
    letters = _letters(result)
    for row in result["rows"]:
        values, text = row["values"], str(row.get("responsible") or "").strip()
        column = letters.get((row["sheet"], "responsible_id"), "")
        if text:
            uid = by_email.get(text.lower()) or by_name.get(" ".join(text.split()).casefold())
            if uid is None and text.isdigit() and db.session.get(User, int(text)) is not None:
                uid = int(text)
            if uid and uid > 0:
                try:
                    services.check_responsible(project, uid)
                    values["responsible_id"] = uid
                except InvalidInput as error:
                    row["errors"].append(problem(row["sheet"], row["row"], column, "responsible_id", text, error.errors["responsible_id"]))
            else:
                note = _("Responsible: %(name)s", name=text)
                values["remarks"] = f"{values['remarks']}\n{note}" if values.get("remarks") else note
                row["warnings"].append(problem(row["sheet"], row["row"], column, "responsible_id", text, _(
                    "“%(name)s” is not a workbench user: kept in the remarks.", name=text), "warning"))
        cause = values.get("cause_id")
        if cause not in (None, ""):
            if project is None or not services.is_project_cause(project, int(cause)):
                values.pop("cause_id")
                row["warnings"].append(problem(row["sheet"], row["row"], letters.get((row["sheet"], "cause_id"), ""), "cause_id", cause, _(
                    "Fishbone cause %(id)s is not on this project's fishbone: the link is left out.", id=cause), "warning"))
    result["problems"] = [p for p in result["problems"] if p["row"] == ""] + [p for r in result["rows"] for p in r["errors"] + r["warnings"]]


def header_values(result: dict) -> dict:
    """The FMEA header fields the first chosen sheet's title block fills, and the title-block values not stored."""
    sheet = next((s for s in result["sheets"] if s["selected"] and s["kind"] == "fmea"), None)
    block = dict(sheet["title_block"]) if sheet else {}
    header = {HEADER_FROM_TITLE[k]: v for k, v in block.items() if k in HEADER_FROM_TITLE and len(str(v)) <= 200}
    if "start_date" in header:
        try:
            fields.parse_date(str(header["start_date"]), "start_date")
        except ValueError:
            header.pop("start_date")
    return {"fills": header, "not_stored": {k: v for k, v in block.items() if k not in HEADER_FROM_TITLE or HEADER_FROM_TITLE[k] not in header}}


def counts(result: dict) -> dict:
    """Good, bad and left-out rows, warnings and errors, for the preview and the command line."""
    bad = sum(1 for r in result["rows"] if r["errors"])
    return {
        "good": len(result["rows"]) - bad, "bad": bad, "left_out": len(result["left_out"]),
        "warnings": sum(1 for p in result["problems"] if p["level"] == "warning"),
        "errors": sum(1 for p in result["problems"] if p["level"] == "error"),
    }


def _name_the_sheets(result: dict, rows: list[dict]) -> None:
    """Several sheets in one FMEA: a row without a process item takes its sheet's (title-block title or name), so the
    products stay apart."""
    names = {s["name"]: str(s["title_block"].get("title") or s["name"]) for s in result["sheets"]}
    for row in rows:
        if not row["values"].get("process_item"):
            row["values"]["process_item"] = names[row["sheet"]]


def store(document: FmeaDocument, project, result: dict, skip_bad_rows: bool = False, combine: str = "one", fill_header: bool = True) -> dict:
    """Add the rows to ``document`` (``combine="each"``: every further sheet becomes a standalone FMEA of the same process).

    Refuses (InvalidInput, nothing written) when the file has blocking problems, when rows are bad and
    ``skip_bad_rows`` is not given, or when nothing is left to import. Frozen projects refuse (Frozen).
    Returns ``{"imported", "skipped": [{"sheet", "row", "reasons"}], "documents": [ids], "header": {...}}``.
    """
    ensure_editable(project)
    if combine not in COMBINE:
        raise InvalidInput({"combine": _("combine is “one” (one FMEA) or “each” (one FMEA per sheet).")})
    stopping = blocking(result)
    if stopping:
        raise InvalidInput({"file": "; ".join(p["message"] for p in stopping)})
    bad = [r for r in result["rows"] if r["errors"]]
    if bad and not skip_bad_rows:
        raise InvalidInput({"file": _(
            "%(n)s rows have problems: nothing was imported. Fix them, or import only the good rows.", n=len(bad))})
    good = [r for r in result["rows"] if not r["errors"]]
    if not good:
        raise InvalidInput({"file": _("No row to import: every row has a problem or was left out.")})
    sheets = [s["name"] for s in result["sheets"] if s["selected"] and s["kind"] == "fmea"]
    if combine == "each" and len(sheets) > 1 and project is not None:
        raise InvalidInput({"combine": _("A project has one FMEA: the sheets are imported into it together.")})
    header = header_values(result)
    if fill_header and header["fills"]:
        services.save_header(document, header["fills"])
    targets = {name: document for name in sheets}
    if combine == "one" and len(sheets) > 1:
        _name_the_sheets(result, good)
    created = []
    if combine == "each":
        for sheet in result["sheets"]:
            if sheet["name"] in sheets[1:]:
                title = str(sheet["title_block"].get("title") or sheet["name"])[:200]
                extra = FmeaDocument(project_id=None, process_owner_id=document.process_owner_id, kind=document.kind, title=title)
                db.session.add(extra)
                db.session.flush()
                targets[sheet["name"]] = extra
                created.append(extra.id)
    for name in sheets:
        items = [{k: v for k, v in r["values"].items()} for r in good if r["sheet"] == name]
        if items:
            try:
                services.add_rows(targets[name], project, items)
            except InvalidInput as error:  # checked above; a rule the preview did not know still stops everything
                raise InvalidInput({"file": _("Sheet “%(sheet)s”: %(message)s", sheet=name, message=str(error))}) from None
    skipped = [{"sheet": r["sheet"], "row": r["row"], "reasons": [e["message"] for e in r["errors"]]} for r in bad]
    skipped += [{"sheet": r["sheet"], "row": r["row"], "reasons": [r["reason"]]} for r in result["left_out"]]
    return {"imported": len(good), "skipped": skipped, "documents": [document.id, *created], "header": header["fills"] if fill_header else {}}
