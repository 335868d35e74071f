"""Helpers for the account and profile tests: forms posted as a browser would, users, rounds."""

from __future__ import annotations

import html
import re
import secrets
from datetime import datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from user_factory import log_in_as  # noqa: F401
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse

from quizapp.extensions import db
from quizapp.models import Round, User, utcnow

PASSWORD = "correct-horse"
VARIANT_HEADERS = {
    "plain": {},
    "htmx": {"HX-Request": "true", "HX-Target": "form"},
    "boosted": {"HX-Request": "true", "HX-Boosted": "true"},
}
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def token(client: FlaskClient) -> str:
    """The CSRF token of the client's session, read from the home page."""
    match = TOKEN.search(client.get("/").get_data(as_text=True))
    assert match, "no CSRF token on the home page"
    return match.group(1)


def post_form(
    client: FlaskClient, url: str, data: dict[str, object], variant: str = "plain"
) -> TestResponse:
    """POST a form with the session's CSRF token, as a plain, htmx or boosted request."""
    return client.post(
        url, data={"csrf_token": token(client), **data}, headers=VARIANT_HEADERS[variant]
    )


def sign_up(
    client: FlaskClient,
    username: str,
    password: str = PASSWORD,
    confirm: str | None = None,
    variant: str = "plain",
    url: str = "/signup",
) -> TestResponse:
    data = {"username": username, "password": password, "confirm": confirm or password}
    return post_form(client, url, data, variant)


def log_in(
    client: FlaskClient,
    username: str,
    password: str = PASSWORD,
    remember: bool = False,
    variant: str = "plain",
    url: str = "/login",
) -> TestResponse:
    data: dict[str, object] = {"username": username, "password": password}
    if remember:
        data["remember"] = "y"
    return post_form(client, url, data, variant)


def text(response: TestResponse) -> str:
    """The response body with HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def create_user(app: Flask, username: str, password: str = PASSWORD, admin: bool = False) -> int:
    """Store an account directly and return its id."""
    with app.app_context():
        user = User(
            username=username,
            username_key=username.lower(),
            password_hash=generate_password_hash(password),
            is_admin=admin,
        )
        db.session.add(user)
        db.session.commit()
        return int(user.id)


def find_user(app: Flask, username_key: str) -> User | None:
    """The stored account with this lower-cased name, detached."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username_key == username_key))
        if user is not None:
            db.session.expunge(user)
        return user


def user_count(app: Flask) -> int:
    with app.app_context():
        return len(db.session.scalars(select(User)).all())


def add_round(
    app: Flask,
    user_id: int | None,
    *,
    quiz_id: str = "social-media",
    mode: str = "timed",
    score: int = 0,
    correct: int = 0,
    size: int = 10,
    started_at: datetime | None = None,
    finished_at: datetime | None = None,
    voided_at: datetime | None = None,
    guest_id: str | None = None,
) -> str:
    """Store a round directly and return its public id."""
    started = started_at or utcnow()
    with app.app_context():
        round_ = Round(
            public_id=secrets.token_urlsafe(12),
            user_id=user_id,
            guest_id=guest_id,
            quiz_id=quiz_id,
            mode=mode,
            seed=1,
            size=size,
            position=size if finished_at else 0,
            score=score,
            correct_count=correct,
            started_at=started,
            finished_at=finished_at,
            voided_at=voided_at,
        )
        db.session.add(round_)
        db.session.commit()
        return str(round_.public_id)
