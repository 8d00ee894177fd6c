"""The PostgreSQL bulk path: new complaints go in with COPY, inside the import's one transaction."""

import json

import psycopg
import pytest

from workbench.complaint_import import importer, storing

EXPORT = "شناسه,تاریخ,شرح,کانال,منطقه\n" + "".join(
    f"P-{i},1403/0{1 + i % 9}/1{i % 9},{text},تلفن,R{i}\n"
    for i, text in enumerate(["تحویل سفارش دیر انجام شد", "The fridge is noisy", "قیمت با فاکتور فرق داشت", "Nobody answers the hotline"] * 3)
)


@pytest.fixture(autouse=True)
def postgres_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("COPY is the PostgreSQL bulk path; SQLite stores with executemany (run with DATABASE_URL=postgresql://...)")


@pytest.fixture
def copies(monkeypatch):
    """The COPY statements the import sends."""
    sent = []
    original = psycopg.Cursor.copy

    def spy(cursor, statement, *args, **kwargs):
        sent.append(str(statement))
        return original(cursor, statement, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "copy", spy)
    return sent


def test_new_complaints_are_copied_with_every_column(write_file, import_cli, stored, copies):
    result = import_cli(write_file("crm.csv", EXPORT))
    assert result.exit_code == 0, result.output
    assert "12 new, 0 updated, 0 unchanged, 0 rejected" in result.output
    assert copies and all(s.startswith("COPY complaints (") for s in copies)
    rows = stored()
    assert len(rows) == 12
    first = rows[0]
    assert first.external_id == "P-0" and first.received_at.isoformat() == "2024-03-29"  # Jalali 1403/01/10
    assert first.text == "تحویل سفارش دیر انجام شد" and first.channel == "phone" and first.attributes == {"منطقه": "R0"}
    assert first.process_owner_id is not None and first.category is not None and first.label_source == "rules"
    assert first.version == 1 and first.confirmed is False and first.created_at is not None
    assert json.loads(json.dumps(rows[1].attributes)) == {"منطقه": "R1"}


def test_reimport_copies_nothing_and_creates_no_duplicates(write_file, import_cli, stored, copies):
    assert import_cli(write_file("crm.csv", EXPORT)).exit_code == 0
    before = [(c.id, c.version) for c in stored()]
    copies.clear()
    again = import_cli(write_file("crm.csv", EXPORT))
    assert again.exit_code == 0 and "0 new, 0 updated, 12 unchanged, 0 rejected" in again.output
    assert copies == [] and [(c.id, c.version) for c in stored()] == before
    changed = EXPORT.replace("The fridge is noisy", "The fridge is very noisy") + "P-99,1403/02/02,سفارش جدید دیر رسید,ایمیل,R9\n"
    third = import_cli(write_file("crm2.csv", changed))
    assert third.exit_code == 0 and "1 new, 3 updated, 9 unchanged, 0 rejected" in third.output
    rows = stored()
    assert len(rows) == 13 and len({c.external_id for c in rows}) == 13
    assert {c.external_id for c in rows if c.version == 2} == {"P-1", "P-5", "P-9"}


def test_crash_between_copies_leaves_zero_new_rows(write_file, import_cli, stored, copies, monkeypatch):
    assert import_cli(write_file("first.csv", "id,date,text\nG-1,2024-01-01,Late delivery\n")).exit_code == 0
    monkeypatch.setattr(importer, "CHUNK", 3)
    calls = {"n": 0}
    original = storing.ComplaintStore.write

    def failing_write(store, new, changed):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("connection lost")
        original(store, new, changed)

    monkeypatch.setattr(storing.ComplaintStore, "write", failing_write)
    copies.clear()
    result = import_cli(write_file("crm.csv", EXPORT))
    assert result.exit_code != 0 and len(copies) == 1  # one COPY, open across the two chunks stored before the failure
    assert [c.external_id for c in stored()] == ["G-1"]


def test_row_the_database_refuses_mid_copy_leaves_zero_new_rows(write_file, import_cli, stored, copies, monkeypatch):
    assert import_cli(write_file("first.csv", "id,date,text\nG-1,2024-01-01,Late delivery\n")).exit_code == 0
    monkeypatch.setattr(importer, "CHUNK", 4)
    original = storing.ComplaintStore.values

    def values(store, record):
        row = original(store, record)
        if record.external_id == "P-9":  # the third chunk: the channel column holds at most 40 characters
            row = tuple("x" * 41 if i == storing.INSERT_COLUMNS.index("channel") else v for i, v in enumerate(row))
        return row

    monkeypatch.setattr(storing.ComplaintStore, "values", values)
    copies.clear()
    result = import_cli(write_file("crm.csv", EXPORT))
    assert result.exit_code != 0 and len(copies) == 1  # one COPY, open across chunks
    assert [c.external_id for c in stored()] == ["G-1"]
