import pytest

pytestmark = pytest.mark.browser


def test_dashboard_in_persian(page, client, login, setup, add_action, db, artifacts):
    login(setup["leader"])
    add_action(setup["project"], setup["member"], title="بازبینی برنامه ارسال", due="2026-03-01")
    add_action(setup["project"], setup["member"], title="آموزش انبارداران", due="2026-04-01")
    from datetime import date

    setup["project"].started_on = date(2026, 1, 5)
    viewer = setup["viewer"]
    viewer.locale = "fa"
    db.session.commit()
    page.goto("/login")
    page.fill("input[name=email]", viewer.email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.click("header nav >> text=داشبورد")
    page.wait_for_url("**/dashboard")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "داشبورد مدیریت"
    assert page.locator("#overdue-total").inner_text() == "۱"
    overdue_row = page.locator("tr.overdue", has_text="بازبینی برنامه ارسال")
    assert overdue_row.count() == 1 and "۹" in overdue_row.inner_text()  # nine days overdue on 1404/12/19
    # The table starts on the right in RTL.
    table = page.locator("#by-owner").bounding_box()
    first_header = page.locator("#by-owner th").first.bounding_box()
    assert first_header["x"] + first_header["width"] > table["x"] + table["width"] - 5
    page.select_option("select[name=owner_id]", label="فروش")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "owner_id=" in page.url
    shot = artifacts / "dashboard-fa.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
