from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from workbench.formtools import EmailAddress, choices
from workbench.roles import role_choices


class UserForm(FlaskForm):
    version = HiddenField()  # the version the form was read at: a stale one is refused (409)
    email = EmailField(_l("Email"), validators=[DataRequired(), EmailAddress()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=choices(role_choices()))
    locale = SelectField(_l("Language"), choices=choices([("fa", "فارسی"), ("en", "English")]))
    password = PasswordField(_l("Password"), validators=[Optional(), Length(min=8)])
    active = BooleanField(_l("Active"), default=True)


class ProcessOwnerForm(FlaskForm):
    version = HiddenField()  # the version the form was read at: a stale one is refused (409)
    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=40)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=120)])
    name_fa = StringField(_l("Name in Persian"), validators=[DataRequired(), Length(max=120)])
    active = BooleanField(_l("Active"), default=True)
