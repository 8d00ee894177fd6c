"""Importing real-world exports: encodings, delimiters, header rows, dates, mapping."""

import io
import zipfile
from datetime import date

import openpyxl

PERSIAN_CSV = (
    "شناسه شکایت,تاریخ,شرح شکایت,کانال,محصول\n"
    "P-1,۱۴۰۳/۰۵/۱۲,يخچال صداي زيادي مي‌دهد,تلفن,یخچال R-400\n"
    "P-2,1403/01/01,سفارش من سه هفته دیر تحویل شد,ایمیل,ماشین لباسشویی\n"
)


def test_utf8_bom_persian_headers_and_jalali_dates(write_file, import_cli, stored):
    path = write_file("persian.csv", "\ufeff" + PERSIAN_CSV)
    result = import_cli(path)
    assert result.exit_code == 0, result.output
    first, second = stored()
    assert first.external_id == "P-1"
    assert first.received_at == date(2024, 8, 2)  # 1403/05/12, never the Gregorian year 1403
    assert second.received_at == date(2024, 3, 20)  # Nowruz 1403
    assert first.text == "يخچال صداي زيادي مي‌دهد"  # kept verbatim
    assert first.text_norm == "یخچال صدای زیادی می دهد"
    assert first.channel == "phone" and second.channel == "email"
    assert first.product == "یخچال R-400"
    assert first.process_owner.key == "production" and first.category == "product_quality"
    assert second.process_owner.key == "service" and second.category == "delivery_speed"
    assert "2 new" in result.output


def test_utf16_tab_separated(write_file, import_cli, stored):
    content = "Complaint ID\tDate_received\tDescription\tChannel\nT-1\t2024-02-03\tThe fridge is noisy\tWeb\n"
    result = import_cli(write_file("export.csv", content, "utf-16"))
    assert result.exit_code == 0, result.output
    assert "encoding utf-16" in result.output and "'\\t'" in result.output
    assert [c.received_at for c in stored()] == [date(2024, 2, 3)]


def test_windows_1256_semicolon(write_file, import_cli, stored):
    # Persian Excel writes Arabic yeh/kaf: cp1256 has no Persian ی.
    content = "کد;تاريخ ثبت;متن شکايت\r\nW-1;1402/12/29;گارانتي را قبول نکردند\r\n"
    result = import_cli(write_file("excel.csv", content, "cp1256"))
    assert result.exit_code == 0, result.output
    assert "cp1256" in result.output
    (complaint,) = stored()
    assert complaint.text == "گارانتي را قبول نکردند"
    assert complaint.text_norm == "گارانتی را قبول نکردند"
    assert complaint.category == "warranty"


def test_quoted_line_breaks_and_extra_columns_kept_as_attributes(write_file, import_cli, stored):
    content = 'id,date,text,Region\n1,2024-01-05,"Line one\nline two, with comma",North\n2,2024-01-06,Late delivery,South\n'
    result = import_cli(write_file("quoted.csv", content))
    assert result.exit_code == 0, result.output
    first, second = stored()
    assert first.text == "Line one\nline two, with comma"
    assert first.attributes == {"Region": "North"}


def test_surveymonkey_two_header_rows(write_file, import_cli, stored):
    content = (
        "Respondent ID,Start Date,What went wrong?\n"
        ",,Open-Ended Response\n"
        "1001,03/15/2024,Nobody answers the support hotline\n"
        "1002,03/16/2024,Invoice was higher than the price quoted\n"
    )
    result = import_cli(write_file("sm.csv", content), "--map", "text=What went wrong?")
    assert result.exit_code == 0, result.output
    assert "extra header rows 1" in result.output
    assert [c.external_id for c in stored()] == ["1001", "1002"]


def test_qualtrics_three_header_rows(write_file, import_cli, stored):
    content = (
        "StartDate,ResponseId,Q1\n"
        "Start Date,Response ID,Tell us what went wrong\n"
        '"{""ImportId"":""startDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}"\n'
        "2024-03-15 10:00:00,R_1,The door seal leaks\n"
    )
    result = import_cli(write_file("qualtrics.csv", content), "--map", "text=Q1")
    assert result.exit_code == 0, result.output
    assert "extra header rows 2" in result.output
    (complaint,) = stored()
    assert complaint.external_id == "R_1" and complaint.received_at == date(2024, 3, 15)


def test_title_row_above_header_is_skipped(write_file, import_cli, stored):
    content = "Complaint log export\n\nID,Date,Complaint\nA,2024-01-01,Rude technician\n"
    result = import_cli(write_file("titled.csv", content))
    assert result.exit_code == 0, result.output
    assert [c.external_id for c in stored()] == ["A"]


def test_day_first_column_decided_from_data(write_file, import_cli, stored):
    content = "id,date,text\n1,03-04-2024,late\n2,25-04-2024,late again\n"
    assert import_cli(write_file("dmy.csv", content)).exit_code == 0
    assert [c.received_at for c in stored()] == [date(2024, 4, 3), date(2024, 4, 25)]


def test_month_first_column_decided_from_data(write_file, import_cli, stored):
    content = "id,date,text\n1,03/04/2024,late\n2,04/25/2024,late again\n"
    assert import_cli(write_file("mdy.csv", content)).exit_code == 0
    assert [c.received_at for c in stored()] == [date(2024, 3, 4), date(2024, 4, 25)]


def test_truly_ambiguous_dates_ask_the_user(write_file, import_cli, stored):
    path = write_file("amb.csv", "id,date,text\n1,03/04/2024,late\n2,05/06/2024,late again\n")
    result = import_cli(path)
    assert result.exit_code != 0
    assert "date" in result.output and "--date-order" in result.output
    assert stored() == []
    assert import_cli(path, "--date-order", "dmy").exit_code == 0
    assert [c.received_at for c in stored()] == [date(2024, 4, 3), date(2024, 6, 5)]


def test_map_option_overrides_the_guess(write_file, import_cli, stored):
    content = "ref,when,body,notes\nX1,2024-05-01,Door broken,ignore me\n"
    result = import_cli(write_file("m.csv", content), "--map", "text=notes", "--map", "received_at=when")
    assert result.exit_code == 0, result.output
    (complaint,) = stored()
    assert complaint.text == "ignore me"
    assert complaint.attributes == {"body": "Door broken"}


def test_xlsx_import_with_real_dates(write_file, import_cli, stored, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Complaint ID", "Date received", "Complaint", "Product"])
    sheet.append(["X-1", date(2024, 6, 1), "Warranty claim was rejected", "Gas stove G-5"])
    sheet.append(["X-2", "1403/04/01", "تحویل دیر شد", "Dishwasher"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    result = import_cli(path)
    assert result.exit_code == 0, result.output
    first, second = stored()
    assert first.received_at == date(2024, 6, 1)
    assert second.received_at == date(2024, 6, 21)


def test_reimport_creates_no_duplicates_and_reports_updates(write_file, import_cli, stored):
    first = "id,date,text\n1,2024-01-01,Late delivery\n2,2024-01-02,Rude staff\n"
    assert import_cli(write_file("a.csv", first)).exit_code == 0
    overlapping = "id,date,text\n2,2024-01-02,Rude staff at the desk\n1,2024-01-01,Late delivery\n3,2024-01-03,Broken door\n"
    result = import_cli(write_file("b.csv", overlapping))
    assert result.exit_code == 0, result.output
    assert "1 new, 1 updated, 1 unchanged, 0 rejected" in result.output
    assert [(c.external_id, c.text) for c in stored()] == [("1", "Late delivery"), ("2", "Rude staff at the desk"), ("3", "Broken door")]


def test_rows_without_id_are_deduplicated_by_content(write_file, import_cli, stored):
    content = "date,text,channel\n2024-01-01,Late delivery,web\n2024-01-02,Broken door,web\n"
    path = write_file("noid.csv", content)
    assert import_cli(path).exit_code == 0
    result = import_cli(path)
    assert "0 new, 0 updated, 2 unchanged" in result.output
    assert len(stored()) == 2


def test_dry_run_stores_nothing(write_file, import_cli, stored):
    result = import_cli(write_file("d.csv", "id,date,text\n1,2024-01-01,Late\n"), "--dry-run")
    assert result.exit_code == 0
    assert "Would import: 1 new" in result.output
    assert stored() == []


def test_same_source_ids_do_not_clash_across_sources(write_file, import_cli, stored):
    path = write_file("s.csv", "id,date,text\n1,2024-01-01,Late\n")
    assert import_cli(path, source="crm").exit_code == 0
    assert import_cli(path, source="call-centre").exit_code == 0
    assert len(stored()) == 2


def test_xlsx_zip_bomb_module_check(tmp_path):
    """Unit check of the ratio guard on a crafted archive."""
    from workbench.complaint_import.reading import check_xlsx
    from workbench.validation import InvalidInput

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    try:
        check_xlsx(str(path))
    except InvalidInput as error:
        assert "zip bomb" in str(error)
    else:
        raise AssertionError("zip bomb accepted")


def test_normalise_persian_text():
    from workbench.complaint_import.textnorm import normalise

    assert normalise("كيفيت  ٣ كالا\u200cها") == "کیفیت 3 کالا ها"
    assert normalise("مُحَصـــول") == "محصول"
    assert normalise("Late   DELIVERY") == "late delivery"
    assert io  # keep import used for readers adding byte tests
