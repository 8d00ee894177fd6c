"""The demo organisation (core part): bilingual users and the process owners; then each capability's demo step.

``flask --app wsgi demo`` calls :func:`load_demo`; the capabilities add their data (complaints, teams
and projects, fishbones, FMEA rows, actions) through the demo steps they registered
(``registry.DEMO_STEPS``), in the order of the flow.
"""

from sqlalchemy import func, select

from workbench.extensions import db
from workbench.models import User
from workbench.process_owners import ensure_default_process_owners
from workbench.registry import DEMO_STEPS
from workbench.roles import Role

DEMO_PASSWORD = "demo-password"

DEMO_USERS = (
    ("admin@demo.example", "Admin", Role.ADMIN, "en"),
    ("qm@demo.example", "مریم احمدی", Role.QUALITY_MANAGER, "fa"),
    ("viewer@demo.example", "Reza Karimi (CEO)", Role.VIEWER, "en"),
    ("sara@demo.example", "سارا رضایی", Role.MEMBER, "fa"),
    ("ali@demo.example", "علی محمدی", Role.MEMBER, "fa"),
    ("john@demo.example", "John Miller", Role.MEMBER, "en"),
    ("neda@demo.example", "ندا حسینی", Role.MEMBER, "fa"),
    ("omid@demo.example", "امید نوری", Role.MEMBER, "fa"),
)


def demo_user(email: str) -> User | None:
    """The demo user with ``email`` (None before :func:`load_demo` created it)."""
    return db.session.scalar(select(User).where(User.email == email))


def load_demo(seed: int = 7, complaints: int = 420) -> dict[str, int]:
    """Create the demo organisation; safe to run twice (existing records are kept)."""
    ensure_default_process_owners()
    for email, name, role, locale in DEMO_USERS:
        if demo_user(email) is None:
            user = User(email=email, name=name, role=role, locale=locale)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
    db.session.flush()
    summary = {"users": db.session.scalar(select(func.count(User.id)))}
    context = {"seed": seed, "complaints": complaints, "projects": {}}
    for step in DEMO_STEPS.all():
        summary.update(step(context) or {})
    db.session.commit()
    return summary
