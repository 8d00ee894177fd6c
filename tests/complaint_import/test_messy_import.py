"""A messy export (Persian and English, Jalali dates in Persian digits, extra columns, line breaks, bad rows, repeated IDs)
imported in one process or two stores the same rows, whichever process classifies which chunk."""

import random

import pytest

from workbench.complaint_import import importer, pipeline

FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
TEXTS = (
    "سفارش شماره ۱۲۳۴ با ۵ روز تاخیر تحویل شد", "The fridge is noisy after 3 weeks", "قيمت با فاکتور فرق داشت، لطفا پيگيری کنيد",
    "the door seal of my Oven O-60 leaks", "کارشناس تعمیر سر وقت نیامد\nو تلفن را هم جواب نداد", "My refund of 12,000 has not arrived.\r\nStill waiting",
    "", "   ", 'he said "no" \\ twice', "ZWNJ: می‌دهد و ك عربی", "=HYPERLINK(\"http://example.org\")", "+SUM(A1)", "-5 is not a formula",
    "@mention(x)", "emoji 🙂 and \u2028 separator",
)
DATES = ("1402/03/15", "۱۴۰۲/۰۳/۱۶", "1401/12/29", "1402/13/01", "", "1403/1/2", "۱۴۰۱/۰۷/۳۰", "not a date", "1402/02/31")
CHANNELS = ("تلفن", "phone", "Email", "وب سایت", "in person", "", "   ", "c" * 45)


def messy_rows(rng: random.Random, count: int, width: int) -> list[list[str]]:
    """Rows as an export writes them: mostly good, some bad in every way the check knows."""
    rows = []
    for number in range(count):
        external_id = rng.choice([f"C-{number}", f"C-{number}", f"C-{number % 7}", "", "X" * 125, f" C-{number} "])
        row = [
            external_id, rng.choice(DATES), rng.choice(TEXTS) + (f" {number}" if rng.random() < 0.7 else ""), rng.choice(CHANNELS),
            rng.choice(["Oven O-60", "یخچال", "", "p" * 201]), rng.choice(["Customer 1", "", " x "]),
            rng.choice(["R1", "", " ", "\t", 'q"uote\\', "منطقه ۲", "=1+1"]), rng.choice(["2024-01-02", "", "2023-12-31"]),
        ][:width]
        row += [rng.choice(["Sara", "", "مریم"]) for _ in range(width - len(row))]
        shape = rng.random()
        if shape < 0.03:
            row = row[: rng.randrange(1, width)]  # too few cells
        elif shape < 0.06:
            row = row + [""] * rng.randrange(1, 3)  # trailing empty cells: still a good row
        elif shape < 0.08:
            row = row + ["stray"]  # an unquoted delimiter
        rows.append(row)
    return rows


HEADERS = ["شناسه", "تاریخ ثبت", "شرح شکایت", "کانال", "Product", "Customer", "Region", "Closed on", "Agent"]


def csv_text(headers, rows) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.skipif(not pipeline.available(), reason="needs fork")
@pytest.mark.parametrize("busy", [None, True, False], ids=["as-it-comes", "reader-classifies-all", "writer-classifies-all"])
def test_import_of_a_messy_file_stores_the_same_in_one_or_two_processes(db, owners, tmp_path, stored, monkeypatch, busy):
    rows = messy_rows(random.Random(5), 400, len(HEADERS))
    path = tmp_path / "messy.csv"
    path.write_text(csv_text(HEADERS, rows), encoding="utf-8")
    monkeypatch.setattr(importer, "CHUNK", 37)
    options = importer.ImportOptions(source="one", skip_bad_rows=True, date_order="jalali")
    one = importer.run_import(str(path), path.name, options)
    db.session.commit()
    monkeypatch.setattr(importer, "PIPELINE_BYTES", 0)
    labelled_in_reader = []
    if busy is not None:
        monkeypatch.setattr(pipeline.SecondProcess, "busy", lambda self: busy)
    original_label = importer.ComplaintSteps.label
    monkeypatch.setattr(importer.ComplaintSteps, "label", lambda self, chunk: labelled_in_reader.append(chunk.last_row) or original_label(self, chunk))
    options.source = "two"
    two = importer.run_import(str(path), path.name, options)
    db.session.commit()
    # Only this process's calls are seen here: none when the reader classifies everything, all eleven chunks when it classifies none.
    assert {True: 0, False: 11}.get(busy, len(labelled_in_reader)) == len(labelled_in_reader)
    assert one.summary() == two.summary() and one.new > 60 and one.bad > 60
    assert [e.as_dict() for e in one.errors] == [e.as_dict() for e in two.errors]
    reasons = " ".join(e.reason for e in two.errors)
    assert "formula" in reasons and "cells" in reasons and "longer than" in reasons and "same ID" in reasons

    def columns(source):
        return [
            (c.external_id, c.received_at, c.text, c.text_norm, c.content_hash, c.channel, c.customer, c.product, c.attributes, c.process_owner_id,
             c.category, c.confidence, c.owner_confidence, c.category_confidence, c.label_source, c.unclassified_reason)
            for c in stored(source)
        ]

    kept = columns("two")
    assert columns("one") == kept
    assert any(str(c[1]) == "2023-06-06" for c in kept)  # ۱۴۰۲/۰۳/۱۶ in Persian digits
    assert any("\n" in c[2] for c in kept) and any(c[0].startswith("#") for c in kept)
    assert any(c[8] and c[8].get("Region") == 'q"uote\\' for c in kept)
    assert any(c[10] is not None for c in kept) and any(c[15] is not None for c in kept)
