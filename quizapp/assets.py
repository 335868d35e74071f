"""Light pages: compressed responses, and static files with content-hashed URLs cached for a year.

`url_for('static', filename='css/app.css')` gives `/static/css/app.css?v=<hash of the file>`.
A request whose `v` matches the file's current hash is cached by browsers for a year
(`immutable`): the URL changes whenever the file does. Files under `vendor/` carry their
version in their name (`htmx-2.0.11.min.js`) and are cached the same way without a `v`.
Anything else under /static/ (an old or missing hash) gets a short max-age and revalidates.
"""

from __future__ import annotations

import gzip
import hashlib
import posixpath
import re
from pathlib import Path
from typing import Any

import brotli  # type: ignore[import-untyped]
from flask import Flask, Response, abort, current_app, request
from flask_compress import Compress

LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=300"
VERSIONED_NAME = re.compile(r"^vendor/.*-\d+\.\d+\.\d+[^/]*$")
COMPRESSION = {
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["br"],
    "COMPRESS_BR_LEVEL": 5,  # pages: fast; static files are compressed once at level 11
    "COMPRESS_MIN_SIZE": 300,
}

_hashes: dict[str, tuple[float, str]] = {}
_compressed_files: dict[tuple[str, float, str], bytes] = {}


def fingerprint(filename: str) -> str | None:
    """The first 10 hex digits of the file's SHA-256, or None if there is no such file."""
    version = _version(filename)
    return version[1] if version else None


def _version(filename: str) -> tuple[float, str] | None:
    """(mtime, hash) of the file as last hashed.

    Recomputed when the file changes in debug mode; in production a hash once computed is not
    checked again when building URLs (no stat per URL). A file changed on disk under a running
    server is caught when it is served: its mtime no longer matches (_cache_static).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = f"{app.static_folder}/{filename}"
    known = _hashes.get(key)
    if known is not None and not app.debug:
        return known
    path = Path(app.static_folder or "", filename)
    try:
        mtime = path.stat().st_mtime
        if known is None or known[0] != mtime:
            known = (mtime, hashlib.sha256(path.read_bytes()).hexdigest()[:10])
            _hashes[key] = known
    except (OSError, ValueError):
        return None
    return known


def _add_version(endpoint: str, values: dict[str, Any]) -> None:
    """A url_defaults hook: static URLs carry the file's hash unless already versioned."""
    filename = values.get("filename")
    if endpoint != "static" or not filename or "v" in values or VERSIONED_NAME.match(filename):
        return
    version = fingerprint(filename)
    if version:
        values["v"] = version


def _compressed(path: Path, encoding: str) -> bytes | None:
    """The file compressed at the highest level, once per file version and encoding."""
    try:
        key = (str(path), path.stat().st_mtime, encoding)
        data = None if key in _compressed_files else path.read_bytes()
    except OSError:
        return None  # gone since send_file opened it: serve what send_file has
    if data is not None:
        packed = brotli.compress(data, quality=11) if encoding == "br" else gzip.compress(data, 9)
        _compressed_files[key] = min(data, packed, key=len)  # never larger than the file
    return _compressed_files[key]


def _is_current(version: tuple[float, str] | None, response: Response) -> bool:
    """Whether the hash was computed from the very file being served (same mtime)."""
    served = response.last_modified
    return version is not None and served is not None and int(version[0]) == int(served.timestamp())


def _refuse_odd_static_paths() -> None:
    """404 for a static path that is not in its plain form ("css/x/../app.css", "css//app.css").

    Flask would serve such a path as the file it leads to: one file under endless names, each
    hashed, compressed and kept in memory. Browsers never ask for them: they resolve dot
    segments before sending a URL.
    """
    if request.endpoint == "static":
        filename = (request.view_args or {}).get("filename", "")
        if posixpath.normpath(filename) != filename:
            abort(404)


def _cache_static(response: Response) -> Response:
    """Long-lived caching for fingerprinted static files, sent pre-compressed."""
    if request.endpoint != "static" or response.status_code not in (200, 206, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    response.headers.pop("Expires", None)
    version = _version(filename)
    hashed = version is not None and request.args.get("v") == version[1]
    named = bool(VERSIONED_NAME.match(filename)) or hashed
    long_lived = named and _is_current(version, response)
    response.headers["Cache-Control"] = LONG_CACHE if long_lived else SHORT_CACHE
    if response.status_code != 200 or request.method not in ("GET", "HEAD"):
        return response
    encoding = request.accept_encodings.best_match(("br", "gzip"))
    if not encoding or response.mimetype not in current_app.config["COMPRESS_MIMETYPES"]:
        return response
    body = _compressed(Path(current_app.static_folder or "", filename), encoding)
    if body is None or len(body) == response.content_length:
        return response  # compressing did not help (it never grows a file)
    if hasattr(response.response, "close"):
        response.response.close()  # the open file send_file would have streamed
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding  # Flask-Compress leaves it alone
    response.headers.pop("Accept-Ranges", None)  # byte ranges of the file, not of this body
    response.headers.pop("Content-Disposition", None)
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-{encoding}", weak=bool(weak))
    response.make_conditional(request)  # a 304 when the browser already has this version
    return response


def init_app(app: Flask) -> None:
    """Turn on compression, versioned static URLs and their cache headers."""
    for key, value in COMPRESSION.items():
        app.config.setdefault(key, value)
    app.extensions["compress"] = Compress(app)
    app.url_defaults(_add_version)
    app.before_request(_refuse_odd_static_paths)
    # Registered after Flask-Compress, so it runs before it (after_request runs in reverse).
    app.after_request(_cache_static)
