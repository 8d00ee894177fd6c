"""Rules suggested from the organisation's own complaints, for a quality manager to accept or dismiss.

On an even sample (by id) of up to ``SAMPLE`` complaints, words and word pairs
(English words compared by their stems) are counted per category among the
complaints that have one (confirmed or found by the rules). A phrase marks a
category when its weighted log-odds ratio against the other categories, with
an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008), has a z-score
of at least ``MIN_Z``. Frequent phrases of the Unclassified complaints are
offered too, with the category they lean to, if any. Each suggestion carries
the coverage it would add: the Unclassified complaints that contain it (scaled
from the sample to all), and its precision among the labelled ones. Phrases the
rules already know, and suggestions dismissed before, are not offered again.
"""

import math
from collections import Counter

from sqlalchemy import delete, func, select

from workbench.complaint_import.classify import Rules
from workbench.complaint_import.matching import split_words
from workbench.complaint_import.models import Complaint, RuleSuggestion
from workbench.complaint_import.reasons import _ENGLISH_WORDS, _PERSIAN_WORDS
from workbench.complaint_import.textmodel import _word_features
from workbench.extensions import db

SAMPLE = 50_000
MIN_Z = 3.0
MIN_DOCS = 5
PER_CATEGORY = 5
UNCLASSIFIED_PHRASES = 10
_STOP = _ENGLISH_WORDS | _PERSIAN_WORDS


def _phrases(text_norm: str) -> dict[str, str]:
    """Stemmed key → surface phrase, for each word and neighbouring word pair (pairs not starting or ending in a common word)."""
    words = [w for w in split_words(text_norm) if not w.isdigit()]
    keys = [_word_features(w)[0] for w in words]
    out = {}
    for i, (word, key) in enumerate(zip(words, keys, strict=True)):
        if word not in _STOP and len(word) > 2:
            out.setdefault(key, word)
        if i + 1 < len(words) and word not in _STOP and words[i + 1] not in _STOP:
            out.setdefault(f"{key} {keys[i + 1]}", f"{word} {words[i + 1]}")
    return out


def _sample():
    count = db.session.scalar(select(func.count()).select_from(Complaint)) or 0
    step = max(1, math.ceil(count / SAMPLE))
    stmt = select(Complaint.text_norm, Complaint.category)
    if step > 1:
        stmt = stmt.where(Complaint.id % step == 0)
    return count, list(db.session.execute(stmt.order_by(Complaint.id).limit(SAMPLE)))


def _z_scores(in_class: Counter, rest: Counter, n_class: int, n_rest: int, prior: Counter, n_prior: int, alpha: float = 10.0):
    """Weighted log-odds z-score of each phrase, class against the rest, with an informative Dirichlet prior."""
    a0 = alpha
    for key, y_c in in_class.items():
        a = alpha * prior[key] / n_prior
        y_r = rest.get(key, 0)
        delta = math.log((y_c + a) / (n_class + a0 - y_c - a)) - math.log((y_r + a) / (n_rest + a0 - y_r - a))
        yield key, delta / math.sqrt(1.0 / (y_c + a) + 1.0 / (y_r + a))


def suggest() -> int:
    """Replace the open suggestions with fresh ones from the data; returns how many are open."""
    total, rows = _sample()
    if not rows:
        return 0
    scale = total / len(rows)
    rules = Rules.from_db()
    known = {phrase for phrase, in db.session.execute(select(RuleSuggestion.phrase).where(RuleSuggestion.status != "open"))}
    per_class: dict[str, Counter] = {}
    labelled, unclassified, every = Counter(), Counter(), Counter()
    surface: dict[str, Counter] = {}
    n_class: Counter = Counter()
    n_unclassified = 0
    for text, category in rows:
        found = _phrases(text or "")
        for key, word in found.items():
            surface.setdefault(key, Counter())[word] += 1
        every.update(found.keys())
        if category is None:
            unclassified.update(found.keys())
            n_unclassified += 1
        else:
            per_class.setdefault(category, Counter()).update(found.keys())
            labelled.update(found.keys())
            n_class[category] += 1
    n_labelled = sum(n_class.values())

    def fresh(key: str) -> str | None:
        phrase = surface[key].most_common(1)[0][0]
        if phrase in known or rules.scores(phrase)["category"]:
            return None  # dismissed or accepted before, or already a rule
        return phrase

    made = []
    for category, counts in per_class.items():
        rest = labelled - counts
        scored = sorted(_z_scores(counts, rest, n_class[category], n_labelled - n_class[category], every, len(rows)), key=lambda kv: -kv[1])
        picked = 0
        for key, z in scored:
            if z < MIN_Z or picked >= PER_CATEGORY:
                break
            if counts[key] < MIN_DOCS or not unclassified.get(key):
                continue
            phrase = fresh(key)
            if phrase is None:
                continue
            made.append(RuleSuggestion(key=category, phrase=phrase, kind="marks_category", coverage=round(unclassified[key] * scale),
                                       precision=round(counts[key] / labelled[key], 3), labelled=round(labelled[key] * scale), score=round(z, 2)))
            picked += 1
    picked = 0
    for key, n in unclassified.most_common():
        if picked >= UNCLASSIFIED_PHRASES or n < MIN_DOCS:
            break
        phrase = fresh(key)
        if phrase is None or any(s.phrase == phrase for s in made):
            continue
        leaning = max(per_class, key=lambda c: per_class[c][key], default=None) if labelled.get(key) else None
        made.append(RuleSuggestion(key=leaning, phrase=phrase, kind="frequent_unclassified", coverage=round(n * scale),
                                   precision=round(per_class[leaning][key] / labelled[key], 3) if leaning else None,
                                   labelled=round(labelled.get(key, 0) * scale), score=None))
        picked += 1
    db.session.execute(delete(RuleSuggestion).where(RuleSuggestion.status == "open"))
    db.session.add_all(made)
    db.session.flush()
    return len(made)


def open_suggestions() -> list[RuleSuggestion]:
    return list(db.session.scalars(select(RuleSuggestion).where(RuleSuggestion.status == "open").order_by(RuleSuggestion.kind, RuleSuggestion.coverage.desc())))
