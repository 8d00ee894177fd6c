"""Forms of the complaint pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, FloatField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from workbench.formtools import choices


class UploadForm(FlaskForm):
    file = FileField(_l("CSV or Excel file"), validators=[FileRequired()])
    source = StringField(_l("Source (the system the file comes from)"), validators=[DataRequired(), Length(max=80)])
    preset = SelectField(_l("Saved column mapping"), coerce=str, validate_choice=False)


class RuleForm(FlaskForm):
    target = SelectField(_l("Classifies"), choices=choices([("owner", _l("Process owner")), ("category", _l("Expectation category"))]))
    key = SelectField(_l("Owner or category"), coerce=str, validate_choice=False)
    phrase = StringField(_l("Word or phrase"), validators=[DataRequired(), Length(max=200)])
    weight = FloatField(_l("Weight"), default=1.0, validators=[Optional(), NumberRange(min=0.1, max=10)])
    active = BooleanField(_l("Active"), default=True)


class CategoryForm(FlaskForm):
    key = StringField(_l("Key (stable, e.g. delivery_speed)"), validators=[DataRequired(), Length(max=40)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=120)])
    name_fa = StringField(_l("Name in Persian"), validators=[DataRequired(), Length(max=120)])
