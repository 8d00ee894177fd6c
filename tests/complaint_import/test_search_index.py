"""The complaint picker's search, served by an index (SQLite FTS5, PostgreSQL trigram): Persian words
and half-spaces found, the index in step with every write, imports and their roll-back."""

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, insert, select, text

from workbench.complaint_import import importer, search_index, text_search
from workbench.complaint_import.models import Complaint
from workbench.complaint_import.textnorm import normalise

DAY = date(2026, 3, 1)


def _add(db, external_id: str, words: str, day: date = DAY) -> Complaint:
    complaint = Complaint(source="crm", external_id=external_id, received_at=day, text=words, text_norm=normalise(words),
                          content_hash=external_id)
    db.session.add(complaint)
    db.session.commit()
    return complaint


def _numbers(query: str) -> list[str]:
    return [label.split(" · ")[0] for _id, label in text_search.search(query)]


def _index_is_whole(db) -> None:
    """SQLite: the FTS5 index holds exactly the complaints' current words (no-op on PostgreSQL)."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("INSERT INTO complaints_fts (complaints_fts, rank) VALUES ('integrity-check', 1)"))


def test_persian_words_are_found_with_half_spaces_arabic_letters_and_persian_digits(db):
    _add(db, "K-1", "راننده بی‌ادب بود و غذا سرد رسید")
    _add(db, "K-2", "سفارش ۴۵۲۱۷ دیر رسید؛ پیک می‌گفت ترافیک است")
    _add(db, "K-3", "The driver was RUDE and the food arrived cold")
    assert _numbers("بی‌ادب") == ["K-1"]  # typed with the half-space
    assert _numbers("بی ادب") == ["K-1"]  # typed with a space
    assert _numbers("ادب") == ["K-1"]  # the word after the half-space
    assert _numbers("رسید") == ["K-1", "K-2"] or _numbers("رسید") == ["K-2", "K-1"]
    assert _numbers("سرد راننده") == ["K-1"]  # every word, in any order
    assert _numbers("سرد پیک") == []
    assert _numbers("مي‌گفت") == ["K-2"]  # Arabic ي typed for Persian ی
    assert _numbers("45217") == ["K-2"] and _numbers("۴۵۲۱۷") == ["K-2"]
    assert _numbers("rude driver") == ["K-3"] and _numbers("COLD") == ["K-3"]
    assert _numbers("k-3") == ["K-3"]  # the complaint number
    assert _numbers('" * OR NEAR(') == []  # the index's syntax is searched for, never run
    assert _numbers("") == [] and _numbers("%_") == []


def test_the_index_follows_every_change_and_delete(db):
    complaint = _add(db, "K-1", "Refund never arrived")
    _add(db, "K-2", "Broken shelf")
    assert _numbers("refund") == ["K-1"]
    complaint.text, complaint.text_norm = "Technician late", normalise("Technician late")
    db.session.commit()
    assert _numbers("refund") == [] and _numbers("technician") == ["K-1"]
    complaint.external_id = "Z-77"
    db.session.commit()
    assert _numbers("z-77") == ["Z-77"] and _numbers("k-1") == []
    db.session.execute(delete(Complaint).where(Complaint.id == complaint.id))
    db.session.commit()
    assert _numbers("technician") == [] and _numbers("shelf") == ["K-2"]
    _index_is_whole(db)


@pytest.mark.parametrize("newest", [5, 2000])  # common words found among the newest complaints, or only by the index
def test_common_words_still_give_the_newest_twenty(db, monkeypatch, newest):
    monkeypatch.setattr(text_search, "NEWEST", newest)
    monkeypatch.setattr(text_search, "CANDIDATES", 30)  # the index's matches read in more than one go
    rows = [{"source": "crm", "external_id": f"L-{n:03d}", "received_at": DAY - timedelta(days=n), "text": f"late {n}",
             "text_norm": f"late delivery {n}", "content_hash": f"l{n}"} for n in range(60)]
    rows += [{"source": "crm", "external_id": "R-1", "received_at": DAY, "text": "rare", "text_norm": "a rare word", "content_hash": "r1"}]
    db.session.execute(insert(Complaint), rows[::-1])  # stored oldest first: the id order is not the date order
    db.session.commit()
    assert _numbers("late") == [f"L-{n:03d}" for n in range(20)]
    assert _numbers("delivery late") == [f"L-{n:03d}" for n in range(20)]
    assert _numbers("late 59") == ["L-059"]
    assert _numbers("rare") == ["R-1"]


def _csv(tmp_path, rows: int, start: int = 0, bad: bool = False):
    lines = ["Complaint ID,Date received,Description"]
    lines += [f"B-{n},2026-02-{n % 28 + 1:02d},سفارش {n} با تاخیر رسید و بسته‌بندی پاره بود" for n in range(start, start + rows)]
    if bad:
        lines.append("B-bad,not a date,x")
    path = tmp_path / f"bulk-{start}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _paused(db) -> int:
    if db.engine.dialect.name != "sqlite":
        return 0
    return db.session.scalar(text("SELECT count(*) FROM complaints_fts_paused"))


def test_a_big_import_is_found_and_the_index_keeps_following_writes_afterwards(db, owners, tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "PAUSE_ROWS", 10)  # the bulk path, on a file a test can afford
    outcome = importer.run_import(str(_csv(tmp_path, 300)), "bulk.csv", importer.ImportOptions(source="crm"))
    db.session.commit()
    assert outcome.committed and outcome.new == 300
    assert _numbers("b-217") == ["B-217"]
    assert len(_numbers("بسته‌بندی پاره")) == 20
    assert _paused(db) == 0  # the trigger runs again: a complaint added by hand is found at once
    _add(db, "K-9", "پیک بداخلاق بود")
    assert _numbers("بداخلاق") == ["K-9"]
    _index_is_whole(db)


def test_an_import_refused_for_a_bad_row_leaves_the_index_as_it_was(db, owners, tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "PAUSE_ROWS", 10)
    outcome = importer.run_import(str(_csv(tmp_path, 50, start=500, bad=True)), "bulk.csv", importer.ImportOptions(source="crm"))
    assert not outcome.committed
    db.session.rollback()
    assert db.session.scalar(select(func.count(Complaint.id))) == 0 and _paused(db) == 0
    assert _numbers("b-510") == []
    _add(db, "K-9", "پیک بداخلاق بود")
    assert _numbers("بداخلاق") == ["K-9"]
    _index_is_whole(db)


@pytest.mark.parametrize("query", ["x" * 500, "a " * 300])
def test_long_queries_are_cut_not_refused(client, login, make_user, db, query):
    _add(db, "K-1", "x" * 120)
    login(make_user())
    response = client.get("/complaints/search.json", query_string={"q": query})
    assert response.status_code == 200 and isinstance(response.get_json()["results"], list)
