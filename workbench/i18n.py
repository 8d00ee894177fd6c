"""Language (Persian RTL / English LTR) and calendar (Jalali / Gregorian) handling."""

import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, current_app, g, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import Domain, get_locale, get_translations, to_user_timezone
from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from workbench import dates
from workbench.extensions import db
from workbench.roles import Role, role_label
from workbench.users import actor_label

PACKAGE_DIR = Path(__file__).resolve().parent


def translation_directories() -> list[str]:
    """Every ``translations`` folder in the package tree: each capability keeps its own."""
    return sorted(str(p) for p in PACKAGE_DIR.rglob("translations") if p.is_dir())


def select_locale() -> str:
    """?lang= wins (and is remembered), then the user's preference, then the browser."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        if current_user.is_authenticated and current_user.locale != asked:
            current_user.locale = asked
            db.session.commit()
        return asked
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    if not has_request_context():
        return "UTC"
    return current_app.config.get("DISPLAY_TIMEZONE", "Asia/Tehran") if is_persian() else "UTC"


class _PageLanguage:
    """The page's locale, its code and its catalogue, read once from Flask-Babel and kept beside its locale."""

    __slots__ = ("locale", "code", "persian", "translations")

    def __init__(self, locale, translations):
        self.locale = locale
        self.code = str(locale) if locale is not None else ""
        self.persian = self.code == "fa"
        self.translations = translations


def page_language() -> _PageLanguage:
    """The language of what is being rendered now: its code, whether it is Persian, and its catalogue.

    Flask-Babel looks the locale and catalogue up through several context proxies at every call (a list
    page made ~3,000 such lookups); this keeps them in Flask-Babel's own per-request namespace, next to
    the locale they belong to, so ``force_locale`` (which swaps that locale) and ``refresh`` still count.
    """
    # The app context straight from its context variable: through the ``g`` proxy each look-up costs as
    # much as the rest of this function, and a page asks a few hundred times.
    app_context = _cv_app.get(None)
    known = getattr(app_context.g.__dict__.get("_flask_babel"), "__dict__", None) if app_context is not None else None
    if known is not None:
        cached = known.get("workbench_language")
        if cached is not None and cached.locale is known.get("babel_locale"):
            return cached
    language = _PageLanguage(get_locale(), get_translations())
    ctx = g.get("_flask_babel") if app_context is not None else None
    if ctx is not None:
        ctx.workbench_language = language
    return language


def is_persian() -> bool:
    return page_language().persian


def text_direction() -> str:
    return "rtl" if is_persian() else "ltr"


def starts_right_to_left(text: str) -> bool:
    """Whether the first strong character of ``text`` is right-to-left (its base direction, as browsers judge ``dir=auto``)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def isolate(text) -> str:
    """User text (a title, a name, a phrase) set apart inside a sentence of plain text, as ``<bdi>`` does in HTML:
    Unicode's first-strong isolate (FSI … PDI), so an English title in a Persian message, or a Persian one in
    an English message, keeps its own direction and the sentence's punctuation stays on the sentence's side."""
    return f"\u2068{text}\u2069"


def bdi(text) -> Markup:
    """User text set apart in HTML (``<bdi>``), for a name or title passed into a translated sentence."""
    return Markup("<bdi>{}</bdi>").format(text)


def join_list(parts) -> str:
    """Join short phrases with the page language's comma: «، » on Persian pages (a Latin comma or a middle dot
    next to Persian digits reads as a digit: «·» looks like zero «۰»), ", " otherwise."""
    return ("، " if is_persian() else ", ").join(str(part) for part in parts if part)


_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PERCENT = re.compile(r"(?<=\d) ?%")
_MINUS = re.compile(r"(?<![\w.])[-\u2212](?=\d)")


def persian_number_text(text) -> str:
    """Number text written the Persian way: digits ۰-۹, «٫» for the decimal point, «٬» between thousands,
    «٪» for a percent sign after a number, and a minus kept left of its number (CLDR's LRM and «−»)."""
    text = str(text)
    if not any(char.isdigit() for char in text):
        return text
    text = _MINUS.sub("\u200e\u2212", _PERCENT.sub("٪", _THOUSANDS.sub("٬", _DECIMAL_POINT.sub("٫", text))))
    return dates.to_persian_digits(text)


def persian_digits(value) -> str:
    """Numbers in ``value`` as the page writes them: the Persian way on Persian pages (``persian_number_text``)."""
    return persian_number_text(value) if is_persian() else str(value)


def format_number(value, decimals: int | None = None) -> str:
    """A number as the page writes it («۱٬۲۳۴٫۵» in Persian, "1,234.5" in English); "—" when there is none.
    ``decimals`` fixes the places after the point; without it an integer shows none, a fraction as stored."""
    if value is None:
        return "—"
    if decimals is not None:
        text = f"{value:,.{decimals}f}"
    elif isinstance(value, float) and not value.is_integer():
        text = f"{value:,}"
    else:
        text = f"{int(value):,}"
    return persian_digits(text)


def format_percent(value, decimals: int = 1) -> str:
    """A share already in percent (12.5) as «۱۲٫۵٪» in Persian and "12.5%" in English; "—" when there is none."""
    if value is None:
        return "—"
    return persian_digits(f"{value:,.{decimals}f}%")


def format_share(value, decimals: int = 0) -> str:
    """A fraction from 0 to 1 (a confidence, an accuracy) as a percent: 0.873 is «۸۷٪» / "87%"."""
    return "—" if value is None else format_percent(100 * value, decimals)


def format_date(value: date | datetime | None, fmt: str = "medium") -> str:
    """Jalali with Persian digits in Persian, Gregorian (Babel's ``fmt``) in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = babel_to_local(value).date()
    language = page_language()
    return _date_text(language.code, language.locale, value, fmt)


@lru_cache(maxsize=8192)
def _date_text(code: str, locale, value: date, fmt: str) -> str:
    # A date's text depends on nothing but the language and the date: list pages show the same few days
    # row after row, and Babel's formatting costs more than the rest of a table cell.
    if code == "fa":
        return dates.to_persian_digits(dates.jalali_text(value))
    return babel_format_date(value, fmt)  # in the current locale, which is ``locale``


def format_datetime(value: datetime | None) -> str:
    """A date with its time of day, in the page's calendar."""
    if value is None:
        return ""
    if is_persian():
        return dates.to_persian_digits(dates.jalali_text(babel_to_local(value), with_time=True))
    return babel_format_datetime(value, "medium")


def babel_to_local(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return to_user_timezone(value)


def localized_name(obj) -> str:
    """``name_fa`` or ``name_en`` of an object by the page language."""
    if obj is None:
        return ""
    return obj.name_fa if is_persian() else obj.name_en


def date_input(value) -> str:
    """A date (or ISO text) as typed in a date field of this page: Jalali in Persian digits (the field's
    script hands the calendar Latin ones, static/js/pickers.js), ISO in English; other text as it was typed."""
    if not is_persian():
        return dates.input_text(value, jalali=False)
    shown = dates.input_text(value, jalali=True)
    return dates.to_persian_digits(shown) if dates.split(shown) is not None else shown


_PLACEHOLDER = re.compile(r"%\((\w+)\)([-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGs])")


def format_message(text, variables: dict, always: bool = False):
    """``text % variables``, with the numbers written in Persian digits on a Persian page
    («هر نفر ۳ رأی», never «هر نفر 3 رأی»); names, emails and other text keep their own digits.
    Without variables the text is left as is, unless ``always`` (templates: ``%%`` is a percent sign)."""
    if not variables and not always:
        return text
    if not is_persian():
        return text % variables

    def persian_number(match):
        value = variables.get(match.group(1))
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            return match.group(0)
        return persian_number_text(("%" + match.group(2)) % value).replace("%", "%%")

    shown = _PLACEHOLDER.sub(persian_number, str(text))
    return (Markup(shown) if isinstance(text, Markup) else shown) % variables


class PersianDigitsDomain(Domain):
    """Flask-Babel's message domain, formatting messages with ``format_message`` (Python code); the catalogue
    is the page's (``page_language``: the app has this one domain)."""

    def gettext(self, string, **variables):
        return format_message(page_language().translations.ugettext(string), variables)

    def ngettext(self, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return format_message(page_language().translations.ungettext(singular, plural, num), variables)

    def pgettext(self, context, string, **variables):
        return format_message(page_language().translations.upgettext(context, string), variables)

    def npgettext(self, context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return format_message(page_language().translations.unpgettext(context, singular, plural, num), variables)


def _template_gettext(translate):
    """A Jinja ``_``/``gettext`` (newstyle: variables as keywords, escaped) formatting with ``format_message``."""

    @pass_context
    def call(context, *args, **variables):
        text = translate(*args)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        if "num" not in variables and len(args) >= 3:
            variables["num"] = args[-1]
        return format_message(text, variables, always=True)

    return call


def date_attributes() -> dict:
    """How a date field is drawn in the page's calendar: a Jalali text field with the Jalali picker
    (``data-jdp``, static/js/pickers.js) in Persian, the browser's ISO date field in English."""
    if is_persian():
        return {"type": "text", "data-jdp": "", "dir": "ltr", "inputmode": "numeric", "autocomplete": "off",
                "placeholder": dates.to_persian_digits(dates.EXAMPLES["jalali"])}
    return {"type": "date", "placeholder": dates.EXAMPLES["iso"]}


def lang_url(code: str) -> str:
    """This page's address with ``?lang=code`` (other query arguments kept)."""
    args = request.args.to_dict()
    args["lang"] = code
    return request.path + "?" + urlencode(args)


def init_app(app: Flask) -> None:
    """Expose the helpers to templates."""
    app.jinja_env.globals["lang_url"] = lang_url
    app.jinja_env.globals["actor_label"] = _actor_label
    app.jinja_env.globals.update(Role=Role, role_label=role_label)
    app.jinja_env.globals["date_attributes"] = date_attributes
    app.jinja_env.filters["bdi"] = bdi
    for name, function in {"date_input": date_input, "date": format_date, "datetime": format_datetime, "digits": persian_digits,
                           "number": format_number, "percent": format_percent, "share": format_share,
                           "localized": localized_name}.items():
        app.jinja_env.filters[name] = _per_page(function)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    # Numbers in Persian sentences in Persian digits: Python messages through the domain, templates through
    # their own gettext callables (Flask-Babel's would format with plain ``%``).
    babel_ext = app.extensions["babel"].instance
    babel_ext.__dict__["domain_instance"] = PersianDigitsDomain(domain=app.extensions["babel"].default_domain)
    gettext = _template_gettext(lambda s: page_language().translations.ugettext(s))
    app.jinja_env.globals.update(
        _=gettext, gettext=gettext,
        ngettext=_template_gettext(lambda s, p, n: page_language().translations.ungettext(s, p, n)),
        pgettext=_template_gettext(lambda c, s: page_language().translations.upgettext(c, s)),
        npgettext=_template_gettext(lambda c, s, p, n: page_language().translations.unpgettext(c, s, p, n)),
    )

    @app.context_processor
    def language_context():
        return {"lang": page_language().code, "text_dir": text_direction()}


def _per_page(function):
    """A filter run at every render: Jinja folds a plain filter of a constant (``{{ 85|percent }}``) when it
    compiles the template, so the first page's language would stay in it for every later page."""

    @pass_context
    def filtered(_context, value, *args, **kwargs):
        return function(value, *args, **kwargs)

    return filtered


def _actor_label(row) -> str:
    """Who made a change, as the signed-in user may see it (names for members, emails for managers)."""
    return actor_label(getattr(row, "actor_id", None), row.actor, current_user)
