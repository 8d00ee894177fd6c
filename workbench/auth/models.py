"""Tables of the auth package: failed sign-ins, shared by every server process."""

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from workbench.extensions import db


class SignInThrottle(db.Model):
    """Failed sign-ins of one key (an account from one address, or one address for any account).

    ``failures`` counts attempts that were let through and not (yet) successful; once it reaches
    ``allowed`` further attempts are refused until ``blocked_until`` (seconds since the epoch), after
    which one more attempt is allowed and, if it fails, the wait doubles.
    """

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    allowed: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[float | None] = mapped_column(Float)
    last_at: Mapped[float] = mapped_column(Float, default=0.0)
