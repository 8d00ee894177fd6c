"""Every bad input of the issue: a clear message naming row and column, nothing stored changes."""

import zipfile

import pytest

GOOD = "id,date,text\nG-1,2024-01-01,Late delivery\n"


@pytest.fixture
def existing(write_file, import_cli, stored):
    """One complaint already stored, to prove bad imports do not touch it."""
    assert import_cli(write_file("good.csv", GOOD)).exit_code == 0
    return [(c.external_id, c.text, c.version) for c in stored()]


def _unchanged(stored, existing):
    return [(c.external_id, c.text, c.version) for c in stored()] == existing


def test_empty_file(write_file, import_cli, stored, existing):
    result = import_cli(write_file("empty.csv", b""))
    assert result.exit_code != 0
    assert "“empty.csv” is empty" in result.output
    assert _unchanged(stored, existing)


def test_only_blank_lines_is_empty(write_file, import_cli):
    result = import_cli(write_file("blank.csv", "\n\n  \n"))
    assert result.exit_code != 0 and "empty" in result.output


def test_wrong_delimiter_gives_one_column(write_file, import_cli, stored, existing):
    result = import_cli(write_file("spaces.csv", "id date text\n1 2024-01-01 late\n2 2024-01-02 rude\n"))
    assert result.exit_code != 0
    assert "delimiter" in result.output
    assert _unchanged(stored, existing)


def test_wrong_delimiter_override_names_missing_columns(write_file, import_cli, existing):
    result = import_cli(write_file("semi.csv", "id;date;text\n1;2024-01-01;late\n"), "--delimiter", ",")
    assert result.exit_code != 0
    assert "Date received" in result.output and "id;date;text" in result.output


def test_binary_file_named_csv(write_file, import_cli, stored, existing):
    result = import_cli(write_file("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4))
    assert result.exit_code != 0
    assert "not a text (CSV) file" in result.output
    assert _unchanged(stored, existing)


def test_xlsx_named_file_that_is_not_excel(write_file, import_cli):
    result = import_cli(write_file("fake.xlsx", "id,date,text\n"))
    assert result.exit_code != 0 and "not an Excel workbook" in result.output


def test_xlsx_zip_bomb(tmp_path, import_cli, stored, existing):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row>" + b" " * (60 * 1024 * 1024))
    result = import_cli(path)
    assert result.exit_code != 0
    assert "zip bomb" in result.output
    assert _unchanged(stored, existing)


def test_missing_required_column(write_file, import_cli, stored, existing):
    result = import_cli(write_file("nodate.csv", "id,text\n1,late\n"))
    assert result.exit_code != 0
    assert "Date received" in result.output and "--map received_at=COLUMN" in result.output
    assert _unchanged(stored, existing)


def test_ragged_rows_named_by_row(write_file, import_cli, stored, existing):
    content = "id,date,text\n1,2024-01-02,late\n2,2024-01-03\n3,2024-01-04,rude,extra,cells\n"
    result = import_cli(write_file("ragged.csv", content))
    assert result.exit_code != 0
    assert "row 3" in result.output and "2 cells but the header has 3" in result.output
    assert "row 4" in result.output and "5 cells" in result.output
    assert "nothing was imported" in result.output
    assert _unchanged(stored, existing)


def test_impossible_jalali_date(write_file, import_cli, stored, existing):
    content = "id,تاریخ,شرح شکایت\n1,1403/05/12,دیر\n2,1403/13/40,دیر\n"
    result = import_cli(write_file("jalali.csv", content))
    assert result.exit_code != 0
    assert "row 3, column “تاریخ” (value “1403/13/40”): impossible date" in result.output
    assert _unchanged(stored, existing)


def test_impossible_gregorian_date(write_file, import_cli, stored, existing):
    content = "id,date,text\n1,28-02-2023,late\n2,31-02-2023,late\n"
    result = import_cli(write_file("feb.csv", content))
    assert result.exit_code != 0
    assert "row 3, column “date” (value “31-02-2023”): impossible date" in result.output
    assert _unchanged(stored, existing)


def test_jalali_year_never_read_as_gregorian(write_file, import_cli):
    result = import_cli(write_file("mixed.csv", "id,date,text\n1,2024-01-01,late\n2,2024-01-03,late\n3,1403-01-05,late\n"))
    assert result.exit_code != 0
    assert "row 4" in result.output and "1403 is not a Gregorian year" in result.output


def test_formula_cells_are_rejected(write_file, import_cli, stored, existing):
    content = 'id,date,text\n1,2024-01-02,"=HYPERLINK(""http://evil.example"",""click"")"\n2,2024-01-03,fine\n'
    result = import_cli(write_file("formula.csv", content))
    assert result.exit_code != 0
    assert "row 2, column “text”" in result.output and "formula" in result.output
    assert _unchanged(stored, existing)


def test_empty_date_is_refused_and_empty_text_is_not(write_file, import_cli, stored, existing):
    result = import_cli(write_file("blanks.csv", "id,date,text\n1,2024-01-02,\n2,,late\n"))
    assert result.exit_code != 0
    assert "row 3, column “date”" in result.output and "date is empty" in result.output
    assert "row 2" not in result.output  # an empty text is no error: it is stored Unclassified ("empty")
    assert _unchanged(stored, existing)
    result = import_cli(write_file("blank_text.csv", "id,date,text\n1,2024-01-02,\n"))
    assert result.exit_code == 0, result.output
    complaint = {c.external_id: c for c in stored()}["1"]
    assert (complaint.text, complaint.category, complaint.unclassified_reason) == ("", None, "empty")


def test_duplicate_id_inside_one_file(write_file, import_cli):
    result = import_cli(write_file("dup.csv", "id,date,text\n1,2024-01-02,late\n1,2024-01-03,rude\n"))
    assert result.exit_code != 0 and "row 3" in result.output and "already used by row 2" in result.output


def test_skip_bad_rows_imports_the_good_ones(write_file, import_cli, stored, existing):
    content = "id,date,text\nN-1,02-01-2024,late\nN-2,31-02-2023,late\n"
    result = import_cli(write_file("some.csv", content), "--skip-bad-rows", "--date-order", "dmy")
    assert result.exit_code == 0, result.output
    assert "1 new, 0 updated, 0 unchanged, 1 rejected" in result.output
    assert [c.external_id for c in stored()] == ["G-1", "N-1"]


def test_crash_part_way_leaves_nothing_half_written(write_file, import_cli, stored, existing, monkeypatch):
    from workbench.complaint_import import importer, storing

    monkeypatch.setattr(importer, "CHUNK", 2)
    calls = {"n": 0}
    original = storing.ComplaintStore.write

    def failing_write(store, new, changed):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        original(store, new, changed)

    monkeypatch.setattr(storing.ComplaintStore, "write", failing_write)
    rows = "".join(f"C-{i},2024-01-0{1 + i % 9},late delivery\n" for i in range(10))
    result = import_cli(write_file("big.csv", "id,date,text\n" + rows))
    assert result.exit_code != 0
    assert calls["n"] == 3  # two chunks were written before the crash
    assert _unchanged(stored, existing)


def _index_names(db):
    from sqlalchemy import inspect

    db.session.close()
    return {ix["name"] for ix in inspect(db.engine).get_indexes("complaints")}


def _index_names_in_transaction(db):
    """The complaint indexes the import's own transaction sees (inspect() would use another connection)."""
    from sqlalchemy import text

    if db.engine.dialect.name == "sqlite":
        return set(db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'complaints'")))
    return set(db.session.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'complaints'")))


@pytest.fixture
def big_load(monkeypatch, db):
    """Every import takes the big-load path (indexes dropped, then built again); lists what each drop saved and the
    complaint indexes its transaction then saw (before the COPY opens: the connection is free)."""
    from workbench.complaint_import import importer, storing

    monkeypatch.setattr(importer, "CHUNK", 2)
    monkeypatch.setattr(storing.SecondaryIndexes, "worth_it", staticmethod(lambda rows: True))
    drops = []
    original_drop = storing.SecondaryIndexes.drop

    def watched_drop(indexes):
        original_drop(indexes)
        drops.append((list(indexes.saved), _index_names_in_transaction(db)))

    monkeypatch.setattr(storing.SecondaryIndexes, "drop", watched_drop)
    return drops


def _secondary(names) -> set[str]:
    return {name for name in names if name.startswith("ix_complaints_")}


def test_big_load_rebuilds_indexes_and_a_crash_keeps_them(write_file, import_cli, stored, existing, monkeypatch, db, big_load):
    from workbench.complaint_import import storing, text_search

    before = _index_names(db)
    assert "ix_complaints_owner_received" in before
    if db.engine.dialect.name == "postgresql":  # the search's trigram indexes are rebuilt too
        assert {"ix_complaints_text_norm_trgm", "ix_complaints_external_id_trgm"} <= before
    rows = "".join(f"I-{i},2024-01-0{1 + i % 9},late delivery {i}\n" for i in range(10))
    assert import_cli(write_file("fine.csv", "id,date,text\n" + rows)).exit_code == 0
    assert len(big_load) == 1 and big_load[0][0] and not _secondary(big_load[0][1])  # the load ran without them
    assert _index_names(db) == before
    assert len(stored()) == 11
    assert [label.split(" · ")[0] for _id, label in text_search.search("delivery 7")] == ["I-7"]

    original = storing.ComplaintStore.write
    calls = {"n": 0}

    def failing_write(store, new, changed):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        original(store, new, changed)

    monkeypatch.setattr(storing.ComplaintStore, "write", failing_write)
    more = "".join(f"J-{i},2024-01-0{1 + i % 9},late delivery\n" for i in range(10))
    assert import_cli(write_file("crash.csv", "id,date,text\n" + more)).exit_code != 0
    assert len(big_load) == 2 and not _secondary(big_load[1][1])
    assert _index_names(db) == before  # dropped inside the transaction, back after the rollback
    assert len(stored()) == 11


def test_big_load_keeps_the_indexes_when_readers_hold_the_table(write_file, import_cli, stored, existing, monkeypatch, db, big_load):
    """PostgreSQL: dropping an index waits for every reader of the table; after a short wait the import keeps them."""
    import psycopg

    from workbench.complaint_import import storing

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite readers do not block a writer's DDL")
    before = _index_names(db)
    monkeypatch.setattr(storing.SecondaryIndexes, "LOCK_WAIT", "200ms")
    url = db.engine.url.render_as_string(hide_password=False).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as reader:
        reader.execute("SELECT count(*) FROM complaints").fetchone()  # an open transaction that read the table
        rows = "".join(f"K-{i},2024-01-0{1 + i % 9},late delivery\n" for i in range(10))
        result = import_cli(write_file("busy.csv", "id,date,text\n" + rows))
        reader.rollback()
    assert result.exit_code == 0, result.output
    assert len(big_load) == 1 and big_load[0][0] == [] and _secondary(big_load[0][1]) == _secondary(before)  # tried, kept every index
    assert _index_names(db) == before and len(stored()) == 11
