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
