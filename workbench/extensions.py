"""Flask extensions, created unbound; ``create_app`` binds them."""

from datetime import datetime

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase

from workbench.persistence import VersionedSession
from workbench.validation import NotFound

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base, session_options={"class_": VersionedSession})
# Times are stored as UTC; PostgreSQL keeps the zone, SQLite returns them naive.
db.Model.registry.update_type_annotation_map({datetime: DateTime(timezone=True)})
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()


def get_or_not_found(model, ident, options=()):
    """``db.session.get(model, ident)``, or the domain ``NotFound`` (404) when there is no such row: ``db.get_or_404`` for services.

    ``options``: loader options (``joinedload(...)``) for what the caller shows of it."""
    found = db.session.get(model, ident, options=options)
    if found is None:
        raise NotFound()
    return found
