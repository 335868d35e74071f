"""Sign up, log in, log out: the rules, the messages, the three htmx variants and CSRF."""

from __future__ import annotations

import pytest
from auth_helpers import (
    PASSWORD,
    create_user,
    find_user,
    log_in,
    post_form,
    sign_up,
    text,
    user_count,
)
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import check_password_hash

from quizapp.services import accounts


def is_signed_in(client: FlaskClient) -> bool:
    return client.get("/profile").status_code == 200


# --- sign up -----------------------------------------------------------------------------------


def test_signup_page_has_the_fields_and_a_csrf_token(client: FlaskClient) -> None:
    page = client.get("/signup").get_data(as_text=True)
    for name in ("username", "password", "confirm", "csrf_token"):
        assert f'name="{name}"' in page, name
    assert 'method="post" action="/signup"' in page


def test_signup_plain_stores_the_account_logs_in_and_redirects_home(
    app: Flask, client: FlaskClient
) -> None:
    response = sign_up(client, "Jimin_95")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    user = find_user(app, "jimin_95")
    assert user is not None and user.username == "Jimin_95" and not user.is_admin
    assert user.password_hash != PASSWORD and check_password_hash(user.password_hash, PASSWORD)
    assert "Jimin_95" in client.get("/profile").get_data(as_text=True)


def test_signup_htmx_redirects_with_hx_redirect(app: Flask, client: FlaskClient) -> None:
    response = sign_up(client, "rose", variant="htmx")
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/"
    assert find_user(app, "rose") is not None and is_signed_in(client)


def test_signup_boosted_follows_a_303_to_the_full_page(client: FlaskClient) -> None:
    response = sign_up(client, "lisa", variant="boosted")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    follow = client.get("/", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in follow.get_data(as_text=True)


@pytest.mark.parametrize(
    ("username", "password", "confirm", "field", "message"),
    [
        ("ab", PASSWORD, PASSWORD, "username", "Use 3 to 20 characters."),
        ("a" * 21, PASSWORD, PASSWORD, "username", "Use 3 to 20 characters."),
        ("bad name!", PASSWORD, PASSWORD, "username", "Use only letters, digits, _ and -."),
        ("élodie", PASSWORD, PASSWORD, "username", "Use only letters, digits, _ and -."),
        ("", PASSWORD, PASSWORD, "username", "Choose a username."),
        ("newfan", "short12", "short12", "password", "Use at least 8 characters."),
        ("newfan", "x" * 129, "x" * 129, "password", "Use at most 128 characters."),
        ("newfan", PASSWORD, "correct-horsf", "confirm", "The two passwords don't match."),
    ],
)
def test_signup_rule_broken_shows_the_message_next_to_the_field(
    app: Flask,
    client: FlaskClient,
    username: str,
    password: str,
    confirm: str,
    field: str,
    message: str,
) -> None:
    response = sign_up(client, username, password, confirm)
    page = text(response)
    assert response.status_code == 200
    assert message in page
    assert f'aria-describedby="{field}-hint {field}-error"' in page or (
        f'aria-describedby="{field}-error"' in page
    )
    assert f'id="{field}-error"' in page
    assert f'value="{username}"' in page  # the typed username is kept
    assert password not in page.replace(f'value="{username}"', "")  # never echoed
    assert user_count(app) == 0 and not is_signed_in(client)


def test_signup_username_taken_in_another_case(app: Flask, client: FlaskClient) -> None:
    create_user(app, "Jimin")
    response = sign_up(client, "JIMIN")
    assert response.status_code == 200
    assert "That username is taken." in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert user_count(app) == 1


def test_signup_race_on_the_unique_index_is_a_form_error(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_user(app, "suga")
    # The name was free when checked, and taken by the time of the insert.
    monkeypatch.setattr(accounts, "find_user", lambda username: None)
    response = sign_up(client, "Suga")
    assert response.status_code == 200
    assert "That username is taken." in text(response)
    assert user_count(app) == 1


def test_signup_error_htmx_is_the_form_fragment(client: FlaskClient) -> None:
    response = sign_up(client, "ab", variant="htmx")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in page
    assert page.lstrip().startswith('<form id="signup-form"')
    assert "Use 3 to 20 characters." in page


def test_signup_error_boosted_is_the_full_page(client: FlaskClient) -> None:
    response = sign_up(client, "ab", variant="boosted")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<html" in page and "Use 3 to 20 characters." in page


def test_signup_without_csrf_token_is_refused_and_stores_nothing(
    app: Flask, client: FlaskClient
) -> None:
    data = {"username": "nocsrf", "password": PASSWORD, "confirm": PASSWORD}
    response = client.post("/signup", data=data)
    assert response.status_code == 400
    assert user_count(app) == 0


# --- log in ------------------------------------------------------------------------------------


@pytest.fixture
def jimin(app: Flask) -> int:
    return create_user(app, "Jimin")


def test_login_page_has_the_fields(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    for name in ("username", "password", "remember", "csrf_token"):
        assert f'name="{name}"' in page, name


def test_login_plain_redirects_home_and_signs_in(client: FlaskClient, jimin: int) -> None:
    response = log_in(client, "Jimin")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert is_signed_in(client)


def test_login_ignores_the_letter_case_of_the_username(client: FlaskClient, jimin: int) -> None:
    assert log_in(client, "  jIMIN ").status_code == 303
    assert is_signed_in(client)


def test_login_htmx_redirects_with_hx_redirect(client: FlaskClient, jimin: int) -> None:
    response = log_in(client, "Jimin", variant="htmx")
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/"
    assert is_signed_in(client)


def test_login_boosted_is_a_303(client: FlaskClient, jimin: int) -> None:
    response = log_in(client, "Jimin", variant="boosted")
    assert response.status_code == 303 and response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("username", "password"), [("Jimin", "wrong-password"), ("nobody", PASSWORD)]
)
def test_login_failure_does_not_say_which_part_was_wrong(
    client: FlaskClient, jimin: int, username: str, password: str
) -> None:
    response = log_in(client, username, password)
    page = text(response)
    assert response.status_code == 200
    assert "Wrong username or password." in page
    assert f'value="{username}"' in page and password not in page
    assert 'aria-describedby="login-alert"' in page and 'aria-invalid="true"' in page
    assert not is_signed_in(client)


def test_login_failure_htmx_is_the_form_fragment(client: FlaskClient, jimin: int) -> None:
    response = log_in(client, "Jimin", "wrong-password", variant="htmx")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert page.lstrip().startswith('<form id="login-form"')
    assert 'role="alert"' in page and "Wrong username or password." in page


def test_login_failure_boosted_is_the_full_page(client: FlaskClient, jimin: int) -> None:
    response = log_in(client, "Jimin", "wrong-password", variant="boosted")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in page
    assert "Wrong username or password." in page


def test_login_empty_fields_are_asked_for(client: FlaskClient) -> None:
    page = text(log_in(client, "", ""))
    assert "Enter your username." in page and "Enter your password." in page


def test_remember_me_sets_the_remember_cookie(client: FlaskClient, jimin: int) -> None:
    response = log_in(client, "Jimin", remember=True)
    cookies = " ".join(response.headers.getlist("Set-Cookie"))
    assert "remember_token=" in cookies


def test_without_remember_me_there_is_no_remember_cookie(client: FlaskClient, jimin: int) -> None:
    response = log_in(client, "Jimin")
    assert "remember_token=" not in " ".join(response.headers.getlist("Set-Cookie"))


def test_login_without_csrf_token_is_refused(client: FlaskClient, jimin: int) -> None:
    response = client.post("/login", data={"username": "Jimin", "password": PASSWORD})
    assert response.status_code == 400
    assert not is_signed_in(client)


# --- log out -----------------------------------------------------------------------------------


def test_logout_by_get_is_refused(client: FlaskClient, jimin: int) -> None:
    log_in(client, "Jimin")
    assert client.get("/logout").status_code == 405
    assert is_signed_in(client)


def test_logout_post_signs_out_and_gives_a_fresh_guest_id(client: FlaskClient, jimin: int) -> None:
    with client.session_transaction() as session:
        session["guest_id"] = "guest-before"
    log_in(client, "Jimin")
    response = post_form(client, "/logout", {})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert not is_signed_in(client)
    with client.session_transaction() as session:
        assert session["guest_id"] not in (None, "guest-before")


def test_logout_htmx_redirects_with_hx_redirect(client: FlaskClient, jimin: int) -> None:
    log_in(client, "Jimin")
    response = post_form(client, "/logout", {}, variant="htmx")
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/"
    assert not is_signed_in(client)


def test_logout_without_csrf_token_is_refused(client: FlaskClient, jimin: int) -> None:
    log_in(client, "Jimin")
    assert client.post("/logout").status_code == 400
    assert is_signed_in(client)
