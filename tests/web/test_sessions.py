"""Sessions under attack: cookie flags, log out everywhere, password change, stolen cookies."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import itsdangerous.timed
import pytest
from flask import Flask
from flask.testing import FlaskClient
from user_factory import log_in_as, make_user

from quizapp.extensions import db
from quizapp.models import User

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "correct-horse"


def token(client: FlaskClient, path: str = "/login") -> str:
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match
    return match.group(1)


def log_in(
    client: FlaskClient, username: str, password: str = PASSWORD, remember: bool = False
) -> Any:
    data = {"username": username, "password": password, "csrf_token": token(client)}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def signed_in(client: FlaskClient) -> bool:
    return client.get("/profile").status_code == 200


@pytest.fixture
def mina(app: Flask) -> int:
    with app.app_context():
        return make_user("mina")


def cookie_header(response: Any, name: str) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    assert headers, response.headers.getlist("Set-Cookie")
    return headers[-1]


def test_production_cookies_are_secure_httponly_lax_and_host_prefixed(
    make_app: Callable[..., Flask], mina: int
) -> None:
    app = make_app(SECRET_KEY="prod-secret", PRODUCTION=True, TESTING=False)
    client = app.test_client()
    response = log_in(client, "mina", remember=True)
    assert response.status_code == 303
    for name in ("__Host-session", "__Host-remember"):
        header = cookie_header(response, name)
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
        assert "Path=/" in header and "Domain" not in header


def test_development_cookies_work_over_plain_http(client: FlaskClient, mina: int) -> None:
    header = cookie_header(log_in(client, "mina"), "session")
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header


def test_log_out_everywhere_ends_every_session_and_remember_cookie(app: Flask, mina: int) -> None:
    phone, laptop, remembered = app.test_client(), app.test_client(), app.test_client()
    for client in (phone, laptop):
        log_in(client, "mina")
    log_in(remembered, "mina", remember=True)
    with remembered.session_transaction() as session:
        session.clear()  # the browser was closed: only the remember-me cookie is left
    assert signed_in(phone) and signed_in(laptop) and signed_in(remembered)

    response = phone.post("/account/logout-everywhere", data={"csrf_token": token(phone, "/")})
    assert response.status_code == 303 and response.headers["Location"] == "/login"

    assert not signed_in(phone) and not signed_in(laptop) and not signed_in(remembered)
    with app.app_context():
        assert db.session.get(User, mina).session_version == 1  # type: ignore[union-attr]
    assert log_in(laptop, "mina").status_code == 303 and signed_in(laptop)


def test_log_out_everywhere_is_post_only_and_needs_a_session(client: FlaskClient) -> None:
    assert client.get("/account/logout-everywhere").status_code == 405
    response = client.post("/account/logout-everywhere", data={"csrf_token": token(client, "/")})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def change(client: FlaskClient, current: str, new: str, confirm: str | None = None) -> Any:
    data = {
        "current": current,
        "password": new,
        "confirm": confirm or new,
        "csrf_token": token(client, "/account/password"),
    }
    return client.post("/account/password", data=data)


def test_changing_the_password_keeps_this_device_and_logs_out_the_others(
    app: Flask, mina: int
) -> None:
    here, elsewhere = app.test_client(), app.test_client()
    log_in(here, "mina")
    log_in(elsewhere, "mina")
    response = change(here, PASSWORD, "a-brand-new-secret")
    assert response.status_code == 303 and response.headers["Location"] == "/profile"
    assert "Your password is changed." in here.get("/profile").get_data(as_text=True)
    assert signed_in(here) and not signed_in(elsewhere)
    fresh = app.test_client()
    assert log_in(fresh, "mina", PASSWORD).status_code == 200  # the old password is refused
    assert log_in(fresh, "mina", "a-brand-new-secret").status_code == 303


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong-password", "a-brand-new-secret", None, "That is not your current password."),
        (PASSWORD, "short", None, "at least 8 characters"),
        (PASSWORD, "a-brand-new-secret", "something-else", "The two passwords don&#39;t match."),
    ],
)
def test_a_bad_password_change_explains_itself_and_changes_nothing(
    app: Flask,
    client: FlaskClient,
    mina: int,
    current: str,
    new: str,
    confirm: str | None,
    message: str,
) -> None:
    log_in(client, "mina")
    response = change(client, current, new, confirm)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, mina).session_version == 0  # type: ignore[union-attr]
    assert signed_in(client)


def test_a_stolen_session_cookie_fails_in_another_browser(app: Flask, mina: int) -> None:
    victim = app.test_client()
    log_in(victim, "mina")
    cookie = victim.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.environ_base["HTTP_USER_AGENT"] = "Another browser/1.0"
    thief.set_cookie("session", cookie.value)
    assert not signed_in(thief)


def test_an_idle_admin_must_log_in_again(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        boss = make_user("boss", admin=True)
    log_in_as(client, boss)
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        session["active_at"] = int(time.time()) - 16 * 60
    response = client.get("/admin/players")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/admin/players&reauth=1"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "please log in again" in page.lower() and 'name="password"' in page
    again = client.post(
        "/login?next=/admin/players&reauth=1",
        data={"username": "boss", "password": PASSWORD, "csrf_token": TOKEN.search(page).group(1)},  # type: ignore[union-attr]
    )
    assert again.status_code == 303 and again.headers["Location"] == "/admin/players"
    assert client.get("/admin/players").status_code == 200


def test_the_csrf_token_does_not_expire_during_a_long_round(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    yesterday = time.time() - 24 * 3600
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: yesterday)
    old_token = token(client, "/")
    monkeypatch.undo()
    response = client.post(
        "/play", data={"quiz": "faq-2024", "mode": "timed", "csrf_token": old_token}
    )
    assert response.status_code == 303


def test_a_session_older_than_its_lifetime_is_not_accepted(
    app: Flask, client: FlaskClient, mina: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifteen_days_ago = time.time() - 15 * 24 * 3600
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: fifteen_days_ago)
    log_in(client, "mina")
    monkeypatch.undo()
    assert not signed_in(client)
