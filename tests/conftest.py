"""Shared fixtures: one migrated database per session (SQLite, or QUIZAPP_TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from user_factory import log_in_as, make_user  # noqa: F401  (re-exported for tests)

from quizapp import create_app
from quizapp.extensions import db

TEST_DB_URL = os.environ.get("QUIZAPP_TEST_DATABASE_URL")
CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')


def base_config(url: str) -> dict[str, object]:
    """Settings every test app shares."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "RATELIMIT_ENABLED": False,
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated to the latest schema with Flask-Migrate, once per session."""
    url = TEST_DB_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    app = create_app(base_config(url))
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        flask_migrate.upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """A fresh app on the session database; every table is emptied afterwards."""
    app = create_app(base_config(database_url))
    yield app
    with app.app_context():
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.engine.dispose()


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Build extra apps on the session database (`make_app(PRODUCTION=True)`); their
    connections are closed afterwards."""
    made: list[Flask] = []

    def build(**config: object) -> Flask:
        made.append(create_app({**base_config(database_url), "TESTING": True, **config}))
        return made[-1]

    yield build
    for extra in made:
        with extra.app_context():
            db.engine.dispose()


@pytest.fixture
def _push_request_context() -> Iterator[None]:
    """Replace pytest-flask's test-wide request context: each request gets its own."""
    yield


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client that pops each request's context when the request ends.

    pytest-flask's own client is used as `with app.test_client()`, which keeps the last
    request's context pushed; another client's request would then share it, and its
    database session (and SQLite write lock) would outlive the request.
    """
    return app.test_client()


def csrf_token(client: FlaskClient) -> str:
    """The CSRF token of the client's session, read from the home page form."""
    match = CSRF_PATTERN.search(client.get("/").get_data(as_text=True))
    assert match, "the home page has no CSRF token"
    return match.group(1)


@pytest.fixture
def shipped_questions() -> Path:
    """The questions folder that ships with the app."""
    return Path(__file__).resolve().parent.parent / "questions"
