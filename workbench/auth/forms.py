from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from workbench.formtools import EmailAddress, choices


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), EmailAddress()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))


class PreferencesForm(FlaskForm):
    version = HiddenField()  # the account's version when the page was read: an admin's edit meanwhile is not overwritten
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language"), choices=choices([("fa", "فارسی"), ("en", "English")]))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8)])
    repeat = PasswordField(_l("Repeat new password"), validators=[DataRequired(), EqualTo("new")])


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for POST-only buttons."""
