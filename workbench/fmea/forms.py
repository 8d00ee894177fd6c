"""Forms of the FMEA pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from workbench.formtools import LocalDateField, choices


class HeaderForm(FlaskForm):
    version = HiddenField()
    kind = SelectField(_l("FMEA type"), choices=choices([("process", _l("Process FMEA")), ("design", _l("Design FMEA"))]))
    title = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    company = StringField(_l("Company"), validators=[Length(max=200)])
    location = StringField(_l("Site"), validators=[Length(max=200)])
    customer = StringField(_l("Customer"), validators=[Length(max=200)])
    program = StringField(_l("Model / programme"), validators=[Length(max=200)])
    responsible = StringField(_l("Process responsibility"), validators=[Length(max=200)])
    confidentiality = StringField(_l("Confidentiality level"), validators=[Length(max=80)])
    rating_scale = SelectField(_l("Rating scales"), choices=choices([
        ("manufacturing", _l("Manufacturing (AIAG-VDA PFMEA)")),
        ("service", _l("Service process (per 1,000 orders)")),
    ]), validate_choice=False)  # checked by services.save_header; left out of a post, the FMEA keeps its scale
    start_date = LocalDateField(_l("Start date"), validators=[Optional()])


class StandaloneForm(FlaskForm):
    """A new FMEA that belongs to a process owner rather than to a project."""

    process_owner = SelectField(_l("Process owner"), coerce=int, validators=[DataRequired()])
    kind = SelectField(_l("FMEA type"), choices=choices([("process", _l("Process FMEA")), ("design", _l("Design FMEA"))]))
    title = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])


class SettingsForm(FlaskForm):
    version = HiddenField()  # the version the form was read at: a stale one is refused (409)
    priority_driver = SelectField(
        _l("What drives priority"),
        choices=choices([("ap", _l("Action Priority (AIAG-VDA 2019)")), ("rpn", _l("RPN over a threshold (legacy)"))]),
    )
    rpn_threshold = IntegerField(_l("RPN threshold"), validators=[NumberRange(min=1, max=1000)])


class ImportForm(FlaskForm):
    file = FileField(_l("Workbook (.xlsx, .xls) or CSV"), validators=[FileRequired()])


class RevisionForm(FlaskForm):
    label = StringField(_l("Name of the baseline"), validators=[DataRequired(), Length(max=200)])
