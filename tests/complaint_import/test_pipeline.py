"""Big files are read and classified in a second process while this one writes: same result, same guarantees."""

import pytest

from workbench.complaint_import import importer, pipeline, storing
from workbench.validation import InvalidInput

pytestmark = pytest.mark.skipif(not pipeline.available(), reason="needs fork")


@pytest.fixture
def piped(monkeypatch):
    """Every file counts as big: the import runs through the reading process."""
    monkeypatch.setattr(importer, "PIPELINE_BYTES", 0)
    monkeypatch.setattr(importer, "CHUNK", 3)
    calls = []
    original = pipeline.SecondProcess.__iter__

    def counting(self):
        calls.append(True)
        return original(self)

    monkeypatch.setattr(pipeline.SecondProcess, "__iter__", counting)
    return calls


def _rows(prefix, count):
    texts = ("تحویل سفارش دیر انجام شد", "The fridge is noisy", "قیمت با فاکتور فرق داشت")
    return "".join(f"{prefix}-{i},1403/0{1 + i % 9}/1{i % 9},{texts[i % 3]},تلفن\n" for i in range(count))


def test_piped_import_stores_what_the_plain_one_does(db, owners, write_file, stored, piped, monkeypatch):
    from workbench.complaint_import.importer import ImportOptions, run_import

    path = write_file("big.csv", "شناسه,تاریخ,شرح,کانال\n" + _rows("P", 10))
    outcome = run_import(str(path), path.name, ImportOptions(source="piped"))
    db.session.commit()
    assert piped and outcome.committed and outcome.new == 10 and len(outcome.preview) == 10
    monkeypatch.setattr(importer, "PIPELINE_BYTES", 10**12)
    path = write_file("same.csv", "شناسه,تاریخ,شرح,کانال\n" + _rows("P", 10))
    plain = run_import(str(path), path.name, ImportOptions(source="plain"))
    db.session.commit()
    assert len(piped) == 1 and plain.new == 10

    def seen(source):
        # Every other chunk is labelled in the reading process: labels and reasons must not depend on where.
        return [
            (c.external_id, c.received_at, c.text_norm, c.content_hash, c.channel, c.process_owner_id, c.category, c.confidence, c.label_source, c.unclassified_reason)
            for c in stored(source)
        ]

    assert seen("piped") == seen("plain")
    first = stored("piped")[0]
    assert first.received_at.isoformat() == "2024-03-29" and first.channel == "phone"  # Jalali 1403/01/10, never read as Gregorian
    assert first.text_norm == "تحویل سفارش دیر انجام شد" and first.process_owner_id is not None


def test_piped_import_reports_bad_rows_and_stores_nothing(db, owners, write_file, import_cli, stored, piped):
    content = "id,date,text\n" + "".join(f"B-{i},2024-01-0{1 + i % 9},late delivery\n" for i in range(7)) + "B-7,2024-02-31,late\n"
    result = import_cli(write_file("bad.csv", content))
    assert piped and result.exit_code != 0
    assert "row 9" in result.output and "date" in result.output
    assert stored() == []


@pytest.mark.parametrize(("failure", "message"), [(lambda: InvalidInput({"file": "Row 8 cannot be read"}), "Row 8 cannot be read"), (lambda: MemoryError("out of memory"), "MemoryError: out of memory")])
def test_piped_import_failure_while_reading_names_it_and_stores_nothing(db, owners, write_file, import_cli, stored, piped, monkeypatch, failure, message):
    original = importer.check_row

    def failing_check(number, *args):
        if number == 8:  # in the reading process, after two chunks were written here
            raise failure()
        return original(number, *args)

    monkeypatch.setattr(importer, "check_row", failing_check)
    rows = "".join(f"U-{i},2024-01-0{1 + i % 9},late delivery\n" for i in range(10))
    result = import_cli(write_file("broken.csv", "id,date,text\n" + rows))
    assert piped and result.exit_code != 0
    assert message in result.output + str(result.exception or "")  # bad input is a message, a crash an error
    assert stored() == []


def test_piped_import_crash_while_writing_rolls_back(db, owners, write_file, import_cli, stored, piped, monkeypatch):
    calls = {"n": 0}
    original = storing.ComplaintStore.write

    def failing_write(store, new, changed):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        original(store, new, changed)

    monkeypatch.setattr(storing.ComplaintStore, "write", failing_write)
    rows = "".join(f"C-{i},2024-01-0{1 + i % 9},late delivery\n" for i in range(10))
    result = import_cli(write_file("crash.csv", "id,date,text\n" + rows))
    assert piped and result.exit_code != 0 and calls["n"] == 2
    assert stored() == []


def test_piped_import_can_be_cancelled(db, owners, write_file, stored, piped):
    from workbench.complaint_import.importer import ImportCancelled, ImportOptions, run_import

    seen = []
    path = write_file("cancel.csv", "id,date,text\n" + "".join(f"X-{i},2024-01-0{1 + i % 9},late delivery\n" for i in range(12)))
    with pytest.raises(ImportCancelled):
        run_import(str(path), path.name, ImportOptions(source="crm"), lambda rows, done, phase: seen.append(rows), lambda: len(seen) >= 2)
    db.session.rollback()
    assert piped and seen[:2] == [4, 7] and stored() == []
