"""Pickers instead of ids, and date fields in the page's calendar, as a user sees them at 1280×720.

In Persian and English: type part of a name, pick it, save, and the saved action shows its cause and
FMEA row as links; the Persian due date comes from the Jalali calendar, the English one is ISO."""

import re

import pytest

pytestmark = pytest.mark.browser

CAUSE = {"fa": "راننده دیر می‌رسد", "en": "Driver arrives late"}
ROW = {"fa": "تحویل دیرهنگام", "en": "Late delivery"}


def _pick(page, select_name: str, typed: str, option_text: str) -> None:
    """Type into the picker that replaced ``select[name=…]`` and click the matching option."""
    from playwright.sync_api import expect

    wrapper = page.locator(f"select[name='{select_name}'] + .ts-wrapper")
    wrapper.locator(".ts-control").click()
    expect(wrapper.locator(".ts-dropdown")).to_be_visible()
    expect(wrapper.locator(".ts-control input")).to_be_focused()
    page.keyboard.type(typed)
    option = wrapper.locator(".ts-dropdown .option", has_text=option_text).first
    expect(option).to_be_visible()
    option.click()
    expect(wrapper.locator(".ts-dropdown")).to_be_hidden()  # picked: the list closes
    expect(wrapper.locator(".ts-control .item")).to_have_text(re.compile(re.escape(option_text)))


def _read_by_scripts(field) -> str:
    """A date field's value as the page's scripts (the calendar, the FMEA grid) read it: Latin digits (static/js/pickers.js)."""
    return field.evaluate("el => el.value")


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_action_picks_owner_cause_and_fmea_row_and_shows_them(page, page_login, page_errors, db, make_user, make_team, make_project, artifacts, lang):
    from playwright.sync_api import expect

    from workbench.actions.models import CorrectiveAction
    from workbench.fishbone import services as fishbone
    from workbench.fmea import services as fmea

    page.set_viewport_size({"width": 1280, "height": 720})
    leader = make_user(name="Leila Leader" if lang == "en" else "لیلا رهبر", locale=lang)
    owner = make_user(name="Omid Owner" if lang == "en" else "امید مسئول", locale=lang)
    team = make_team(members=[leader, owner, make_user()])
    project = make_project(team=team)
    diagram = fishbone.create_diagram(project, "6m", lang)
    category = diagram.categories[0]
    category_name = category.name
    fishbone.add_cause(diagram, leader, {"text": "Weather", "category_id": category.id})
    cause = fishbone.add_cause(diagram, leader, {"text": CAUSE[lang], "category_id": category.id})
    row = fmea.create_row(project, {"failure_mode": ROW[lang], "failure_cause": CAUSE[lang]})
    db.session.commit()
    problems = page_errors
    page_login(leader)
    page.goto(f"/projects/{project.id}/actions")
    page.fill("input[name=title]", "Second carrier" if lang == "en" else "پیمانکار دوم")
    _pick(page, "owner_id", owner.name[:3], owner.name)
    due = page.locator("input[name=due_date]")
    if lang == "fa":
        expect(due).to_have_attribute("placeholder", "۱۴۰۳/۰۵/۱۲")
        due.click()
        calendar = page.locator("jdp-container")
        expect(calendar).to_be_visible()
        calendar.locator(".jdp-day:not(.not-in-month):not(.disabled-day)", has_text=re.compile(r"^(15|۱۵)$")).first.click()
        expect(due).to_have_value(re.compile(r"^۱۴[۰-۹]{2}/[۰-۹]{2}/۱۵$"))  # a Jalali date from the calendar, in Persian digits
        assert re.fullmatch(r"14\d\d/\d\d/15", _read_by_scripts(due))
        due.fill("")
        due.press_sequentially("1405/02/03")  # typed with Latin digits: shown in Persian, read by the server
        page.keyboard.press("Escape")
        expect(due).to_have_value("۱۴۰۵/۰۲/۰۳")
    else:
        assert due.get_attribute("type") == "date"  # the browser's ISO field, never a Jalali placeholder
        due.fill("2026-04-04")
    _pick(page, "cause_id", CAUSE[lang][:5], CAUSE[lang])
    _pick(page, "fmea_row_id", ROW[lang][:4], ROW[lang])
    page.screenshot(path=str(artifacts / f"pickers-action-form-{lang}.png"), full_page=False)
    page.locator("form.stacked button[type=submit]").click()
    table = page.locator("table.action-table")
    expect(table.get_by_role("link", name=f"{category_name} › {CAUSE[lang]}", exact=True)).to_have_attribute("href", f"/projects/{project.id}/fishbone")
    expect(table.get_by_role("link", name=f"{ROW[lang]} — {CAUSE[lang]}", exact=True)).to_have_attribute("href", f"/projects/{project.id}/fmea#row-{row.id}")
    expect(table).to_contain_text(owner.name)
    page.screenshot(path=str(artifacts / f"pickers-action-saved-{lang}.png"), full_page=True)
    db.session.expire_all()
    action = db.session.scalar(db.select(CorrectiveAction))
    assert (action.owner_id, action.cause_id, action.fmea_row_id) == (owner.id, cause.id, row.id)
    if lang == "en":
        assert action.due_date.isoformat() == "2026-04-04"
    else:
        assert action.due_date.isoformat() == "2026-04-23"  # 1405/02/03, posted in Persian digits
    assert problems == []


def test_team_form_finds_a_person_by_typing(page, page_login, page_errors, db, make_user, make_team, artifacts):
    from playwright.sync_api import expect

    from workbench.teams import people
    from workbench.teams.models import Team

    page.set_viewport_size({"width": 1280, "height": 720})
    qm = make_user(role="quality_manager", locale="fa")
    team = make_team()
    for n in range(people.INLINE_PEOPLE):  # the form renders the first 200 by name: the newcomer is found by search only
        make_user(name=f"آ {n:03d}", email=f"a{n}@example.org")
    newcomer = make_user(name="یاسمن نوری", email="yasaman@example.org")
    problems = page_errors
    page_login(qm)
    page.goto(f"/teams/{team.id}/edit")
    assert page.locator(f"select[name='members-3-user_id'] option[value='{newcomer.id}']").count() == 0
    _pick(page, "members-3-user_id", "یاسمن", "یاسمن نوری")
    page.screenshot(path=str(artifacts / "pickers-team-form-fa.png"), full_page=False)
    page.locator("form.stacked button[type=submit]").click()
    expect(page.locator(".flash")).to_be_visible()
    expect(page.locator("main")).to_contain_text("یاسمن نوری")
    db.session.expire_all()
    assert newcomer.id in {m.user_id for m in db.session.get(Team, team.id).memberships}
    assert problems == []


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_fishbone_evidence_picks_a_complaint_by_its_words(page, page_login, page_errors, db, make_user, make_team, make_project, artifacts, lang):
    from playwright.sync_api import expect

    from workbench.complaint_import.models import Complaint
    from workbench.complaint_import.textnorm import normalise
    from workbench.fishbone import services as fishbone
    from workbench.fishbone.models import FishboneEvidence
    from workbench.models import utcnow

    page.set_viewport_size({"width": 1280, "height": 720})
    leader = make_user(locale=lang)
    project = make_project(team=make_team(members=[leader, make_user()]))
    diagram = fishbone.create_diagram(project, "6m", lang)
    fishbone.add_cause(diagram, leader, {"text": CAUSE[lang], "category_id": diagram.categories[0].id})
    words = "راننده بی‌ادب بود" if lang == "fa" else "The driver was rude"
    complaint = Complaint(source="crm", external_id="K-7", received_at=utcnow().date(), text=words,
                          text_norm=normalise(words), content_hash="k7")
    db.session.add(complaint)
    db.session.commit()
    problems = page_errors
    page_login(leader)
    page.goto(f"/projects/{project.id}/fishbone")
    page.locator("#fb-outline li", has_text=CAUSE[lang]).click()
    form = page.locator("form.fb-evidence-form")
    form.locator("select[name=kind]").select_option("complaint")
    _pick(page, "complaint_id", words.split()[1][:3], "K-7")
    form.locator("button[type=submit]").click()
    expect(page.locator(".fb-evidence-list li").first).to_contain_text(f"K-7 · {words}")
    page.screenshot(path=str(artifacts / f"pickers-evidence-complaint-{lang}.png"))
    db.session.expire_all()
    assert db.session.scalar(db.select(FishboneEvidence.complaint_id)) == complaint.id
    assert problems == []


def test_fmea_grid_date_cell_uses_the_jalali_calendar_in_persian(page, page_login, page_errors, db, make_user, make_team, make_project, artifacts):
    """The FMEA grid's date cell on a Persian page: Jalali text and the Jalali calendar, never the browser's mm/dd/yyyy."""
    from playwright.sync_api import expect

    from workbench.fmea import services as fmea
    from workbench.fmea.models import FmeaRow

    page.set_viewport_size({"width": 1280, "height": 720})
    leader = make_user(locale="fa")
    project = make_project(team=make_team(members=[leader, make_user()]))
    row = fmea.create_row(project, {"failure_mode": ROW["fa"], "target_date": "2024-08-02"})
    db.session.commit()
    problems = page_errors
    page_login(leader)
    page.goto(f"/projects/{project.id}/fmea")
    cell = page.locator(f'tr[data-id="{row.id}"] td[data-field="target_date"]')
    expect(cell).to_have_text("۱۴۰۳/۰۵/۱۲")
    cell.click()
    page.keyboard.press("Enter")
    editor = cell.locator("input")
    assert editor.get_attribute("type") == "text"
    expect(editor).to_have_value("۱۴۰۳/۰۵/۱۲")
    assert _read_by_scripts(editor) == "1403/05/12"
    calendar = page.locator("jdp-container")
    expect(calendar).to_be_visible()
    page.screenshot(path=str(artifacts / "pickers-fmea-date-fa.png"))
    with page.expect_response(lambda r: r.request.method == "PATCH"):
        calendar.locator(".jdp-day:not(.not-in-month)", has_text=re.compile(r"^(20|۲۰)$")).first.click()
    expect(cell).to_have_text("۱۴۰۳/۰۵/۲۰")
    db.session.expire_all()
    assert db.session.get(FmeaRow, row.id).target_date.isoformat() == "2024-08-10"
    assert problems == []


def test_fmea_responsible_cell_finds_a_person_by_typing_and_saves(page, page_login, page_errors, db, make_user, make_team, make_project, artifacts):
    """The grid's responsible cell: the page carries a few people; typing finds the others on the server."""
    from playwright.sync_api import expect

    from workbench.fmea import people
    from workbench.fmea import services as fmea
    from workbench.fmea.models import FmeaRow

    page.set_viewport_size({"width": 1280, "height": 720})
    leader = make_user(name="Leila Leader", locale="en")
    for n in range(people.INLINE_PEOPLE):  # managers may be responsible too: they fill the page's short list
        make_user(name=f"Aaron {n:02d}", role="quality_manager")
    zahra = make_user(name="زهرا زند", locale="fa")
    project = make_project(team=make_team(members=[leader, zahra]))
    row = fmea.create_row(project, {"failure_mode": ROW["en"], "failure_cause": CAUSE["en"]})
    db.session.commit()
    problems = page_errors
    page_login(leader)
    page.goto(f"/projects/{project.id}/fmea")
    assert "زهرا" not in page.locator("#fmea-data").text_content()  # not sent with the page: found by search only
    cell = page.locator(f'tr[data-id="{row.id}"] td[data-field="responsible_id"]')
    cell.click()
    page.keyboard.press("Enter")
    expect(cell.locator(".ts-control input")).to_be_focused()
    page.keyboard.type("زهر")
    option = page.locator(".ts-dropdown .option", has_text="زهرا زند").first
    expect(option).to_be_visible()
    page.screenshot(path=str(artifacts / "pickers-fmea-responsible.png"))
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.status == 200):
        option.click()
    expect(cell).to_have_text("زهرا زند")
    expect(page.locator(".ts-dropdown")).to_have_count(0)  # the picker is gone with the edit
    db.session.expire_all()
    assert db.session.get(FmeaRow, row.id).responsible_id == zahra.id
    page.reload()
    expect(page.locator(f'tr[data-id="{row.id}"] td[data-field="responsible_id"]')).to_have_text("زهرا زند")
    assert problems == []


def test_project_charter_finds_a_theme_by_typing_and_saves(page, page_login, page_errors, db, make_user, make_team, make_project, artifacts):
    from playwright.sync_api import expect

    from workbench.complaint_import.models import Theme
    from workbench.teams import theme_link
    from workbench.teams.models import ImprovementProject

    page.set_viewport_size({"width": 1280, "height": 720})
    db.session.add_all([Theme(name=f"Theme {n:03d}", size=1000 - n) for n in range(theme_link.INLINE_THEMES)])
    wanted = Theme(name="غذا سرد رسید", size=3)
    db.session.add(wanted)
    leader = make_user(locale="fa")
    project = make_project(team=make_team(members=[leader, make_user()]))
    db.session.commit()
    problems = page_errors
    page_login(leader)
    page.goto(f"/projects/{project.id}/edit")
    assert page.locator(f"select[name='theme_id'] option[value='{wanted.id}']").count() == 0  # the biggest 50 only
    _pick(page, "theme_id", "سرد", "غذا سرد رسید")
    page.screenshot(path=str(artifacts / "pickers-project-theme-fa.png"))
    page.locator("form.stacked button[type=submit]").click()
    expect(page.locator(".flash")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(ImprovementProject, project.id).theme_id == wanted.id
    assert problems == []


def test_fmea_create_action_dialog_finds_its_owner_by_typing(page, page_login, page_errors, db, make_user, make_team, make_project, artifacts):
    from playwright.sync_api import expect

    from workbench.actions.models import CorrectiveAction
    from workbench.fmea import people
    from workbench.fmea import services as fmea

    page.set_viewport_size({"width": 1280, "height": 720})
    leader = make_user(name="Leila Leader", locale="en")
    for n in range(people.INLINE_PEOPLE):
        make_user(name=f"Aaron {n:02d}", role="quality_manager")
    zahra = make_user(name="Zahra Zand", locale="en")
    project = make_project(team=make_team(members=[leader, zahra]))
    row = fmea.create_row(project, {"failure_mode": ROW["en"], "failure_cause": CAUSE["en"], "prevention_action": "Second carrier"})
    db.session.commit()
    problems = page_errors
    page_login(leader)
    page.goto(f"/projects/{project.id}/fmea")
    page.locator(f'tr[data-id="{row.id}"] td[data-field="corrective_actions"] button').click()
    dialog = page.locator("dialog.fmea-action-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".ts-control input")).to_be_focused()  # no owner yet: the picker has the focus
    page.keyboard.type("Zah")
    option = dialog.locator(".ts-dropdown .option", has_text="Zahra Zand").first
    expect(option).to_be_visible()
    option.click()
    dialog.locator("input[name=due_date]").fill("2026-05-04")
    page.screenshot(path=str(artifacts / "pickers-fmea-action-owner.png"))
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_have_count(0)
    expect(page.locator(f'tr[data-id="{row.id}"] td[data-field="corrective_actions"]')).to_contain_text("Second carrier")
    db.session.expire_all()
    action = db.session.scalar(db.select(CorrectiveAction))
    assert action.owner_id == zahra.id and action.due_date.isoformat() == "2026-05-04"
    assert problems == []
