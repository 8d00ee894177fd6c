from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from workbench.actions.labels import DECISION_LABELS, STATUS_LABELS, TYPE_LABELS
from workbench.actions.lifecycle import SIGNATURE_MEANINGS
from workbench.formtools import LocalDateField, choices
from workbench.teams.labels import STAGE_LABELS


class ActionForm(FlaskForm):
    title = StringField(_l("Action"), validators=[DataRequired(), Length(max=200)])
    type = SelectField(_l("Type"), choices=choices(TYPE_LABELS.items()))
    owner_id = SelectField(_l("Owner"), coerce=str, validate_choice=False, render_kw={"data-picker": ""})
    due_date = LocalDateField(_l("Due date"), validators=[DataRequired()])
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS.items()))
    evidence_text = TextAreaField(_l("Evidence"), validators=[Optional()])
    evidence_file = FileField(_l("Evidence file"))
    # Pickers over the project's own causes and FMEA rows (static/js/pickers.js); the service checks the choice.
    cause_id = SelectField(_l("Fishbone cause"), coerce=str, validate_choice=False, render_kw={"data-picker": ""})
    fmea_row_id = SelectField(_l("FMEA row"), coerce=str, validate_choice=False, render_kw={"data-picker": ""})


class CharterForm(FlaskForm):
    version = HiddenField()  # the charter's version when the form was read (none before the first save)
    is_text = TextAreaField(_l("Is (where, when, what the problem is)"), validators=[Optional()])
    is_not_text = TextAreaField(_l("Is not (where it could be but is not)"), validators=[Optional()])
    lessons_learned = TextAreaField(_l("Lessons learned"), validators=[Optional()])


class StageForm(FlaskForm):
    stage = SelectField(_l("Move to stage"), choices=choices((k, v) for k, v in STAGE_LABELS.items() if k != "closed"))
    reason = StringField(_l("Reason (needed to move back)"), validators=[Optional(), Length(max=2000)])


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Reason for reopening"), validators=[DataRequired()])
    stage = SelectField(_l("Reopen in stage"), choices=choices((k, v) for k, v in STAGE_LABELS.items() if k != "closed"), default="improve")


class SignOffForm(FlaskForm):
    meaning = SelectField(_l("Meaning of my signature"), choices=choices(SIGNATURE_MEANINGS.items()))
    password = PasswordField(_l("Re-enter your password to sign"), validators=[DataRequired()])


class CheckForm(FlaskForm):
    criteria = TextAreaField(_l("Criteria"), validators=[DataRequired()])
    actions_on = LocalDateField(_l("Actions took effect on"), validators=[DataRequired()])
    check_date = LocalDateField(_l("Check date"), validators=[DataRequired()])
    process_owner = SelectField(_l("Process owner"), coerce=str, validate_choice=False)
    product = StringField(_l("Product"), validators=[Optional(), Length(max=200)])
    category = StringField(_l("Category"), validators=[Optional(), Length(max=40)])


class DecisionForm(FlaskForm):
    # No decision is preset: the first choice is empty and a choice is required.
    decision = SelectField(_l("Decision"), choices=choices([("", _l("Choose the decision"))]) + choices((k, v) for k, v in DECISION_LABELS.items() if k != "pending"),
                           validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional()])
