"""Creating and changing users: shared by the admin pages, the API and the CLI."""

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import or_, select

from workbench.extensions import db
from workbench.models import User
from workbench.registry import PEOPLE_SCOPES
from workbench.roles import ROLES, Role
from workbench.validation import InvalidInput, text_value

MIN_PASSWORD_LENGTH = 8


def email_address(value, field: str = "email") -> str:
    """The one rule for email addresses (creation, sign-in, API): the normalised, lower-case address.

    Syntax is checked by email-validator without looking the domain up. Special-use and private
    names (``corp.local``, ``host.internal``, ``localhost``, ``.test``) are accepted: internal
    directories use them, and an account that can be created must be able to sign in.
    """
    text = text_value(value, field).strip()
    domain = text.rpartition("@")[2].lower().rstrip(".")
    checked = text
    for name in SPECIAL_USE_DOMAIN_NAMES:
        if domain == name or domain.endswith("." + name):
            # The library refuses these names outright; check the rest of the address with an
            # ordinary name in their place.
            checked = text[: len(text) - len(domain)] + domain[: len(domain) - len(name)] + "example"
            break
    try:
        if len(text) > 254:
            raise EmailNotValidError("too long")
        info = validate_email(checked, check_deliverability=False, test_environment=True, globally_deliverable=False)
    except EmailNotValidError:
        shown = text if len(text) <= 80 else text[:80] + "…"
        raise InvalidInput({field: _("“%(email)s” is not an email address.", email=shown)}) from None
    host = domain if checked != text else info.domain
    return f"{info.local_part}@{host}".lower()


def create_user(email, name, role=Role.MEMBER, password=None, locale=None) -> User:
    """Add a user after checking email, role and password; raises InvalidInput."""
    name = text_value(name, "name").strip()
    password = text_value(password, "password")
    errors = {}
    try:
        email = email_address(email)
    except InvalidInput as error:
        errors.update(error.errors)
        email = ""
    if len(name) > 120:
        errors["name"] = _("The name is longer than %(n)d characters.", n=120)
    if email and db.session.scalar(select(User.id).where(User.email == email)):
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


# -- who may see whom ------------------------------------------------------------------


def sees_emails(viewer: User) -> bool:
    """Admins and quality managers see every user's email; everyone else sees names only."""
    return viewer.can_manage


def visible_users(viewer: User, stmt=None):
    """``select(User)`` narrowed to the people ``viewer`` may see (pages and API).

    Admins, quality managers and viewers (leadership, who read every team's work) see everyone;
    a member sees themselves and whom a registered ``PEOPLE_SCOPES`` lets them see (the teams
    package: the people of their own teams).
    """
    stmt = select(User) if stmt is None else stmt
    if viewer.sees_all_teams:
        return stmt
    allowed = [User.id == viewer.id]
    for scope in PEOPLE_SCOPES.all():
        allowed.append(User.id.in_(scope(viewer, select(User.id))))
    return stmt.where(or_(*allowed))


def people_labels(viewer: User | None, ids) -> dict[int, str]:
    """How each of ``ids`` is named to ``viewer`` in exports: the email for admins, quality managers and the
    person themselves, the name for everyone else (and for exports made without a viewer)."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.name, User.email).where(User.id.in_(ids))).all()
    everyone = viewer is not None and sees_emails(viewer)
    return {uid: email if everyone or (viewer is not None and uid == viewer.id) else name for uid, name, email in rows}


def actor_label(actor_id: int | None, actor: str, viewer: User) -> str:
    """Who did something, for a history table: the name, plus the email for those who see emails."""
    user = db.session.get(User, actor_id) if actor_id else None
    if user is None:
        return actor if sees_emails(viewer) or "@" not in (actor or "") else _("a former user")
    return f"{user.name} ({user.email})" if sees_emails(viewer) else user.name
