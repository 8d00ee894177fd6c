"""In the browser: upload an AIAG workbook, change a column, import the good rows; the same in Persian (right to left)."""

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.fmea import workbooks
from tests.fmea.test_browser import sign_in
from workbench.fmea import services

pytestmark = pytest.mark.browser


def persian_with_title_block() -> bytes:
    """A Persian PFMEA with a title block, a 1-5 severity and a footer."""
    wb = Workbook()
    ws = wb.active
    ws.title = "PFMEA یخچال"
    ws["A1"] = "تجزیه و تحلیل حالات خرابی و اثرات آن (PFMEA)"
    ws.merge_cells("A1:H1")
    ws["A2"] = "موضوع: خط مونتاژ یخچال"
    ws["E2"] = "مشتری: فروشگاه‌های زنجیره‌ای"
    ws["A3"] = "شماره قطعه: R-400"
    ws.append([])
    ws.append(["مرحله فرایند", "حالت خرابی", "اثر خرابی", "شدت (۱ تا ۵)", "علت خرابی", "وقوع", "کنترل‌های تشخیص", "تشخیص"])
    ws.append(["جوشکاری", "نشتی گاز", "خرابی کمپرسور", "۵", "شعله کوتاه", "۴", "آزمون نشتی", "۲"])
    ws.append([None, "ترک لوله", "صدای زیاد", 3, "فشار گاز", 3, "بازرسی چشمی", 7])
    ws.append(["بسته‌بندی", "فرورفتگی بدنه", "ظاهر نامطلوب", 2, "فوم کم", 5, "بازرسی نهایی", 6])
    ws.merge_cells("A6:A7")
    ws.append([])
    ws.append(["تهیه کننده: واحد کیفیت"])
    return workbooks.save(wb)


def _upload(page, project, path):
    page.goto(f"/projects/{project.id}/fmea/import")
    page.set_input_files("input[type=file]", str(path))
    page.click("form.card button[type=submit]")
    expect(page.locator("#step-preview")).to_be_visible()


def test_aiag_workbook_mapped_previewed_and_good_rows_imported(page, team_project, artifacts, tmp_path):
    project, leader, _ = team_project
    path = tmp_path / "hinge.xlsx"
    path.write_bytes(workbooks.aiag4_pfmea())
    sign_in(page, leader)
    _upload(page, project, path)
    expect(page.locator(".summary")).to_contain_text("7 rows are ready to import, 1 rows have problems, 4 rows are left out.")
    expect(page.locator("tr.import-error")).to_have_count(1)
    expect(page.locator("tr.import-error")).to_contain_text("must be between 1 and 10")
    page.screenshot(path=str(artifacts / "fmea-import-en.png"), full_page=True)
    # The "Class" column is not wanted: ignore it and check again.
    page.select_option('select[name="map:0:F"]', "")
    page.click("button[value=check]")
    expect(page.locator(".ignored-columns")).to_contain_text("F")
    page.check('input[name=rows][value=good]')
    page.click("#import-confirm button[type=submit]")
    page.wait_for_url(f"**/projects/{project.id}/fmea")
    expect(page.locator(".flash")).to_contain_text("7 rows imported")
    rows = services.row_dicts(services.document_of(project))
    assert len(rows) == 7 and all(r["special_characteristic"] == "" for r in rows)
    assert [(r["severity"], r["occurrence"], r["detection"]) for r in rows][:2] == [(7, 4, 5), (7, 2, 4)]


def test_persian_workbook_with_title_block_and_other_scale(page, team_project, artifacts, tmp_path, db):
    project, leader, _ = team_project
    leader.locale = "fa"
    db.session.commit()
    path = tmp_path / "fa.xlsx"
    path.write_bytes(persian_with_title_block())
    sign_in(page, leader)
    _upload(page, project, path)
    assert page.get_attribute("html", "dir") == "rtl"
    expect(page.locator(".summary")).to_contain_text("۳ ردیف آمادهٔ ورود است")
    expect(page.locator(".title-block")).to_contain_text("خط مونتاژ یخچال")
    expect(page.locator(".title-block")).to_contain_text("R-400")
    expect(page.locator('.scale[data-rating="severity"]')).to_contain_text("تبدیل به ۱ تا ۱۰")
    page.screenshot(path=str(artifacts / "fmea-import-fa.png"), full_page=True)
    page.click("#import-confirm button[type=submit]")  # the conversion is not confirmed yet: nothing
    expect(page.locator(".flash.error")).to_contain_text("تبدیل رتبه‌ها را تأیید کنید")
    assert services.document_of(project) is None or services.row_dicts(services.document_of(project)) == []
    page.check("input[name=confirm_scales]")
    page.click("#import-confirm button[type=submit]")
    page.wait_for_url(f"**/projects/{project.id}/fmea")
    db.session.expire_all()
    document = services.document_of(project)
    rows = services.row_dicts(document)
    assert [(r["process_step"], r["failure_mode"], r["severity"]) for r in rows] == [
        ("جوشکاری", "نشتی گاز", 10), ("جوشکاری", "ترک لوله", 6), ("بسته‌بندی", "فرورفتگی بدنه", 3)]
    assert document.title == "خط مونتاژ یخچال" and document.customer == "فروشگاه‌های زنجیره‌ای"
