"""Helpers for the complaint import tests: files on disk and the CLI."""

import pytest


@pytest.fixture
def write_file(tmp_path):
    """Write ``content`` (str encoded with ``encoding``, or bytes) to ``tmp_path/name``."""

    def write(name, content, encoding="utf-8"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write


@pytest.fixture
def import_cli(runner, owners):
    """Run ``import-complaints`` with arguments; returns the click result."""

    def run(path, *args, source="crm"):
        return runner.invoke(args=["import-complaints", str(path), "--source", source, *args])

    return run


@pytest.fixture
def stored(db):
    """The stored complaints, ordered by external id."""
    from sqlalchemy import select

    from workbench.complaint_import.models import Complaint

    def get(source=None):
        stmt = select(Complaint).order_by(Complaint.external_id)
        if source:
            stmt = stmt.where(Complaint.source == source)
        db.session.expire_all()
        return list(db.session.scalars(stmt))

    return get


@pytest.fixture
def import_rows(db, owners, tmp_path):
    """Import ``rows`` (id, date, text[, channel, product]) through the real import; returns the outcome."""
    import csv

    from workbench.complaint_import.importer import ImportOptions, run_import

    def run(rows, source="crm"):
        run.count += 1
        path = tmp_path / f"rows{run.count}.csv"
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["id", "date", "text", "channel", "product"])
            for row in rows:
                writer.writerow(list(row) + [""] * (5 - len(row)))
        outcome = run_import(str(path), path.name, ImportOptions(source=source))
        db.session.commit()
        return outcome

    run.count = 0
    return run


@pytest.fixture
def sample(import_rows):
    """Ten complaints across owners and categories, months and channels."""
    return import_rows(
        [
            ("S1", "2024-01-05", "The fridge is very noisy", "phone", "Fridge"),
            ("S2", "2024-01-20", "Compressor noise at night", "email", "Fridge"),
            ("S3", "2024-02-02", "Order delivered three weeks late", "web", "Stove"),
            ("S4", "2024-02-10", "سفارش دیر تحویل شد", "تلفن", "Stove"),
            ("S5", "2024-02-11", "Delivery was late again", "web", "Fridge"),
            ("S6", "2024-03-01", "Nobody answers the support hotline", "phone", "Washer"),
            ("S7", "2024-03-03", "گارانتی را قبول نکردند", "حضوری", "Washer"),
            ("S8", "2024-03-09", "Invoice higher than the quoted price", "email", "Fridge"),
            ("S9", "2024-03-10", "Order arrived late", "web", "Fridge"),
            ("S10", "2024-03-12", "Something odd happened", "web", "Fridge"),
        ]
    )
