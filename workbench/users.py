"""Creating and changing users: shared by the admin pages, the API and the CLI."""

from flask_babel import gettext as _
from sqlalchemy import select

from workbench.extensions import db
from workbench.models import ROLES, User
from workbench.validation import InvalidInput, text_value

MIN_PASSWORD_LENGTH = 8


def create_user(email, name, role="member", password=None, locale=None) -> User:
    """Add a user after checking email, role and password; raises InvalidInput."""
    email = text_value(email, "email").strip().lower()
    name = text_value(name, "name").strip()
    password = text_value(password, "password")
    errors = {}
    if len(name) > 120:
        errors["name"] = _("The name is longer than %(n)d characters.", n=120)
    if "@" not in email or len(email) > 254:
        errors["email"] = _("“%(email)s” is not an email address.", email=email)
    elif db.session.scalar(select(User.id).where(User.email == email)):
        errors["email"] = _("A user with the email %(email)s already exists.", email=email)
    if role not in ROLES:
        errors["role"] = _("Role must be one of %(roles)s.", roles=", ".join(ROLES))
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = _("The password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if locale not in (None, "", "fa", "en"):
        errors["locale"] = _("Language must be fa or en.")
    if errors:
        raise InvalidInput(errors)
    user = User(email=email, name=name or email.split("@")[0], role=role, locale=locale or None)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
