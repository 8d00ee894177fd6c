"""Complaints and shipped phrases stored before hamza words were normalised one way are brought to the new form,
so a complaint imported earlier still finds the phrase «مسئول» however either of them spelled it."""

import importlib.util
from pathlib import Path

import sqlalchemy as sa

from workbench.complaint_import.textnorm import normalise

PATH = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0020_hamza_text_norm.py"
SPEC = importlib.util.spec_from_file_location("hamza_migration", PATH)
migration = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(migration)


def test_old_normalise_is_the_form_stored_before():
    assert migration.old_normalise("مسئول مسؤول مسول اجزاء") == "مسیول مسوول مسول اجزاء"
    assert normalise("مسئول مسؤول مسول اجزاء") == "مسول مسول مسول اجزا"


def test_stored_texts_and_shipped_phrases_take_the_new_form():
    engine = sa.create_engine("sqlite://")
    with engine.begin() as bind:
        bind.exec_driver_sql("CREATE TABLE complaints (id INTEGER PRIMARY KEY, text TEXT, text_norm TEXT)")
        bind.exec_driver_sql(
            "CREATE TABLE classification_rules (id INTEGER PRIMARY KEY, target TEXT, key TEXT, phrase TEXT, industry TEXT, active BOOLEAN)"
        )
        texts = [
            ("مسئول فروشگاه جواب نداد", None),  # a hamza word
            ("مسؤول فروشگاه جواب نداد", "Communication tactics"),  # and an issue the export picked, read after it
            ("پاسخ نمیدن", None),  # no hamza: left alone
            ("مسئول", "x"),  # a stored form made by something else: left alone
        ]
        for i, (text, issue) in enumerate(texts, 1):
            stored = migration.old_normalise(text + ("\n" + issue if issue else "")) if i != 4 else "something else"
            bind.execute(sa.text("INSERT INTO complaints VALUES (:i, :t, :n)"), {"i": i, "t": text, "n": stored})
        old = migration.old_normalise("مسئول")
        bind.execute(sa.text("INSERT INTO classification_rules VALUES (1, 'category', 'responsiveness', :p, 'common', 1)"), {"p": old})
        bind.execute(sa.text("INSERT INTO classification_rules VALUES (2, 'category', 'price', :p, NULL, 1)"), {"p": old})  # a user's
        migration._complaints(bind)
        migration._rules(bind)
        stored = dict(bind.exec_driver_sql("SELECT id, text_norm FROM complaints").all())
        rules = dict(bind.exec_driver_sql("SELECT id, phrase FROM classification_rules").all())
    assert stored == {1: "مسول فروشگاه جواب نداد", 2: "مسول فروشگاه جواب نداد communication tactics", 3: "پاسخ نمیدن", 4: "something else"}
    assert rules == {1: "مسول", 2: old}
