"""hamza words normalised one way: stored normalised complaint texts and shipped rule phrases follow

``textnorm.normalise`` now writes a hamza seat before «و» as nothing («مسئول», «مسؤول» and «مسول» are all
«مسول»; before, «مسیول», «مسوول», «مسول») and drops a hamza on the line («اجزاء» is «اجزا»). Phrases and texts
must be normalised alike, so the complaints already imported (``text_norm``, read again by retraining,
self-training and search) and the shipped phrases already copied into the rules table are brought to the new
form. Only rows whose original text holds a hamza letter are touched. A phrase a user typed is stored
normalised, so its hamza is not known any more: such phrases are left as they are (edit them to fix).

Revision ID: 0020_hamza_text_norm
Revises: 0019_teams_followed_theme_index
Create Date: 2026-12-03 13:30:00

"""
from pathlib import Path

import sqlalchemy as sa
import yaml
from alembic import op

from workbench.complaint_import.textnorm import normalise

# revision identifiers, used by Alembic.
revision = '0020_hamza_text_norm'
down_revision = '0019_teams_followed_theme_index'
branch_labels = None
depends_on = None

HAMZA = ("ئ", "ؤ", "أ", "ء")
_HOLD = "\ue000"  # a private-use character normalise leaves alone: holds «ء» where the old normalise kept it
CHUNK = 2000
VOCABULARY = Path(__file__).resolve().parents[2] / "workbench" / "complaint_import" / "vocabulary"


def old_normalise(text: str) -> str:
    """``normalise`` as it was before this revision."""
    text = text.replace("ئو", "یو").replace("ؤو", "وو").replace("أو", "او").replace("ء", _HOLD)
    return normalise(text).replace(_HOLD, "ء")


def renormalised(text: str, stored: str | None) -> str | None:
    """The new normalised form of a stored ``text_norm`` made from ``text`` (and, after it, an issue the export picked)."""
    if not stored:
        return None
    before = old_normalise(text)
    if not stored.startswith(before):
        return None
    new = normalise(text) + stored[len(before):]
    return new if new != stored else None


def _complaints(bind) -> None:
    complaints = sa.table("complaints", sa.column("id"), sa.column("text"), sa.column("text_norm"))
    has_hamza = sa.or_(*(complaints.c.text.contains(letter) for letter in HAMZA))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(complaints.c.id, complaints.c.text, complaints.c.text_norm)
            .where(complaints.c.id > last, has_hamza)
            .order_by(complaints.c.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        changes = [{"row_id": r.id, "norm": n} for r in rows if r.text and (n := renormalised(r.text, r.text_norm))]
        if changes:
            bind.execute(complaints.update().where(complaints.c.id == sa.bindparam("row_id")).values(text_norm=sa.bindparam("norm")), changes)


def _shipped_phrases() -> dict[str, str]:
    """Old normalised form -> new one, for every shipped phrase whose form changes."""
    out = {}
    for path in sorted(VOCABULARY.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for section in ("categories", "owner_overrides"):
            for languages in (data.get(section) or {}).values():
                for phrases in (languages or {}).values():
                    for phrase in phrases or ():
                        old, new = old_normalise(str(phrase)), normalise(str(phrase))
                        if old != new:
                            out[old] = new
    return out


def _rules(bind) -> None:
    changed = _shipped_phrases()
    if not changed:
        return
    rules = sa.table(
        "classification_rules", sa.column("id"), sa.column("target"), sa.column("key"), sa.column("phrase"), sa.column("industry"), sa.column("active")
    )
    rows = bind.execute(sa.select(rules.c.id, rules.c.target, rules.c.key, rules.c.phrase).where(rules.c.industry.is_not(None), rules.c.phrase.in_(list(changed)))).all()
    for row in rows:
        new = changed[row.phrase]
        taken = bind.execute(sa.select(rules.c.id).where(rules.c.target == row.target, rules.c.key == row.key, rules.c.phrase == new)).first()
        if taken is None:
            bind.execute(rules.update().where(rules.c.id == row.id).values(phrase=new))
        else:  # the new spelling is there already: the old one can never match again
            bind.execute(rules.update().where(rules.c.id == row.id).values(active=False))


def upgrade():
    bind = op.get_bind()
    _complaints(bind)
    _rules(bind)


def downgrade():
    pass  # nothing to undo: the rows stay in the new form, which the old code reads as a spelling of its own
