"""Static files with versioned URLs and long cache headers, and compressed responses.

``url_for('static', filename=...)`` adds ``?v=<hash of the file>``: a browser keeps such a file
for a year without asking again (``immutable``), and a new release changes the URL. Answers
(pages, JSON, SVG, CSS, JS) are compressed in the app with flask-compress (zstd, brotli or gzip,
as the browser accepts), because ``make serve`` has no proxy in front; behind a proxy that
compresses, set ``COMPRESS_RESPONSES=0``.
"""

import hashlib
import os

from flask import Flask, current_app, request
from flask_compress import Compress
from flask_compress.flask_compress import _choose_algorithm, _compress_data, _format

YEAR = 365 * 24 * 3600
compress = Compress()


def _versions(app: Flask):
    known: dict[str, str] = {}  # a file's hash, computed once per process (files change only with a release)

    def version(filename: str) -> str | None:
        if filename not in known:
            path = os.path.join(app.static_folder, filename)
            try:
                with open(path, "rb") as f:
                    known[filename] = hashlib.sha256(f.read()).hexdigest()[:12]
            except OSError:
                return None
        return known[filename]

    return version


def accepted_encoding(size: int | None = None) -> str | None:
    """The encoding flask-compress gives an answer (of ``size`` bytes, when known) to this request; None: as it is."""
    config = current_app.config
    if not config.get("COMPRESS_RESPONSES", True) or (size is not None and size < config.get("COMPRESS_MIN_SIZE", 500)):
        return None
    # flask-compress (pinned) chooses and compresses with these; an answer compressed once and kept
    # (live.py: a poll's answer per revision) is then the one flask-compress would have made.
    return _choose_algorithm(_format(config["COMPRESS_ALGORITHM"]), request.headers.get("Accept-Encoding", ""))


def compressed(data: bytes, encoding: str) -> bytes:
    """``data`` compressed as flask-compress compresses answers in ``encoding`` (with the app's levels)."""
    return _compress_data(current_app, data, encoding)


def init_app(app: Flask) -> None:
    """Version static URLs, cache them for a year, and compress answers."""
    version = _versions(app)

    @app.url_defaults
    def versioned_static(endpoint, values):
        if endpoint == "static" and "v" not in values and not app.debug:
            found = version(values.get("filename", ""))
            if found:
                values["v"] = found

    @app.after_request
    def cache_static(response):
        if request.endpoint == "static" and request.args.get("v") and response.status_code in (200, 304):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        return response

    if app.config.get("COMPRESS_RESPONSES", True):
        app.config.setdefault("COMPRESS_ALGORITHM", ["zstd", "br", "gzip"])
        app.config.setdefault("COMPRESS_LEVEL", 5)
        app.config.setdefault("COMPRESS_BR_LEVEL", 4)
        app.config.setdefault("COMPRESS_MIN_SIZE", 1000)
        app.config.setdefault("COMPRESS_MIMETYPES", [
            "text/html", "text/css", "text/plain", "text/csv", "text/javascript", "application/javascript",
            "application/json", "image/svg+xml",
        ])
        compress.init_app(app)

        @app.after_request
        def close_streamed_files(response):
            # Runs before flask-compress's own hook (registered earlier, so called later), which swaps a
            # streamed body (a static file) for a generator that never closes the file: close it with the response.
            body = response.response
            if response.is_streamed and hasattr(body, "close"):
                response.call_on_close(body.close)
            return response
