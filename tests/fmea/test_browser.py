"""In the browser: rate a cell in place and see RPN and AP change; add a row from the keyboard."""

import re

import pytest
from playwright.sync_api import expect

from workbench.fmea import services

pytestmark = pytest.mark.browser


def sign_in(page, user):
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_edit_severity_in_place_updates_ap_and_rpn(page, team_project, db, artifacts):
    project, leader, _ = team_project
    row = services.create_row(project, {"process_step": "Mounting", "failure_mode": "Mount missing", "failure_effect": "Noise",
                                        "severity": 7, "occurrence": 4, "detection": 6, "prevention_action": "Fixture"})
    db.session.commit()
    sign_in(page, leader)
    page.goto(f"/projects/{project.id}/fmea")
    cells = f'tr[data-id="{row.id}"]'
    assert page.text_content(f'{cells} td[data-field="action_priority"]') == "M"
    assert page.text_content(f'{cells} td[data-field="rpn"]') == "168"
    page.click(f'{cells} td[data-field="severity"]')
    assert page.is_visible("#fmea-scale")
    assert "regulation" in page.text_content("#fmea-scale-list")
    page.keyboard.type("9")
    page.keyboard.press("Enter")
    expect(page.locator(f'{cells} td[data-field="action_priority"]')).to_have_text("H")
    assert page.text_content(f'{cells} td[data-field="rpn"]') == "216"
    assert "ap-H" in page.get_attribute(f'{cells} td[data-field="action_priority"]', "class")
    assert "is-severe" in page.get_attribute(cells, "class")
    db.session.expire_all()
    assert db.session.get(type(row), row.id).severity == 9
    page.screenshot(path=str(artifacts / "fmea-table.png"), full_page=True)

    # Ctrl+Enter adds a row and puts the cursor in it; typing fills the first cell.
    page.keyboard.press("Control+Enter")
    expect(page.locator("#fmea-table tbody tr")).to_have_count(2)
    page.keyboard.type("Packing")
    with page.expect_response(lambda r: r.request.method == "PATCH") as saved:
        page.keyboard.press("Enter")
    assert saved.value.status == 200
    rows = services.row_dicts(services.document_of(project))
    assert [r["process_item"] for r in rows] == ["", "Packing"]


@pytest.mark.parametrize("lang, theirs, yours", [("en", "“3”", "“8”"), ("fa", "«۳»", "«۸»")])
def test_second_editor_of_the_same_row_sees_both_values(page, team_project, db, api, lang, theirs, yours):
    project, leader, _ = team_project
    row = services.create_row(project, {"failure_mode": "Leak", "severity": 5, "occurrence": 5, "detection": 5})
    db.session.commit()
    sign_in(page, leader)
    page.goto(f"/projects/{project.id}/fmea?lang={lang}")
    cells = f'tr[data-id="{row.id}"]'
    page.click(f'{cells} td[data-field="occurrence"]')
    page.keyboard.type("8")  # the editor is open: this page will not pick up other changes now
    services.update_row(row, {"version": 1, "occurrence": 3})  # someone else saves first
    db.session.commit()
    page.keyboard.press("Enter")
    expect(page.locator("#fmea-status")).to_have_class(re.compile(r"\berror\b"))
    status = page.text_content("#fmea-status")
    assert theirs in status and yours in status  # in the page's digits in Persian, not «3» and «8»
    assert page.text_content(f'{cells} td[data-field="occurrence"]') == theirs.strip("“”«»")


def test_persian_table_is_rtl_and_filters_by_ap(page, team_project, db, artifacts):
    project, leader, _ = team_project
    services.create_row(project, {"failure_mode": "نشتی گاز", "failure_effect": "خطر آتش‌سوزی", "severity": 10, "occurrence": 5, "detection": 5,
                                  "target_date": "2026-12-31", "prevention_action": "حسگر گاز"})
    services.create_row(project, {"failure_mode": "فرورفتگی بدنه", "failure_effect": "ظاهر نامطلوب", "severity": 4, "occurrence": 3, "detection": 7})
    db.session.commit()
    sign_in(page, leader)
    page.goto(f"/projects/{project.id}/fmea?lang=fa")
    assert page.get_attribute("html", "dir") == "rtl"
    first = page.locator("#fmea-table tbody tr").first
    assert first.locator('td[data-field="rpn"]').text_content() == "۲۵۰"
    assert first.locator('td[data-field="target_date"]').text_content() == "۱۴۰۵/۱۰/۱۰"  # Jalali
    page.click('td[data-field="occurrence"]')
    assert "کنترل" in page.text_content("#fmea-scale-list")
    levels = page.locator("#fmea-scale-list li strong").all_text_contents()
    assert [level.strip() for level in levels[:2]] == ["۱۰", "۹"]  # the levels in Persian digits, not 10, 9
    page.select_option("#fmea-filter-ap", "H")
    visible = page.locator("#fmea-table tbody tr:not([hidden])")
    assert visible.count() == 1 and "نشتی گاز" in visible.first.text_content()
    page.select_option("#fmea-filter-ap", "")
    page.select_option("#fmea-sort", "rpn")
    assert "نشتی گاز" in page.locator("#fmea-table tbody tr").first.text_content()
    page.screenshot(path=str(artifacts / "fmea-table-fa.png"), full_page=True)


def test_reports_page_renders(page, team_project, db, artifacts):
    from workbench.fmea.demo import DEMO_ROWS

    project, leader, _ = team_project
    keys = ("process_step", "work_element", "work_element_type", "function", "failure_effect", "severity", "failure_mode",
            "failure_cause", "prevention_control", "occurrence", "detection_control", "detection")
    for values in DEMO_ROWS:
        services.create_row(project, {**dict(zip(keys, values[:-1], strict=True)), **values[-1]})
    db.session.commit()
    sign_in(page, leader)
    page.goto(f"/projects/{project.id}/fmea/reports")
    assert page.locator("svg.bar-chart g.bar").count() == 8
    page.screenshot(path=str(artifacts / "fmea-reports.png"), full_page=True)


def test_large_fmea_is_drawn_in_batches_and_sorted_over_all_rows(page, team_project, db):
    project, leader, _ = team_project
    services.create_rows(project, [{"failure_mode": f"Mode {n}", "severity": 2, "occurrence": 2, "detection": 2} for n in range(1000)]
                         + [{"failure_mode": "The worst one", "severity": 10, "occurrence": 10, "detection": 10}])
    db.session.commit()
    sign_in(page, leader)
    page.goto(f"/projects/{project.id}/fmea")
    body = page.locator("#fmea-table tbody tr")
    assert body.count() == 500
    expect(page.locator("#fmea-more")).to_have_text("Show 500 more rows")
    page.click("#fmea-more")
    assert body.count() == 1000
    expect(page.locator("#fmea-more")).to_have_text("Show one more row")  # the 1,001st, not "1 more rows"
    page.select_option("#fmea-sort", "rpn")  # sorting looks at every row, drawn or not
    assert body.count() == 500
    assert "The worst one" in body.first.text_content()
    page.select_option("#fmea-filter-ap", "H")
    assert body.count() == 1 and not page.is_visible("#fmea-more")


def test_page_keeps_up_with_changes_made_by_others(page, team_project, db):
    project, leader, _ = team_project
    kept = services.create_row(project, {"failure_mode": "Leak", "severity": 5, "occurrence": 5, "detection": 5})
    gone = services.create_row(project, {"failure_mode": "Gone soon", "severity": 2, "occurrence": 2, "detection": 2})
    db.session.commit()
    sign_in(page, leader)
    page.goto(f"/projects/{project.id}/fmea")
    cells = f'tr[data-id="{kept.id}"]'
    assert page.text_content(f'{cells} td[data-field="action_priority"]') == "L"
    # Someone else, on another laptop in the meeting:
    services.update_row(kept, {"version": 1, "severity": 9, "occurrence": 8})
    services.delete_row(gone)
    services.create_row(project, {"failure_mode": "Added by a colleague"})
    db.session.commit()
    expect(page.locator(f'{cells} td[data-field="action_priority"]')).to_have_text("H", timeout=15000)
    expect(page.locator("#fmea-table tbody")).to_contain_text("Added by a colleague", timeout=15000)
    assert "Gone soon" not in page.text_content("#fmea-table tbody")


def test_keyboard_entry_of_a_list_and_a_date_cell(page, team_project, db):
    project, leader, members = team_project
    row = services.create_row(project, {"failure_mode": "Leak"})
    db.session.commit()
    sign_in(page, leader)
    page.goto(f"/projects/{project.id}/fmea")
    cells = f'tr[data-id="{row.id}"]'
    page.click(f'{cells} td[data-field="action_status"]')
    page.keyboard.press("x")  # not an option: the list opens unchanged
    page.select_option(f'{cells} td[data-field="action_status"] select', "decision_pending")
    with page.expect_response(lambda r: r.request.method == "PATCH"):
        page.keyboard.press("Enter")
    page.click(f'{cells} td[data-field="target_date"]')
    page.keyboard.press("Enter")
    page.fill(f'{cells} td[data-field="target_date"] input', "2026-12-31")
    with page.expect_response(lambda r: r.request.method == "PATCH"):
        page.keyboard.press("Enter")
    db.session.expire_all()
    saved = db.session.get(type(row), row.id)
    assert saved.action_status == "decision_pending"
    assert saved.target_date.isoformat() == "2026-12-31"
