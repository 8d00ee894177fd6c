import pytest

pytestmark = pytest.mark.browser


def test_sign_in_switch_to_persian_page_is_rtl(page, make_user, make_project, artifacts):
    user = make_user(email="maryam@example.org", name="مریم", role="quality_manager", locale="en")
    make_project(title="کاهش تأخیر تحویل")
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.click("a[lang=fa]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "fa"
    assert "کاهش تأخیر تحویل" in page.content()
    shot = artifacts / "home-fa.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    # The preference sticks: the next page is Persian without ?lang.
    page.goto("/teams")
    assert page.locator("html").get_attribute("dir") == "rtl"
