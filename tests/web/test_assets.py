"""Weight: compressed pages, and static files under content-hashed URLs cached for a year."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp import assets
from quizapp.assets import LONG_CACHE, SHORT_CACHE

STATIC = Path(__file__).resolve().parents[2] / "static"
VERSIONED = re.compile(r'/static/(css/app\.css|js/app\.js)\?v=([0-9a-f]{10})"')


def static_urls(client: FlaskClient) -> dict[str, str]:
    """The hashed URLs the home page links to, by file."""
    html = client.get("/").get_data(as_text=True)
    return {name: version for name, version in VERSIONED.findall(html)}


def test_pages_link_static_files_by_the_hash_of_their_content(client: FlaskClient) -> None:
    urls = static_urls(client)
    assert set(urls) == {"css/app.css", "js/app.js"}
    for name, version in urls.items():
        assert version == hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]


@pytest.mark.parametrize(
    ("accept", "encoding", "unpack"),
    [("br, gzip", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress)],
)
def test_pages_are_compressed(
    client: FlaskClient, accept: str, encoding: str, unpack: Callable[[bytes], bytes]
) -> None:
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    packed = client.get("/", headers={"Accept-Encoding": accept})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == encoding
    assert len(packed.data) < len(plain.data) / 2
    body = unpack(packed.data).decode()
    assert "<h1" in body and body.count("\n") == plain.get_data(as_text=True).count("\n")


def test_a_hashed_static_url_is_cached_for_a_year_and_sent_compressed(
    client: FlaskClient,
) -> None:
    version = static_urls(client)["css/app.css"]
    with client.get(f"/static/css/app.css?v={version}", headers={"Accept-Encoding": "br"}) as r:
        assert r.status_code == 200
        assert r.headers["Cache-Control"] == LONG_CACHE
        assert r.headers["Content-Encoding"] == "br"
        assert brotli.decompress(r.data) == (STATIC / "css/app.css").read_bytes()
        etag = r.headers["ETag"]
    again = client.get(
        f"/static/css/app.css?v={version}",
        headers={"Accept-Encoding": "br", "If-None-Match": etag},
    )
    assert again.status_code == 304 and not again.data


def test_the_vendored_htmx_carries_its_version_in_its_name(client: FlaskClient) -> None:
    with client.get("/static/vendor/htmx-2.0.11.min.js", headers={"Accept-Encoding": "gzip"}) as r:
        assert r.headers["Cache-Control"] == LONG_CACHE
        assert gzip.decompress(r.data) == (STATIC / "vendor/htmx-2.0.11.min.js").read_bytes()


@pytest.mark.parametrize("query", ["", "?v=0123456789", "?v="])
def test_an_unversioned_or_stale_url_revalidates_soon(client: FlaskClient, query: str) -> None:
    with client.get(f"/static/css/app.css{query}") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == SHORT_CACHE
        assert "Content-Encoding" not in response.headers  # the client accepted none
        assert response.data == (STATIC / "css/app.css").read_bytes()


def test_a_missing_static_file_is_a_plain_404(client: FlaskClient) -> None:
    response = client.get("/static/css/nothing.css?v=0123456789")
    assert response.status_code == 404
    assert response.headers.get("Cache-Control") != LONG_CACHE


@pytest.fixture
def own_static(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app serving a static folder of its own with one file, x.css, nothing hashed yet."""
    (tmp_path / "x.css").write_text("a{}")
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    monkeypatch.setattr(assets, "_hashes", {})
    return tmp_path


def test_in_debug_mode_the_hash_follows_an_edited_file(app: Flask, own_static: Path) -> None:
    app.debug = True
    with app.test_request_context():
        first = assets.fingerprint("x.css")
        (own_static / "x.css").write_text("b{}")
        os.utime(own_static / "x.css", (1, 1))
        assert assets.fingerprint("x.css") not in (None, first)


@pytest.mark.parametrize(
    "path", ["/static/css/x/../app.css", "/static/css/../css/app.css", "/static/css//app.css"]
)
def test_a_static_path_in_another_spelling_is_not_found(client: FlaskClient, path: str) -> None:
    kept = len(assets._compressed_files), len(assets._hashes)
    with client.get(path, headers={"Accept-Encoding": "br"}) as response:
        assert response.status_code == 404
        assert "Page not found" in response.get_data(as_text=True)
    assert (len(assets._compressed_files), len(assets._hashes)) == kept


def test_a_file_changed_under_a_running_server_is_not_cached_for_a_year(
    app: Flask, own_static: Path
) -> None:
    client = app.test_client()
    assert not app.debug
    with app.test_request_context():
        old = assets.fingerprint("x.css")
    with client.get(f"/static/x.css?v={old}") as response:
        assert response.headers["Cache-Control"] == LONG_CACHE
    (own_static / "x.css").write_text("b{}")
    os.utime(own_static / "x.css", (10**9, 10**9))
    with client.get(f"/static/x.css?v={old}") as response:
        assert response.data == b"b{}"
        assert response.headers["Cache-Control"] == SHORT_CACHE
