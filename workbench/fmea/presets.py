"""Saved column mappings of the FMEA import: keyed by column title, so one preset fits every workbook of the same form."""

from flask_babel import gettext as _
from sqlalchemy import select

from workbench.extensions import db
from workbench.fmea.models import FmeaImportPreset
from workbench.fmea.workbook import ratings
from workbench.fmea.workbook import vocabulary as vocab
from workbench.validation import InvalidInput


def presets() -> list[FmeaImportPreset]:
    """Every saved mapping, by name."""
    return list(db.session.scalars(select(FmeaImportPreset).order_by(FmeaImportPreset.name)))


def get(preset_id) -> FmeaImportPreset | None:
    try:
        return db.session.get(FmeaImportPreset, int(preset_id))
    except (TypeError, ValueError):
        return None


def save(name: str, analysis: dict, user_id: int | None) -> FmeaImportPreset:
    """Save the mapping and scales of the chosen sheets of ``analysis`` under ``name`` (replacing a preset of that name)."""
    name = " ".join(str(name or "").split())
    if not name:
        raise InvalidInput({"preset_name": _("Give the mapping a name.")})
    if len(name) > 80:
        raise InvalidInput({"preset_name": _("At most 80 characters.")})
    mapping, scales = {}, {}
    for sheet in analysis["sheets"]:
        if not sheet["selected"] or sheet["kind"] != "fmea":
            continue
        for column in sheet["mapping"]:
            title = vocab.norm(column["title"])
            if title:
                mapping.setdefault(title, column["field"] or "")
        for base, scale in sheet.get("scales", {}).items():
            spec = scale["name"] if scale["name"] != "custom" else ", ".join(f"{k}:{v}" for k, v in scale["mapping"].items())
            scales.setdefault(base, spec)
    if not mapping:
        raise InvalidInput({"preset_name": _("No FMEA sheet is chosen: there is no mapping to save.")})
    preset = db.session.scalar(select(FmeaImportPreset).where(FmeaImportPreset.name == name))
    if preset is None:
        preset = FmeaImportPreset(name=name, created_by_id=user_id)
        db.session.add(preset)
    preset.mapping, preset.scales = mapping, scales
    db.session.flush()
    return preset


def apply(preset: FmeaImportPreset, analysis: dict) -> dict:
    """Choices (``overrides``, ``scales``) that put ``preset`` on the chosen sheets of ``analysis``, matched by column title."""
    overrides, scales = {}, {}
    known = set(vocab.MAPPABLE)
    for sheet in analysis["sheets"]:
        if not sheet["selected"] or sheet["kind"] != "fmea":
            continue
        wanted = {}
        for column in sheet["mapping"]:
            field = preset.mapping.get(vocab.norm(column["title"]))
            if field is not None and (field == "" or field in known):
                wanted[column["letter"]] = field
        overrides[sheet["name"]] = wanted
        scales[sheet["name"]] = {b: s for b, s in (preset.scales or {}).items() if b in vocab.RATINGS and _valid_scale(s)}
    return {"overrides": overrides, "scales": scales}


def _valid_scale(spec: str) -> bool:
    if spec in ratings.choices():
        return True
    try:
        ratings.parse_custom(spec)
    except ValueError:
        return False
    return True
