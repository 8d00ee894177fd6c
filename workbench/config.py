"""Configuration read from the environment (see ``.env.example``)."""

import os

# Upload limits (see README, Configuration), read by ``workbench.uploads``.
UPLOAD_DEFAULTS = {
    "UPLOAD_LIMIT_MB": 120,
    "UPLOAD_UNZIPPED_LIMIT_MB": 400,  # workbooks read row by row in the worker (complaints, surveys)
    "UPLOAD_SHEET_UNZIPPED_LIMIT_MB": 40,  # workbooks read whole for a preview (FMEA): memory is about 30x this
    "UPLOAD_ZIP_RATIO_LIMIT": 100,
    "UPLOAD_ZIP_MEMBER_LIMIT": 1000,
    "UPLOAD_MAX_ROWS": 2_000_000,
    "UPLOAD_MAX_COLUMNS": 500,
    "UPLOAD_MAX_CELL_CHARS": 32767,  # Excel's own limit for one cell
    "UPLOAD_STAGING_HOURS": 24,
    "IMPORT_KEPT_ERRORS": 200,
    "EVIDENCE_LIMIT_MB": 10,
}


# Sign-in throttling (``workbench.auth.throttle``; README, Configuration).
LOGIN_DEFAULTS = {
    "LOGIN_ATTEMPTS": 10,  # failures of one account from one address before it waits
    "LOGIN_ADDRESS_ATTEMPTS": 50,  # failures from one address, any account
    "LOGIN_LOCK_SECONDS": 60,  # first wait; each further failure doubles it
    "LOGIN_LOCK_MAX_SECONDS": 3600,
    "LOGIN_FAILURE_WINDOW_SECONDS": 3600,  # failures are forgotten after this long without one
}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _flag(name: str) -> bool | None:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return None
    return value not in ("0", "false", "no", "off")


def _normalise_db_url(url: str) -> str:
    # Heroku-style URLs and bare postgresql:// select psycopg 3, the driver we ship.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _number(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value and "." in value else int(value) if value else default


def from_environment(instance_path: str) -> dict:
    """Return the settings taken from environment variables."""
    default_db = "sqlite:///" + os.path.join(instance_path, "workbench.sqlite")
    config = {
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": _normalise_db_url(
            os.environ.get("DATABASE_URL", default_db)
        ),
        "MAX_CONTENT_LENGTH": int(_number("UPLOAD_LIMIT_MB", 120) * 1024 * 1024),
        **{name: _number(name, default) for name, default in UPLOAD_DEFAULTS.items() if name != "UPLOAD_LIMIT_MB"},
        "EFFECTIVENESS_MIN_WEEKS": _int("EFFECTIVENESS_MIN_WEEKS", 4),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "1") == "1",
        "MAIL_FROM": os.environ.get("MAIL_FROM", "workbench@localhost"),
        # One Redis for everything several processes must share (sign-in counters, task queue);
        # empty keeps the task queue in instance/ and the sign-in counters in the database.
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        # How many reverse proxies in front add X-Forwarded-For/-Proto/-Host (0: none, headers ignored).
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        # Compress answers in the app (make serve has no proxy); "0" when a proxy in front compresses.
        "COMPRESS_RESPONSES": os.environ.get("COMPRESS_RESPONSES", "1") != "0",
        # None: on outside debug and testing (see create_app); "0" switches off for plain-HTTP set-ups.
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE"),
        "REMEMBER_COOKIE_SECURE": _flag("REMEMBER_COOKIE_SECURE"),
        **{name: _number(name, default) for name, default in LOGIN_DEFAULTS.items()},
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LANGUAGE", "en"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "UTC"),
    }
    return config


DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    "WTF_CSRF_TIME_LIMIT": None,
    "LANGUAGES": ("fa", "en"),
    "API_PAGE_SIZE_MAX": 500,
}
