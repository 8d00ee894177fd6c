"""Persian and English complaints about the same problem share a theme; unrelated problems stay apart.

The paired set (``bench/data/paired/paired_complaints.csv``: 15 problems in five industries, four
Persian and four English complaints each, written apart from ``vocabulary/concepts.yaml``) is what
``bench/themes_bench.py`` scores too; the rates asserted here are well under what it measures
(about 80% across languages, 2% of unrelated pairs merged) so that a change of clustering detail
does not fail them, while themes of text features alone (0% across languages) would.
"""

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select

from workbench.complaint_import import theme_builder, themes
from workbench.complaint_import.models import Complaint, Theme
from workbench.complaint_import.textnorm import normalise

PAIRED = Path(__file__).resolve().parents[2] / "bench" / "data" / "paired" / "paired_complaints.csv"
DECORATIONS = {  # an export repeats a problem: the same complaint with an order number or a greeting
    "en": ("{t}", "Order {n}: {t}", "Hi, {t}", "{t} (ref {n})"),
    "fa": ("{t}", "سفارش {n}: {t}", "سلام {t}", "{t} (کد پیگیری {n})"),
}


def _store(db, rows):
    db.session.execute(insert(Complaint), [
        {"source": "paired", "external_id": str(i), "received_at": date(2026, 1, 1), "text": r["text"], "text_norm": normalise(r["text"])}
        for i, r in enumerate(rows)
    ])
    db.session.commit()


def _paired_rows():
    with open(PAIRED, encoding="utf-8", newline="") as handle:
        base = list(csv.DictReader(handle))
    return [{"problem": r["problem"], "language": r["language"], "text": d.format(t=r["text"], n=7100 + 13 * i + j)}
            for i, r in enumerate(base) for j, d in enumerate(DECORATIONS[r["language"]])]


def _themes_of(db, rows):
    found = dict(db.session.execute(select(Complaint.external_id, Complaint.theme_id)).all())
    return [found[str(i)] for i in range(len(rows))]


def _pair_rates(rows, theme_of):
    """(share of same-problem Persian–English pairs in one theme, share of different-problem pairs in one theme)."""
    cross, unrelated = [0, 0], [0, 0]
    for i, a in enumerate(rows):
        for j in range(i + 1, len(rows)):
            b = rows[j]
            bucket = unrelated if a["problem"] != b["problem"] else cross if a["language"] != b["language"] else None
            if bucket is not None:
                bucket[0] += theme_of[i] is not None and theme_of[i] == theme_of[j]
                bucket[1] += 1
    return cross[0] / cross[1], unrelated[0] / unrelated[1]


def test_paired_persian_and_english_complaints_share_a_theme_and_unrelated_problems_do_not(db):
    rows = _paired_rows()
    _store(db, rows)
    assert themes.rebuild() >= 10
    db.session.commit()
    theme_of = _themes_of(db, rows)
    cross, unrelated = _pair_rates(rows, theme_of)
    assert cross >= 0.6, f"only {cross:.0%} of Persian–English pairs about one problem share a theme"
    assert unrelated <= 0.05, f"{unrelated:.1%} of pairs about different problems share a theme"
    # Most problems have a theme holding both languages: the theme most of its Persian complaints are in
    # also holds most of its English ones.
    together = 0
    for problem in {r["problem"] for r in rows}:
        by_language = {}
        for row, theme in zip(rows, theme_of, strict=True):
            if row["problem"] == problem:
                by_language.setdefault(row["language"], []).append(theme)
        main = {lang: max(set(ts), key=ts.count) for lang, ts in by_language.items()}
        together += main["fa"] == main["en"] is not None
    assert together >= 11, f"only {together} of 15 problems have one theme for both languages"


def test_text_features_alone_keep_the_languages_apart(db):
    """What the concepts change: the same build without them puts no Persian–English pair together."""
    rows = _paired_rows()
    _store(db, rows)
    theme_builder.build(concept_weight=0)
    db.session.commit()
    cross, _ = _pair_rates(rows, _themes_of(db, rows))
    assert cross <= 0.1


def test_a_theme_of_both_languages_is_named_in_the_readers_language_with_its_language_mix(db, client, login, make_user):
    persian = [f"غذام کاملا سرد و یخ کرده رسید سفارش {n}" for n in range(20)]
    english = [f"my food arrived cold again, order {n}" for n in range(20)]
    other = [f"the washing machine leaks water on the floor, unit {n}" for n in range(20)]
    _store(db, [{"text": t} for t in persian + english + other])
    themes.rebuild()
    db.session.commit()
    theme = db.session.get(Theme, _themes_of(db, persian + english + other)[0])
    assert theme.size == 40 and theme.mix["languages"] == {"fa": 20, "en": 20}
    assert theme.name_in("fa") in persian and theme.name_in("en") in english
    typical = themes.examples(theme)
    assert len(typical) == 3 and any(t in persian for t in typical) and any(t in english for t in typical)
    login(make_user(role="quality_manager"))
    page_fa = client.get("/complaints/themes?lang=fa").get_data(as_text=True)
    assert f"<h3 dir=\"auto\">{theme.name_in('fa')}</h3>" in page_fa
    assert "زبان‌ها" in page_fa and "فارسی ۵۰٪" in page_fa and "انگلیسی ۵۰٪" in page_fa
    page_en = client.get("/complaints/themes?lang=en").get_data(as_text=True)
    assert f"<h3 dir=\"auto\">{theme.name_in('en')}</h3>" in page_en
    assert "Languages:" in page_en and "Persian 50%" in page_en and "English 50%" in page_en
