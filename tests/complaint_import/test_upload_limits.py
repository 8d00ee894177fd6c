"""Complaint uploads held to the pipeline's limits: a clear message naming file, row and column; nothing stored; small job pages."""

import io
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from workbench.complaint_import.models import Complaint, ImportJob


def _upload(client, content: bytes, name: str):
    # A hand-made multipart body: the test client would spool a big form to a temporary file it never closes.
    body = (
        b'--B\r\nContent-Disposition: form-data; name="source"\r\n\r\ncrm\r\n'
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="' + name.encode() + b'"\r\nContent-Type: text/csv\r\n\r\n' + content + b"\r\n--B--\r\n"
    )
    return client.post("/complaints/imports", data=body, content_type="multipart/form-data; boundary=B")


def _job(db) -> ImportJob:
    db.session.expire_all()
    return db.session.scalar(select(ImportJob))


def _nothing_stored(db) -> bool:
    return db.session.scalar(select(func.count(Complaint.id))) == 0


def test_a_million_columns_fails_with_a_short_message_and_a_small_page(client, login, make_user, owners, db):
    login(make_user(role="quality_manager"))
    content = ",".join(f"c{n}" for n in range(1_000_000)).encode() + b"\n1,2,3\n"  # 6.9 MB
    assert _upload(client, content, "wide.csv").status_code == 302
    job = _job(db)
    assert job.status == "failed"
    assert job.message == "file: “wide.csv”, row 1, column 501 (SG): the row has 1,000,000 columns; the limit is 500 (UPLOAD_MAX_COLUMNS)."
    page = client.get(f"/complaints/imports/{job.id}").get_data(as_text=True)
    assert "column 501 (SG)" in page and len(page) < 20_000
    assert _nothing_stored(db)


def test_too_long_cell_names_row_and_column(client, login, make_user, owners, db):
    login(make_user(role="quality_manager"))
    content = "id,date,text\nA,2024-01-01,late\nB,2024-01-02,{}\n".format("x" * 40_000).encode()
    _upload(client, content, "long.csv")
    job = _job(db)
    assert job.status == "failed"
    assert "“long.csv”, row 3, column 3 (C): the cell has 40,000 characters; the limit is 32,767" in job.message
    assert _nothing_stored(db)


def test_too_many_rows_with_a_configured_limit(app, client, login, make_user, owners, db):
    app.config["UPLOAD_MAX_ROWS"] = 3
    login(make_user(role="quality_manager"))
    content = b"id,date,text\n" + b"".join(b"R%d,2024-01-0%d,late delivery\n" % (n, n) for n in range(1, 6))
    _upload(client, content, "many.csv")
    job = _job(db)
    assert job.status == "failed" and "“many.csv” has more than 3 rows (UPLOAD_MAX_ROWS); row 4 is over the limit." in job.message
    assert _nothing_stored(db)


def test_xlsx_zip_bomb_upload_is_refused_before_a_job_exists(app, client, login, make_user, owners, db):
    login(make_user(role="quality_manager"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * (4 * 1024 * 1024))
    response = _upload(client, out.getvalue(), "export.xlsx")
    assert response.status_code == 400
    assert "“export.xlsx”: its part xl/worksheets/sheet1.xml expands" in response.get_data(as_text=True)
    assert _job(db) is None and not list(Path(app.config["UPLOAD_STAGING_FOLDER"]).iterdir())


def test_only_the_first_errors_are_kept_cut_short(app, client, login, make_user, owners, db):
    app.config["IMPORT_KEPT_ERRORS"] = 3
    login(make_user(role="quality_manager"))
    rows = [f"B{n},2024-02-31,{'=' + 'A' * 3000}(1)" for n in range(10)]
    _upload(client, ("id,date,text\nG,2024-01-01,late delivery\n" + "\n".join(rows) + "\n").encode(), "bad.csv")
    job = _job(db)
    assert job.status == "previewed" and job.bad_rows == 10 and len(job.errors) == 3
    assert all(len(e["value"]) <= 200 for e in job.errors)
    page = client.get(f"/complaints/imports/{job.id}").get_data(as_text=True)
    assert "the first 3 problems are kept" in page
    assert _nothing_stored(db)


def test_abandoned_job_file_removed_then_the_job_says_upload_again(app, client, login, make_user, owners, db, runner):
    login(make_user(role="quality_manager"))
    _upload(client, b"id,date,text\nA,2024-01-01,late delivery\n", "export.csv")
    job = _job(db)
    assert job.status == "previewed" and Path(job.stored_path).exists()
    assert runner.invoke(args=["uploads", "clean", "--hours", "0"]).exit_code == 0
    assert not Path(job.stored_path).exists()
    client.post(f"/complaints/imports/{job.id}/confirm")
    job = _job(db)
    assert job.status == "failed" and "“export.csv” is no longer kept" in job.message
    assert _nothing_stored(db)
