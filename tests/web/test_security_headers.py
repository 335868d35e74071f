"""Security headers on every kind of response."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.security import CONTENT_SECURITY_POLICY

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def test_the_policy_allows_only_our_own_origin() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", ["/", "/no-such-page", "/healthz", "/static/css/app.css"])
def test_headers_on_pages_errors_probes_and_static_files(client: FlaskClient, path: str) -> None:
    with client.get(path) as response:
        for name, value in EXPECTED.items():
            assert response.headers.get(name) == value, (path, name)
        assert "Strict-Transport-Security" not in response.headers


def test_hsts_only_over_https(make_app: Callable[..., Flask]) -> None:
    app = make_app(SECRET_KEY="prod", PRODUCTION=True)
    assert app.config["HTTPS"] is True
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_no_inline_script_or_style_in_our_pages(app: Flask, client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert 'src="/static/vendor/htmx-2.0.11.min.js"' in html
