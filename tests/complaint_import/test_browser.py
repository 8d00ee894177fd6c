"""In a real browser, in Persian: upload a messy export, read the preview, import, see the Pareto chart, save it as PNG."""

import pytest

pytestmark = pytest.mark.browser

EXPORT = (
    "شناسه شکایت;تاریخ;شرح شکایت;کانال;محصول\r\n"
    "K-1;۱۴۰۳/۰۵/۱۲;یخچال صدای زیادی می‌دهد;تلفن;یخچال\r\n"
    "K-2;1403/05/13;سفارش من سه هفته دیر تحویل شد;ایمیل;اجاق گاز\r\n"
    "K-3;1403/05/14;سفارش دیر رسید;وب;اجاق گاز\r\n"
    "K-4;1403/13/40;تاریخ اشتباه;وب;اجاق گاز\r\n"
)


def test_persian_upload_preview_import_and_pareto(page, make_user, owners, tmp_path, artifacts):
    user = make_user(email="qm@example.org", name="مریم", role="quality_manager", locale="fa")
    export = tmp_path / "crm.csv"
    export.write_bytes(EXPORT.encode("utf-8-sig"))
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto("/complaints/imports")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.set_input_files("input[name=file]", str(export))
    page.fill("input[name=source]", "crm")
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector("table.preview")
    summary = page.locator("p.summary").first.inner_text()
    assert "۳" in summary or "3" in summary
    assert "1403/13/40" in page.locator("table.bad-rows").inner_text()
    page.screenshot(path=str(artifacts / "complaints-preview-fa.png"), full_page=True)
    page.click("text=وارد کردن ۳ ردیف سالم")
    page.wait_for_selector("p.summary")
    assert "۳ جدید" in page.locator("p.summary").inner_text()
    page.goto("/complaints/analysis?by=process_owner")
    bars = page.locator("#pareto-card svg rect[fill='#1f5fbf']")
    assert bars.count() == 2
    assert page.locator(".chart-box svg .marker-80").count() == 1
    with page.expect_download() as download:
        page.locator("#pareto-card .png-download").click()
    path = tmp_path / "pareto.png"
    download.value.save_as(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.screenshot(path=str(artifacts / "complaints-pareto-fa.png"), full_page=True)
