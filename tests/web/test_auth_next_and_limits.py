"""Where log-in and sign-up lead (`next`, never off the site) and their rate limits."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from auth_helpers import create_user, log_in, sign_up, text, token
from flask import Flask
from flask.testing import FlaskClient

from quizapp import create_app
from quizapp.extensions import db


@pytest.fixture
def jimin(app: Flask) -> int:
    return create_user(app, "Jimin")


# --- next --------------------------------------------------------------------------------------

EVIL_NEXT = [
    "//evil.com",
    "///evil.com",
    "https://evil.com",
    "http:/evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "/\t/evil.com",
    "javascript:alert(1)",
    "evil.com",
    "",
]


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_login_next_outside_the_site_goes_home(
    client: FlaskClient, jimin: int, target: str
) -> None:
    response = log_in(client, "Jimin", url="/login?" + _query(target))
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL_NEXT[:4])
def test_signup_next_outside_the_site_goes_home(client: FlaskClient, target: str) -> None:
    response = sign_up(client, "newfan", url="/signup?" + _query(target))
    assert response.headers["Location"] == "/"


def test_login_next_inside_the_site_is_honoured(client: FlaskClient, jimin: int) -> None:
    response = log_in(client, "Jimin", url="/login?" + _query("/profile?page=2"))
    assert response.headers["Location"] == "/profile?page=2"


def test_signup_next_inside_the_site_is_honoured(client: FlaskClient) -> None:
    response = sign_up(client, "newfan", url="/signup?" + _query("/profile"), variant="htmx")
    assert response.headers["HX-Redirect"] == "/profile"


def test_login_page_keeps_a_safe_next_in_the_form_and_drops_an_evil_one(
    client: FlaskClient,
) -> None:
    assert 'action="/login?next=/profile"' in client.get("/login?next=/profile").get_data(
        as_text=True
    )
    page = client.get("/login?" + _query("//evil.com")).get_data(as_text=True)
    assert 'action="/login"' in page and "evil.com" not in page


def test_a_page_behind_login_comes_back_after_logging_in(client: FlaskClient, jimin: int) -> None:
    response = client.get("/profile")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/login?next=")
    assert log_in(client, "Jimin", url=location).headers["Location"] == "/profile"


def _query(target: str) -> str:
    return urlencode({"next": target})


# --- rate limits -------------------------------------------------------------------------------


@pytest.fixture
def limited(app: Flask) -> Iterator[FlaskClient]:
    """A client of an app with rate limits on: 3 log-ins and 2 sign-ups a minute."""
    limited_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_RATE_LIMIT": "3 per minute",
            "SIGNUP_RATE_LIMIT": "2 per minute;10 per hour",
        }
    )
    yield limited_app.test_client()
    with limited_app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_too_many_logins_give_the_friendly_429_page(limited: FlaskClient) -> None:
    for _ in range(3):
        assert log_in(limited, "nobody", "wrong-password").status_code == 200
    response = log_in(limited, "nobody", "wrong-password")
    page = text(response)
    assert response.status_code == 429
    assert "Too many tries" in page and "try again" in page
    assert "Retry-After" in response.headers
    assert "<html" in page


def test_too_many_logins_htmx_get_the_form_with_the_message(limited: FlaskClient) -> None:
    for _ in range(3):
        log_in(limited, "nobody", "wrong-password", variant="htmx")
    response = log_in(limited, "nobody", "wrong-password", variant="htmx")
    page = text(response)
    assert response.status_code == 200  # htmx 2 would not swap a 429
    assert "<html" not in page and page.lstrip().startswith('<form id="login-form"')
    assert "Too many tries" in page and 'value="nobody"' in page


def test_too_many_logins_boosted_get_the_full_page_with_the_message(
    limited: FlaskClient,
) -> None:
    for _ in range(3):
        log_in(limited, "nobody", "wrong-password", variant="boosted")
    response = log_in(limited, "nobody", "wrong-password", variant="boosted")
    page = text(response)
    assert response.status_code == 200 and "<html" in page
    assert 'id="login-form"' in page and "Too many tries" in page


def test_too_many_signups_give_the_friendly_429_page(limited: FlaskClient) -> None:
    for name in ("one", "two"):
        assert sign_up(limited, f"{name}-fan", "short").status_code == 200
    response = sign_up(limited, "three-fan")
    assert response.status_code == 429 and "Too many tries" in text(response)


def test_the_limit_counts_only_posts(limited: FlaskClient) -> None:
    for _ in range(6):
        assert limited.get("/login").status_code == 200
    token(limited)
    assert log_in(limited, "nobody", "wrong-password").status_code == 200
