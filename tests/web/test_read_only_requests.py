"""Requests that only read run without a transaction; a request that writes must say so first."""

from __future__ import annotations

import pytest
from flask import Flask, abort
from sqlalchemy import func, select

from quizapp.database import WriteWhileReading, mark_write
from quizapp.extensions import db
from quizapp.models import User


def _users() -> int:
    return int(db.session.scalar(select(func.count()).select_from(User)) or 0)


def _add_user(name: str) -> None:
    db.session.add(User(username=name, username_key=name, password_hash="x"))
    db.session.commit()


def _in_transaction() -> bool:
    """Whether the request's database connection is inside a transaction right now."""
    raw = db.session.connection().connection.dbapi_connection
    assert raw is not None
    if db.engine.dialect.name == "sqlite":
        return bool(raw.in_transaction)  # type: ignore[attr-defined]
    return not raw.autocommit  # type: ignore[attr-defined]


@pytest.fixture
def probe_app(app: Flask) -> Flask:
    """The app with a few routes that read or write, for these tests only."""
    app.config["WTF_CSRF_ENABLED"] = False

    @app.get("/_probe/read")
    def read() -> str:
        count = _users()
        return f"users={count} transaction={_in_transaction()}"

    @app.get("/_probe/write-undeclared")
    def write_undeclared() -> str:
        _add_user("sneaky")
        return "written"

    @app.get("/_probe/write-declared")
    def write_declared() -> str:
        mark_write()
        _add_user("declared")
        return f"transaction={_in_transaction()}"

    @app.post("/_probe/write-then-fail")
    def write_then_fail() -> str:
        db.session.add(User(username="halfway", username_key="halfway", password_hash="x"))
        db.session.flush()
        assert _in_transaction()
        abort(409)

    return app


def test_a_get_reads_without_a_transaction(probe_app: Flask) -> None:
    response = probe_app.test_client().get("/_probe/read")
    assert response.get_data(as_text=True) == "users=0 transaction=False"


def test_a_get_that_writes_without_saying_so_is_refused_and_stores_nothing(
    probe_app: Flask,
) -> None:
    with pytest.raises(WriteWhileReading, match="GET request that did not call mark_write"):
        probe_app.test_client().get("/_probe/write-undeclared")
    with probe_app.app_context():
        assert _users() == 0


def test_a_get_that_declares_its_write_gets_a_transaction_and_commits(probe_app: Flask) -> None:
    response = probe_app.test_client().get("/_probe/write-declared")
    assert response.get_data(as_text=True) == "transaction=True"
    with probe_app.app_context():
        assert _users() == 1


def test_a_post_after_reads_on_the_same_pool_still_rolls_back(probe_app: Flask) -> None:
    """The pooled connection a GET used in autocommit is a transactional one again."""
    client = probe_app.test_client()
    for _ in range(3):  # the pool hands the same connection back
        assert client.get("/_probe/read").status_code == 200
    assert client.post("/_probe/write-then-fail").status_code == 409
    assert client.get("/_probe/read").get_data(as_text=True) == "users=0 transaction=False"
