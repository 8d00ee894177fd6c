"""Shipped defaults: expectation categories, the owner matrix, and per-industry phrase vocabularies.

The phrases are data, one YAML file per industry in ``vocabulary/`` (plus
``common.yaml``, loaded with any industry). An admin picks the industries;
their phrases are copied into the rules table, where every phrase can be
edited. Picking again adds what is missing and switches off shipped phrases of
industries no longer picked (or no longer shipped); phrases people added, and
shipped phrases a person changed or switched off, are never touched.
"""

from functools import cache
from pathlib import Path

import yaml
from flask_babel import gettext as _
from sqlalchemy import select

from workbench.complaint_import.models import ClassificationRule, ExpectationCategory, OwnerAssignment, VocabularyIndustry
from workbench.complaint_import.textnorm import normalise
from workbench.extensions import db
from workbench.models import ProcessOwner
from workbench.process_owners import ensure_default_process_owners
from workbench.validation import InvalidInput

VOCABULARY = Path(__file__).with_name("vocabulary")
COMMON = "common"
INDUSTRIES = ("retail", "food", "appliances", "banking", "telecom", "public")

DEFAULT_CATEGORIES = (
    ("product_quality", "Product quality", "کیفیت محصول"),
    ("delivery_speed", "Delivery speed", "سرعت تحویل"),
    ("price", "Price", "قیمت"),
    ("warranty", "Warranty", "گارانتی"),
    ("responsiveness", "Responsiveness / staff behaviour", "پاسخگویی و رفتار کارکنان"),
)
# Who owns an unmet expectation unless the organisation decides otherwise (the owner matrix).
DEFAULT_OWNERS = {
    "product_quality": "production",
    "delivery_speed": "service",
    "price": "sales",
    "warranty": "service",
    "responsiveness": "service",
}


@cache
def industry(key: str) -> dict:
    """One vocabulary file: ``{"key", "name_en", "name_fa", "categories": {cat: {lang: [...]}}, "owner_overrides"}``."""
    if key not in INDUSTRIES and key != COMMON:
        raise KeyError(key)
    with open(VOCABULARY / f"{key}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def industries() -> list[dict]:
    """Every shipped industry with its names, in display order."""
    return [industry(k) for k in INDUSTRIES]


def shipped_rules(keys) -> dict[tuple[str, str, str], tuple[str, float]]:
    """(target, key, phrase) → (industry, weight) for the chosen industries and the common vocabulary."""
    out: dict[tuple[str, str, str], tuple[str, float]] = {}
    for name in (COMMON, *[k for k in INDUSTRIES if k in set(keys)]):
        data = industry(name)
        sections = [("category", data.get("categories") or {}), ("owner", data.get("owner_overrides") or {})]
        for target, table in sections:
            for key, languages in table.items():
                for phrases in (languages or {}).values():
                    for phrase in phrases or ():
                        phrase = normalise(str(phrase))
                        if phrase:  # a longer phrase is more specific: one point per word, at most three
                            out.setdefault((target, key, phrase), (name, float(min(3, len(phrase.split())))))
    return out


def chosen_industries() -> list[str]:
    """The industries an admin picked (all of them until someone picks)."""
    rows = db.session.execute(select(VocabularyIndustry.key, VocabularyIndustry.active)).all()
    if not rows:
        return list(INDUSTRIES)
    picked = {k for k, active in rows if active}
    return [k for k in INDUSTRIES if k in picked]


def _identity(rule: ClassificationRule) -> tuple[str, str, str]:
    """The shipped phrase a row stands for (its phrase as shipped, though a person may have changed it since)."""
    return (rule.target, rule.key, rule.shipped_as or rule.phrase)


def _known(rules: list[ClassificationRule]) -> set[tuple[str, str, str]]:
    """Every phrase the table holds, shipped or a person's, as shipped and as it reads now."""
    return {_identity(r) for r in rules} | {(r.target, r.key, r.phrase) for r in rules}


def shipped_changes(keys=None) -> dict[str, int]:
    """How the shipped phrases of the picked industries differ from the table (after an upgrade of workbench):
    ``missing`` shipped phrases the table does not hold, ``retired`` rows no longer shipped that still classify.
    Rows a person changed or switched off (``held``) and a person's own phrases are not counted."""
    wanted = shipped_rules(chosen_industries() if keys is None else keys)
    rules = list(db.session.scalars(select(ClassificationRule)))
    known = _known(rules)
    return {
        "missing": sum(1 for w in wanted if w not in known),
        "retired": sum(1 for r in rules if r.industry and not r.held and r.active and _identity(r) not in wanted),
    }


def choose_industries(keys) -> dict[str, int]:
    """Pick the industries whose phrases classify complaints; returns how many phrases were added and switched off.

    Picking the same industries again brings the shipped phrases up to date (after an upgrade). A shipped
    phrase a person changed or switched off (``held``) is left as it is, and never added back."""
    keys = [k.strip() for k in keys if k and k.strip()]
    unknown = [k for k in keys if k not in INDUSTRIES]
    if unknown or not keys:
        raise InvalidInput({"industries": _("Pick one or more of %(values)s.", values=", ".join(INDUSTRIES))})
    existing = {r.key: r for r in db.session.scalars(select(VocabularyIndustry))}
    for key in INDUSTRIES:
        row = existing.get(key) or VocabularyIndustry(key=key, active=False)
        if row.active != (key in keys) or row.id is None:
            row.active = key in keys
            db.session.add(row)
    wanted = shipped_rules(keys)
    rules = list(db.session.scalars(select(ClassificationRule)))
    added = switched_off = 0
    for rule in rules:
        if not rule.industry or rule.held:
            continue
        shipped = _identity(rule) in wanted
        if not shipped and rule.active:
            rule.active = False
            switched_off += 1
        elif shipped and not rule.active:
            rule.active = True
    known = _known(rules)
    for (target, key, phrase), (name, weight) in wanted.items():
        if (target, key, phrase) not in known:
            db.session.add(ClassificationRule(target=target, key=key, phrase=phrase, weight=weight, industry=name, shipped_as=phrase))
            added += 1
    db.session.flush()
    return {"added": added, "switched_off": switched_off}


def ensure_defaults() -> None:
    """Create the default categories, owner matrix and phrases where none exist yet (never overwrites edits)."""
    ensure_default_process_owners()
    existing = set(db.session.scalars(select(ExpectationCategory.key)))
    for order, (key, en, fa) in enumerate(DEFAULT_CATEGORIES):
        if key not in existing:
            db.session.add(ExpectationCategory(key=key, name_en=en, name_fa=fa, sort_order=order))
    if db.session.scalar(select(OwnerAssignment.id).limit(1)) is None:
        db.session.flush()
        owner_ids = dict(db.session.execute(select(ProcessOwner.key, ProcessOwner.id)).all())
        for category, owner in DEFAULT_OWNERS.items():
            db.session.add(OwnerAssignment(category=category, product="", channel="", process_owner_id=owner_ids[owner]))
    if db.session.scalar(select(VocabularyIndustry.id).limit(1)) is None:
        choose_industries(INDUSTRIES)
    db.session.flush()
