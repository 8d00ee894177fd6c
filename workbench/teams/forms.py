from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from workbench.formtools import LocalDateField, choices
from workbench.teams.services import MAX_TEAM_SIZE

MEMBER_ROLE_CHOICES = [
    ("customer_affairs", _l("Customer-affairs representative")),
    ("process_expert", _l("Process expert")),
]


class MemberForm(Form):
    user_id = SelectField(_l("Person"), coerce=str, validate_choice=False, render_kw={"data-picker": ""})
    role = SelectField(_l("Role in the team"), choices=choices(MEMBER_ROLE_CHOICES), validate_choice=False)
    process_owner = SelectField(_l("Process owner"), coerce=str, validate_choice=False)


class TeamForm(FlaskForm):
    version = HiddenField()  # the version the form was read at: a stale one is refused (409)
    name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=120)])
    leader_id = SelectField(_l("Leader"), coerce=str, validate_choice=False, render_kw={"data-picker": ""})
    members = FieldList(FormField(MemberForm), min_entries=MAX_TEAM_SIZE, max_entries=MAX_TEAM_SIZE)

    def member_rows(self) -> list[dict]:
        """The filled-in member rows as plain data for the service."""
        return [
            {"user_id": row.user_id.data, "role": row.role.data, "process_owner": row.process_owner.data or None}
            for row in self.members
            if row.user_id.data
        ]


class ProjectForm(FlaskForm):
    version = HiddenField()  # the version the form was read at: a stale one is refused (409)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    problem_statement = TextAreaField(_l("Problem statement"), validators=[Optional()])
    team_id = SelectField(_l("Team"), coerce=str, validate_choice=False)
    process_owner = SelectField(_l("Process owner"), coerce=str, validate_choice=False)
    theme_id = SelectField(_l("Complaint theme it came from"), coerce=str, validate_choice=False, render_kw={"data-picker": ""})
    target_date = LocalDateField(_l("Target date"), validators=[Optional()])
