from datetime import date

from workbench.models import User


def test_lang_switch_and_preference_is_remembered(client, make_user, login, db):
    user = make_user(locale="en")
    login(user)
    page = client.get("/?lang=fa").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in page
    assert "پروژه‌های بهبود اخیر" in page
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "fa"
    assert '<html lang="fa" dir="rtl">' in client.get("/teams").get_data(as_text=True)
    page = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page and "Recent improvement projects" in page


def test_user_preference_sets_the_language_at_sign_in(client, make_user, login):
    login(make_user(locale="fa"))
    assert 'dir="rtl"' in client.get("/").get_data(as_text=True)


def test_anonymous_visitor_gets_the_browser_language(client):
    page = client.get("/login", headers={"Accept-Language": "fa-IR,fa;q=0.9"}).get_data(as_text=True)
    assert 'lang="fa"' in page and "ورود" in page
    page = client.get("/login", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert 'lang="en"' in page and "Sign in" in page


def test_dates_are_jalali_in_persian_and_gregorian_in_english(client, make_user, login, make_project):
    project = make_project(started_on=date(2024, 8, 2))  # 1403/05/12
    login(make_user(role="quality_manager", locale="fa"))
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "۱۴۰۳/۰۵/۱۲" in page
    page = client.get(f"/projects/{project.id}?lang=en").get_data(as_text=True)
    assert "Aug 2, 2024" in page and "1403" not in page


def test_translated_validation_messages(client, make_user, login, make_team):
    team = make_team()
    login(make_user(role="quality_manager", locale="fa"))
    response = client.post("/api/v1/projects", json={"team_id": team.id})
    assert response.get_json()["errors"]["title"] == "پروژه باید عنوان داشته باشد."


def test_every_core_string_has_a_persian_translation():
    from pathlib import Path

    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parent.parent / "workbench/translations/fa/LC_MESSAGES/messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    assert untranslated == []
