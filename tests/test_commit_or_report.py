"""``formtools.commit_or_report``: the one way a page commits a service's writes or tells the person why not."""

import ast
from pathlib import Path

from flask import get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import HiddenField, StringField

from workbench.formtools import commit_or_report, form_status
from workbench.models import ProcessOwner
from workbench.validation import Conflict, InvalidInput


class NameForm(FlaskForm):
    name = StringField()
    version = HiddenField()


def _owners(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ProcessOwner))


def _add_owner(db):
    db.session.add(ProcessOwner(key="logistics", name_en="Logistics", name_fa="لجستیک"))
    db.session.flush()


def test_it_commits_when_nothing_is_refused(app, db):
    before = _owners(db)
    with app.test_request_context("/", method="POST", data={"name": "x"}):
        with commit_or_report(NameForm()) as saved:
            _add_owner(db)
        assert saved and saved.status == 200
    db.session.rollback()
    assert _owners(db) == before + 1


def test_invalid_input_goes_beside_its_field_and_nothing_is_written(app, db):
    before = _owners(db)
    with app.test_request_context("/", method="POST", data={"name": "x"}):
        form = NameForm()
        assert form.validate_on_submit()  # as a page does before saving
        with commit_or_report(form) as saved:
            _add_owner(db)
            raise InvalidInput({"name": "Name is taken.", "_": "Check the form."})
        assert not saved and saved.status == 400 and form_status(saved) == 400
        assert form.name.errors == ["Name is taken."]
        assert get_flashed_messages(with_categories=True) == [("error", "Check the form.")]
    assert _owners(db) == before


def test_a_conflict_says_who_won_and_keeps_the_input(app, db):
    before = _owners(db)
    with app.test_request_context("/", method="POST", data={"name": "mine", "version": "2"}):
        form = NameForm()
        assert form.validate_on_submit()
        with commit_or_report(form) as saved:
            _add_owner(db)
            raise Conflict(current={"version": 3, "name": "theirs"}, submitted={"version": 2, "name": "mine"})
        assert not saved and form_status(saved) == 409
        assert form.name.data == "mine" and form.version.data == 3  # saving again is a choice made knowingly
        [(category, message)] = get_flashed_messages(with_categories=True)
        assert category == "error" and "now version 3, you edited version 2" in message and "kept in the form" in message
    assert _owners(db) == before


def test_without_a_form_messages_are_flashed_and_handlers_can_say_more(app, db):
    with app.test_request_context("/", method="POST"):
        with commit_or_report():
            raise InvalidInput({"phrase": "Too short."})
        assert get_flashed_messages() == ["Too short."]
    with app.test_request_context("/", method="POST"):
        with commit_or_report() as saved:
            raise Conflict(current={"version": 5}, submitted={"version": 4})
        assert saved.status == 409 and "Both versions are included" in get_flashed_messages()[0]
    with app.test_request_context("/", method="POST"):
        told = []
        with commit_or_report(on_invalid=told.append, on_conflict=told.append):
            raise InvalidInput("No.")
        assert len(told) == 1 and not get_flashed_messages()


def test_other_errors_pass_through(app, db):
    with app.test_request_context("/", method="POST"):
        try:
            with commit_or_report():
                raise KeyError("x")
        except KeyError:
            pass
        else:
            raise AssertionError("a programming error must not be swallowed")


def test_a_real_page_keeps_the_persons_input_on_refusal(client, login, make_user, db):
    """The last administrator cannot lose the role: the form comes back (400) with the message beside the role."""
    admin = make_user(role="admin")
    login(admin)
    response = client.post(f"/admin/users/{admin.id}", data={"email": admin.email, "name": "Renamed", "role": "viewer", "locale": "en", "version": admin.version})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The last administrator cannot lose the role." in page and 'value="Renamed"' in page
    db.session.expire_all()
    assert admin.role == "admin" and admin.name != "Renamed"


def test_pages_roll_back_only_through_the_helper():
    """No page module keeps its own copy of try/commit/rollback/flash; the uploads whose report is a file's rows are the exceptions."""
    root = Path(__file__).resolve().parent.parent / "workbench"
    own_report = {"fmea/routes_import.py", "complaint_import/routes_imports.py"}
    found = []
    for path in sorted(root.rglob("*.py")):
        name = str(path.relative_to(root))
        if not path.name.startswith("routes") or name in own_report:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "rollback":
                found.append(f"{name}:{node.lineno}")
    assert not found, "use formtools.commit_or_report: " + ", ".join(found)
