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
import re
from pathlib import Path
from typing import Any

import brotli  # type: ignore[import-untyped]
from flask import Flask, Response, current_app, request
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
    """The first 10 hex digits of the file's SHA-256, or None.

    Recomputed when the file changes in debug mode; in production the files are fixed for the
    life of the process, so a hash once computed is not checked again (no stat per URL).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = f"{app.static_folder}/{filename}"
    known = _hashes.get(key)
    if known is not None and not app.debug:
        return known[1]
    path = Path(app.static_folder or "", filename)
    try:
        mtime = path.stat().st_mtime
    except (OSError, ValueError):
        return None
    if known is None or known[0] != mtime:
        known = (mtime, hashlib.sha256(path.read_bytes()).hexdigest()[:10])
        _hashes[key] = known
    return known[1]


def _add_version(endpoint: str, values: dict[str, Any]) -> None:
    """A url_defaults hook: static URLs carry the file's hash unless already versioned."""
    filename = values.get("filename")
    if endpoint != "static" or not filename or "v" in values or VERSIONED_NAME.match(filename):
        return
    version = fingerprint(filename)
    if version:
        values["v"] = version


def _encoding() -> str | None:
    """The best encoding the client accepts: brotli, then gzip."""
    accepted = set()
    for part in request.headers.get("Accept-Encoding", "").lower().split(","):
        name, _, quality = part.strip().partition(";q=")
        if quality.strip() not in ("0", "0.0", "0.00", "0.000"):
            accepted.add(name.strip())
    return next((name for name in ("br", "gzip") if name in accepted), None)


def _compressed(path: Path, encoding: str) -> bytes:
    """The file compressed at the highest level, once per file version and encoding."""
    key = (str(path), path.stat().st_mtime, encoding)
    if key not in _compressed_files:
        data = path.read_bytes()
        packed = brotli.compress(data, quality=11) if encoding == "br" else gzip.compress(data, 9)
        _compressed_files[key] = packed if len(packed) < len(data) else data
    return _compressed_files[key]


def _cache_static(response: Response) -> Response:
    """Long-lived caching for fingerprinted static files, sent pre-compressed."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    versioned = VERSIONED_NAME.match(filename) or request.args.get("v") == fingerprint(filename)
    response.headers["Cache-Control"] = LONG_CACHE if versioned else SHORT_CACHE
    response.headers.pop("Expires", None)
    encoding = _encoding()
    mimetype_ok = response.mimetype in current_app.config["COMPRESS_MIMETYPES"]
    if response.status_code != 200 or request.method != "GET" or not encoding or not mimetype_ok:
        return response
    path = Path(current_app.static_folder or "", filename)
    body = _compressed(path, encoding)
    if len(body) == response.content_length:
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
    # Registered after Flask-Compress, so it runs before it (after_request runs in reverse).
    app.after_request(_cache_static)
