"""Understanding FMEA workbooks as people keep them: every sheet, multi-row headers, many column vocabularies,
other rating scales, footers and merged cells. Pure: bytes and options in, plain data out (no database, no request).

``analyse`` answers::

    {"filename", "sheets": [sheet info...], "rows": [row...], "problems": [...], "left_out": [...]}

A row is ``{"sheet", "row", "values", "responsible", "errors", "warnings", "title_block"}``; rows with
``errors`` are the bad rows (imported only when fixed), every row not read is in ``left_out`` with its reason.
"""

from itertools import islice

from flask_babel import gettext as _

from workbench.fmea import fields
from workbench.fmea.workbook import ratings
from workbench.fmea.workbook import vocabulary as vocab
from workbench.fmea.workbook.layout import Layout, find_layout
from workbench.fmea.workbook.reading import Sheet, is_supported, plain, read_book
from workbench.fmea.workbook.rows import is_footer, problem, read_rows
from workbench.fmea.workbook.titleblock import read_title_block

__all__ = ["analyse", "field_choices", "is_supported", "plain"]

SAMPLE_ROWS = 3
SAMPLE_SCAN = 200  # rows looked at for a column's first values


def field_choices() -> list[tuple[str, str]]:
    """Every field a column can be mapped to, with its label (the sheet's own RPN/AP are compared, not stored)."""
    return [(name, fields.label(name)) for name in vocab.MAPPABLE if name != "position"]


def _resolve_column(layout: Layout, ref: str) -> int | None:
    ref = str(ref).strip()
    for column in layout.columns:
        if column.letter == ref.upper():
            return column.index
    wanted = vocab.norm(ref)
    for column in layout.columns:
        if wanted and (wanted == vocab.norm(column.title) or wanted in (vocab.norm(p) for p in column.parts)):
            return column.index
    return None


def _mapping(sheet: Sheet, layout: Layout, overrides: dict | None, field_columns: dict | None, problems: list) -> dict[int, str]:
    mapping = {c.index: c.field for c in layout.columns if c.field}
    for letter, name in (overrides or {}).items():
        index = _resolve_column(layout, letter)
        if index is None:
            raise ValueError(_("Sheet “%(sheet)s” has no column “%(column)s”.", sheet=sheet.name, column=letter))
        if name and name not in vocab.MAPPABLE:
            raise ValueError(_("Unknown field “%(field)s”.", field=name))
        mapping.pop(index, None)
        if name:
            mapping[index] = name
    for name, ref in (field_columns or {}).items():
        if name not in vocab.MAPPABLE:
            raise ValueError(_("Unknown field “%(field)s”.", field=name))
        index = _resolve_column(layout, ref)
        if index is None:
            raise ValueError(_("Sheet “%(sheet)s” has no column “%(column)s”.", sheet=sheet.name, column=ref))
        mapping = {c: f for c, f in mapping.items() if f != name}
        mapping[index] = name
    first: dict[str, int] = {}
    for index in sorted(mapping):
        name = mapping[index]
        if name in first and name not in vocab.TEXT_JOINED:
            letters = [c.letter for c in layout.columns if c.index in (first[name], index)]
            problems.append(problem(sheet.name, "", letters[-1], name, "", _(
                "%(field)s is mapped to columns %(first)s and %(second)s: only %(first)s is read.",
                field=fields.label(name), first=letters[0], second=letters[-1]), "warning"))
            del mapping[index]
        first.setdefault(name, index)
    return mapping


def _scales(sheet: Sheet, layout: Layout, mapping: dict, wanted: dict, key_tops: dict, problems: list) -> dict[str, dict]:
    found = {}
    for base in vocab.RATINGS:
        columns = [c for c, f in mapping.items() if f.removeprefix("revised_") == base]
        if not columns:
            continue
        values = [sheet.grid[r][c] for c in columns for r in range(layout.data_start, len(sheet.grid)) if sheet.own(r, c)]
        spec = wanted.get(base)
        title = " ".join(next(col.title for col in layout.columns if col.index == c) for c in columns)
        if spec:
            try:
                scale = ratings.named(spec) if spec in ratings.choices() else ratings.parse_custom(spec)
            except ValueError as error:
                raise ValueError(_("Scale for %(field)s: %(message)s", field=fields.label(base), message=error)) from None
            scale["why"] = _("chosen")
            scale["detected"] = ratings.detect(values, title, key_tops.get(base))["name"]
        else:
            scale = ratings.detect(values, title, key_tops.get(base))
            scale["detected"] = scale["name"]
            note = ratings.small_values_note(values) if scale["name"] == "1-10" and not layout.own_export else ""
            if note:
                scale["note"] = note
                problems.append(problem(sheet.name, "", "", base, "", note, "warning"))
        found[base] = scale
    return found


def _sheet_info(sheet: Sheet, layout: Layout) -> dict:
    rows, width = sheet.size
    info = {
        "name": sheet.name, "index": sheet.index, "kind": layout.kind, "rows": rows, "columns": width, "truncated": sheet.truncated,
        "header_rows": [layout.header_rows[0] + 1, layout.header_rows[1] + 1] if layout.header_rows else None,
        "data_start": layout.data_start + 1 if layout.header_rows else None, "own_export": layout.own_export,
        "key_scales": layout.key_scales, "selected": False, "mapping": [], "ignored": [], "scales": {}, "title_block": {},
    }
    end = min(len(sheet.grid), layout.data_start + SAMPLE_SCAN)
    end = next((r for r in range(layout.data_start, end) if is_footer(sheet, r, [])), end)  # a signature line is no sample
    for column in layout.columns:
        found = (plain(sheet.grid[r][column.index]) for r in range(layout.data_start, end) if sheet.own(r, column.index))
        samples = list(islice(found, SAMPLE_ROWS))  # the first few are shown; reading on is wasted time on big sheets
        if not column.parts and not samples and not any(sheet.own(r, column.index) and not is_footer(sheet, r, []) for r in range(end, rows)):
            continue  # an untitled column with nothing in it
        info["mapping"].append({
            "index": column.index, "letter": column.letter, "title": column.title, "field": column.field, "how": column.how,
            "score": round(column.score), "note": column.note, "samples": samples[:SAMPLE_ROWS],
        })
    return info


def analyse(
    data: bytes, filename: str, sheets: list[str] | None = None, overrides: dict | None = None,
    field_columns: dict | None = None, scales: dict | None = None,
) -> dict:
    """Read every sheet, map the chosen ones (default: every FMEA-looking sheet) and check their rows.

    ``overrides``: ``{sheet: {column letter: field or ""}}`` from the mapping step; ``field_columns``:
    ``{field: column letter or title}`` for every chosen sheet (the command line's ``--map``); ``scales``:
    ``{sheet or "*": {"severity": "1-6" | "A:10,B:7" ...}}``. ValueError names a file, sheet, column or field that is wrong.
    """
    book = read_book(data, filename)
    names = [s.name for s in book]
    for wanted in sheets or []:
        if wanted not in names:
            raise ValueError(_("No sheet “%(sheet)s”; the sheets are: %(names)s.", sheet=wanted, names=", ".join(names)))
    layouts = [find_layout(s) for s in book]
    key_tops: dict[str, int] = {}
    for layout in layouts:
        for base, top in layout.key_scales.items():
            key_tops.setdefault(base, top)
    result = {"filename": filename, "sheets": [], "rows": [], "problems": [], "left_out": []}
    for sheet, layout in zip(book, layouts, strict=True):
        info = _sheet_info(sheet, layout)
        result["sheets"].append(info)
        chosen = sheet.name in sheets if sheets else layout.kind == "fmea"
        if not chosen:
            continue
        info["selected"] = True
        if layout.kind != "fmea":
            result["problems"].append(problem(sheet.name, "", "", "", "", _(
                "No FMEA column titles found on sheet “%(sheet)s” (it looks like: %(kind)s).", sheet=sheet.name, kind=kind_label(layout.kind))))
            continue
        if sheet.truncated:
            result["problems"].append(problem(sheet.name, "", "", "", "", _(
                "Sheet “%(sheet)s” is larger than %(rows)s rows or %(columns)s columns: split it.",
                sheet=sheet.name, rows=f"{len(sheet.grid):,}", columns=len(sheet.grid[0]) if sheet.grid else 0)))
            continue
        mapping = _mapping(sheet, layout, (overrides or {}).get(sheet.name), field_columns, result["problems"])
        info["mapping"] = [{**m, "field": mapping.get(m["index"])} for m in info["mapping"]]
        info["ignored"] = [m["letter"] for m in info["mapping"] if not m["field"]]
        wanted = {**(scales or {}).get("*", {}), **(scales or {}).get(sheet.name, {})}
        info["scales"] = _scales(sheet, layout, mapping, wanted, key_tops, result["problems"])
        info["title_block"] = read_title_block(sheet, layout.header_rows[0])
        titles = {vocab.norm(c.parts[-1]) for c in layout.columns if c.parts}
        found = read_rows(sheet, layout.data_start, mapping, info["scales"], titles, own_export=layout.own_export)
        if not any(f in vocab.CORE_FIELDS for f in mapping.values()):
            result["problems"].append(problem(sheet.name, "", "", "", "", _(
                "Sheet “%(sheet)s”: no column is mapped to a failure mode, cause or effect.", sheet=sheet.name)))
        result["rows"].extend(found["rows"])
        result["problems"].extend(found["problems"])
        result["left_out"].extend(found["left_out"])
        info["counts"] = {
            "rows": len(found["rows"]), "bad": sum(1 for r in found["rows"] if r["errors"]), "left_out": len(found["left_out"]),
            "empty": sum(1 for r in found["left_out"] if r.get("empty")),
        }
    return result


def kind_label(kind: str) -> str:
    """What a sheet looks like, in words."""
    return {
        "fmea": _("FMEA table"), "rating_key": _("rating key"), "empty": _("empty"), "other": _("other (no FMEA columns)"),
    }[kind]


def blocking(result: dict) -> list[dict]:
    """Problems that stop the whole file (no sheet, no usable columns), as opposed to one row's problems."""
    return [p for p in result["problems"] if p["level"] == "error" and p["row"] == ""]
