"""The upload pipeline of the core: kinds and first bytes, zip limits, encodings, table limits, staging and its clean-up."""

import io
import os
import time
import zipfile
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from workbench import uploads
from workbench.uploads.limits import TableLimits
from workbench.uploads.text import csv_rows
from workbench.validation import InvalidInput


def staged_files(app) -> list[str]:
    folder = Path(app.config["UPLOAD_STAGING_FOLDER"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def bomb(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def receive(data: bytes, name: str, kind=uploads.TABLE):
    return uploads.receive(FileStorage(io.BytesIO(data), name), kind)


def test_zip_bomb_is_refused_from_its_directory_and_nothing_is_staged(app):
    data = bomb({"xl/worksheets/sheet1.xml": b"<c>0</c>" * (6 * 1024 * 1024)})  # 48 MB of XML
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(InvalidInput) as refused:
        receive(data, "plan.xlsx", uploads.SHEETS)
    message = refused.value.errors["file"]
    assert "“plan.xlsx”" in message and "the limit is 40 MB" in message and "UPLOAD_SHEET_UNZIPPED_LIMIT_MB" in message
    assert staged_files(app) == []


def test_high_ratio_and_too_many_parts_are_refused(app):
    with pytest.raises(InvalidInput) as refused:
        receive(bomb({"xl/worksheets/sheet1.xml": b"\0" * (20 * 1024 * 1024)}), "zeros.xlsx")
    assert "“zeros.xlsx”" in str(refused.value) and "zip bomb" in str(refused.value) and "the limit is 100, UPLOAD_ZIP_RATIO_LIMIT" in str(refused.value)
    app.config["UPLOAD_ZIP_MEMBER_LIMIT"] = 20
    with pytest.raises(InvalidInput) as refused:
        receive(bomb({f"xl/media/image{n}.png": b"x" for n in range(30)}), "parts.xlsx")
    assert "“parts.xlsx” holds 32 parts; the limit is 20 (UPLOAD_ZIP_MEMBER_LIMIT)." in str(refused.value)
    assert staged_files(app) == []


def test_wrong_first_bytes_and_wrong_extension(app):
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(200)
    with pytest.raises(InvalidInput) as refused:
        receive(png, "export.xlsx")
    assert "“export.xlsx” is not a real XLSX file" in str(refused.value)
    with pytest.raises(InvalidInput) as refused:
        receive(b"%PDF-1.7 ...", "photo.png", uploads.EVIDENCE)
    assert "“photo.png” is not a real PNG file" in str(refused.value)
    with pytest.raises(InvalidInput) as refused:
        receive(png, "binary.csv")
    assert "“binary.csv” is not a text (CSV) file" in str(refused.value)
    with pytest.raises(InvalidInput) as refused:
        receive(b"MZ\x90\x00", "tool.exe", uploads.EVIDENCE)
    assert "“tool.exe”" in str(refused.value) and "Attach a PDF" in str(refused.value)
    assert staged_files(app) == []
    assert receive(png, "photo.png", uploads.EVIDENCE).size == len(png)


def test_size_limit_names_the_file_and_the_limit(app):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    with pytest.raises(InvalidInput) as refused:
        receive(b"id,text\n" + b"1,x\n" * 300000, "big.csv")
    assert str(refused.value) == "file: “big.csv” is larger than the limit of 1 MB."
    assert staged_files(app) == []


def test_staging_keeps_owner_and_context_under_a_random_name(app, make_user):
    owner, other = make_user(), make_user()
    staged = uploads.receive(FileStorage(io.BytesIO(b"a,b\n1,2\n"), "../../etc/passwd.csv"), uploads.TABLE, owner, {"project_id": 3})
    assert staged.filename == "passwd.csv" and staged.path.parent == Path(app.config["UPLOAD_STAGING_FOLDER"])
    assert len(staged.token) == 32 and "passwd" not in str(staged.path)
    assert uploads.find(staged.token, owner.id).context == {"project_id": 3}
    assert uploads.find(staged.token, other.id) is None
    assert uploads.find("../" + staged.token, owner.id) is None


def test_abandoned_staged_files_are_removed_fresh_ones_kept(app, runner):
    old = receive(b"a,b\n1,2\n", "old.csv")
    fresh = receive(b"a,b\n3,4\n", "fresh.csv")
    hours_ago = time.time() - 30 * 3600
    for path in (old.path, old.meta_path):
        os.utime(path, (hours_ago, hours_ago))
    (Path(app.config["UPLOAD_STAGING_FOLDER"]) / "notes.txt").write_text("not ours")  # only our random names are touched
    result = runner.invoke(args=["uploads", "clean"])
    assert result.exit_code == 0 and result.output.startswith("2 abandoned files removed")
    assert staged_files(app) == sorted([fresh.path.name, fresh.meta_path.name, "notes.txt"])
    os.utime(fresh.path, (hours_ago, hours_ago))
    receive(b"a,b\n5,6\n", "next.csv")  # each new upload cleans up too
    assert fresh.path.name not in staged_files(app)


def test_encodings_are_detected_utf16_and_windows_1256_persian(tmp_path):
    persian = "شناسه;تاريخ;متن شکايت\r\n" + "".join(f"K-{n};1402/12/{n % 28 + 1:02d};کالا دير رسيد و کيفيت پايين بود\r\n" for n in range(20))
    cases = {
        "utf-16": persian.replace(";", "\t").encode("utf-16"),
        "cp1256": persian.encode("cp1256"),
        "utf-8-sig": ("\ufeff" + persian).encode(),
        "utf-8": persian.encode(),
    }
    for expected, data in cases.items():
        assert uploads.detect_encoding(data, "x.csv") == expected
        path = tmp_path / f"{expected}.csv"
        path.write_bytes(data)
        assert uploads.read_text(str(path), path.name).replace("\t", ";") == persian
    assert uploads.detect_encoding("id,text\n1,bruit fort é\n".encode("cp1252")) == "cp1252"


def test_csv_rows_drop_nul_and_name_file_row_and_column(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(b"id,text,note\n1,Rat\x00tle,ok\n2,fine,ok\n3,ok," + b"y" * 50 + b"\n")
    limits = TableLimits(rows=10, columns=5, cell_chars=40)
    reader = csv_rows(str(path), "utf-8", ",", "rows.csv", limits)
    assert [next(reader), next(reader), next(reader)] == [["id", "text", "note"], ["1", "Rattle", "ok"], ["2", "fine", "ok"]]
    with pytest.raises(InvalidInput) as refused:
        next(reader)
    assert str(refused.value) == "file: “rows.csv”, row 4, column 3 (C): the cell has 50 characters; the limit is 40 (UPLOAD_MAX_CELL_CHARS)."
    with pytest.raises(InvalidInput) as refused:
        list(csv_rows(str(path), "utf-8", ",", "rows.csv", TableLimits(rows=2, columns=5, cell_chars=100)))
    assert "“rows.csv” has more than 2 rows (UPLOAD_MAX_ROWS); row 3 is over the limit." in str(refused.value)
