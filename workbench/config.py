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


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


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
        # empty keeps them in this process or in instance/.
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://",
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
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
    "LOGIN_ATTEMPT_LIMIT": "10 per 15 minutes",
    "LANGUAGES": ("fa", "en"),
    "API_PAGE_SIZE_MAX": 500,
}
