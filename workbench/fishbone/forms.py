"""Forms of the fishbone pages (the live editor itself talks to the JSON API)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from workbench.formtools import choices

TEMPLATE_LABELS = (
    ("6m", _l("6M: People, Machine, Method, Material, Measurement, Environment")),
    ("8p", _l("8P for services: Product, Price, Place, Promotion, People, Process, Physical evidence, Productivity")),
    ("4s", _l("4S: Surroundings, Suppliers, Systems, Skills")),
    ("custom", _l("Custom: start with no categories")),
)


class StartForm(FlaskForm):
    template = SelectField(_l("Categories"), choices=choices(TEMPLATE_LABELS))
    language = SelectField(_l("Category names in"), choices=choices([("fa", "فارسی"), ("en", "English")]))
    effect = TextAreaField(_l("Effect (the problem at the head)"), validators=[Optional(), Length(max=2000)])


class ImportForm(FlaskForm):
    outline = TextAreaField(_l("Outline (indented list or Mermaid ishikawa)"), validators=[Optional()])
    file = FileField(_l("…or an outline file (.txt, .mmd)"))


class CategoryForm(FlaskForm):
    name = StringField(_l("Category"), validators=[DataRequired(), Length(max=120)])


class EffectForm(FlaskForm):
    effect = TextAreaField(_l("Effect (the problem at the head)"), validators=[DataRequired(), Length(max=2000)])
    version = IntegerField(validators=[Optional()])
