import ast
import re
from datetime import date
from pathlib import Path

import pytest

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


def _catalogues():
    return sorted((Path(__file__).resolve().parent.parent / "workbench").rglob("fa/LC_MESSAGES/messages.po"))


@pytest.mark.parametrize("po", _catalogues(), ids=lambda p: p.parents[3].name)
def test_every_catalogue_has_a_persian_translation_for_every_string(po):
    """Each capability's catalogue too (services, forms, validation and templates of fmea, fishbone, actions...)."""
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert untranslated == []


@pytest.mark.parametrize("po", _catalogues(), ids=lambda p: p.parents[3].name)
def test_a_key_ending_in_a_sign_is_kept_left_to_right_in_persian(po):
    """«(Alt+=)» in a Persian sentence would show as «(=+Alt)»: such a key sits between LRI and PDI."""
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    texts = [t for m in catalog if m.id for t in (m.string if isinstance(m.string, tuple) else (m.string,))]
    keys = re.compile(r"(\u2066?)((?:Ctrl|Alt|Shift)\+[^\s)،؛.\u2069]*)(\u2069?)(?=[\s)،؛.]|$)")
    bare = [text for text in texts for lri, key, pdi in keys.findall(text) if not key[-1].isalnum() and not (lri and pdi)]
    assert bare == []


# Calls whose message a user reads: a service's field errors, a date's reason, a form validator's text,
# an import row's reason. Their text must go through gettext (then the catalogue test above needs its Persian).
MESSAGE_CALLS = {"InvalidInput", "ValidationError", "DateError", "RowError", "flash", "Conflict"}
GETTEXT = {"_", "gettext", "ngettext", "_l", "lazy_gettext", "lazy_ngettext", "pgettext", "npgettext"}


def _bare_texts(node):
    """String literals in a message argument that no gettext call wraps (dict values, tuples, f-strings)."""
    if isinstance(node, ast.Call):
        return []
    if isinstance(node, ast.JoinedStr):  # words in an f-string are English; "{title}: {reason}" joins translated parts
        words = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        return [ast.unparse(node)] if any(c.isalpha() for c in words) else []
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and any(c.isalpha() for c in node.value):
        return [node.value]
    if isinstance(node, ast.Dict):
        return [t for value in node.values for t in _bare_texts(value)]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [t for value in node.elts for t in _bare_texts(value)]
    if isinstance(node, ast.BinOp):
        return _bare_texts(node.left) + _bare_texts(node.right)
    return []


def test_service_and_validation_messages_go_through_gettext():
    """Every message a service, validator or importer raises is translatable (never an English literal)."""
    root = Path(__file__).resolve().parent.parent / "workbench"
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in MESSAGE_CALLS:
                continue
            arguments = list(node.args)
            if name == "RowError":
                arguments = arguments[3:4]  # row, column, value are data; the reason is the message
            elif name == "flash":
                arguments = arguments[:1]
            elif name == "DateError":
                arguments = arguments[1:2]  # the value is data
            for text in (t for a in arguments for t in _bare_texts(a)):
                found.append(f"{path.relative_to(root)}:{node.lineno}: {text!r}")
    assert found == []


def test_numbers_in_persian_sentences_are_written_in_persian_digits(app):
    """Python messages and templates alike: the number in Persian digits, user text (an email) untouched."""
    from flask import render_template_string
    from flask_babel import gettext, ngettext, refresh

    with app.test_request_context("/?lang=fa"):
        assert gettext("Each member has 1 to %(max)d votes.", max=3) == "هر عضو ۱ تا ۳ رأی دارد."
        assert gettext("A user with the email %(email)s already exists.", email="user2@example.org").count("user2@") == 1
        assert ngettext("%(num)d complaint", "%(num)d complaints", 12).startswith("۱۲")
        page = render_template_string('{{ _("Each member has 1 to %(max)d votes.", max=3) }} {{ _("100%%") }} {{ _("%(name)s", name="<b>") }}')
        assert page == "هر عضو ۱ تا ۳ رأی دارد. 100% &lt;b&gt;"
    with app.test_request_context("/?lang=en"):
        refresh()  # the test's app context outlives the request: forget the Persian locale
        assert gettext("Each member has 1 to %(max)d votes.", max=3) == "Each member has 1 to 3 votes."


def test_numbers_and_percentages_are_written_in_the_page_language(app):
    """One helper for every number with decimals or a percent sign: Persian digits, «٫» and «٪» in Persian."""
    from flask import render_template_string
    from flask_babel import refresh

    from workbench.i18n import format_number, format_percent, format_share

    with app.test_request_context("/?lang=fa"):
        assert format_percent(12.5) == "۱۲٫۵٪" and format_percent(0.0) == "۰٫۰٪" and format_percent(None) == "—"
        assert format_percent(-35.2) == "\u200e\u2212۳۵٫۲٪"  # the minus stays left of the number in a right-to-left line
        assert format_number(1234.5) == "۱٬۲۳۴٫۵" and format_number(3) == "۳" and format_number(0.25, 3) == "۰٫۲۵۰"
        assert format_share(0.873) == "۸۷٪"
        page = render_template_string("{{ 12.5|percent }} {{ 0.5|share }} {{ '80%'|digits }} {{ ngettext('%(num)s answer', '%(num)s answers', 3) }}")
        assert page == "۱۲٫۵٪ ۵۰٪ ۸۰٪ ۳ پاسخ"
    with app.test_request_context("/?lang=en"):
        refresh()
        assert format_percent(12.5) == "12.5%" and format_percent(-35.2) == "-35.2%" and format_number(1234.5) == "1,234.5"
        page = render_template_string("{{ 12.5|percent }} {{ 0.5|share }} {{ ngettext('%(num)s answer', '%(num)s answers', 1) }}, "
                                      "{{ ngettext('%(num)s answer', '%(num)s answers', 2) }}")
        assert page == "12.5% 50% 1 answer, 2 answers"


def test_typed_text_fields_keep_their_own_direction(client, make_user, login, make_team):
    """A title or problem statement field takes the direction of what is typed in it (an English title ending with
    a full stop on a Persian page); the date field stays in the page's calendar, left to right."""
    import re

    team = make_team()
    login(team.memberships[0].user)
    page = client.get("/projects/new?lang=fa").get_data(as_text=True)
    title = re.search(r'<input[^>]*name="title"[^>]*>', page).group(0)
    statement = re.search(r'<textarea[^>]*name="problem_statement"[^>]*>', page).group(0)
    date_field = re.search(r'<input[^>]*name="target_date"[^>]*>', page).group(0)
    assert 'dir="auto"' in title and 'dir="auto"' in statement
    assert 'dir="ltr"' in date_field and 'dir="auto"' not in date_field


def test_counted_names_are_singular_for_one_in_english_and_persian_digits_in_persian(app):
    """A theme as pickers name it: "Late food (1 complaint)", "Late food (2 complaints)"; «غذای سرد (۳ شکایت)»."""
    from flask_babel import refresh

    from workbench.complaint_import.models import Theme
    from workbench.complaint_import.themes import label

    with app.test_request_context("/?lang=en"):
        refresh()
        assert label(Theme(name="Late food", size=1)) == "Late food (1 complaint)"
        assert label(Theme(name="Late food", size=2)) == "Late food (2 complaints)"
    with app.test_request_context("/?lang=fa"):
        refresh()
        assert label(Theme(name="غذای سرد", size=3)) == "غذای سرد (۳ شکایت)"
