"""On SQLite, requests that write take turns on a file lock beside the database."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, abort

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import User


def _turn_is_free(lock_path: Path) -> bool:
    """Whether another process or thread could take the writers' turn right now."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # also releases the lock if it was taken
    return True


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on its own SQLite file (whatever database the suite runs on)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'queue.sqlite'}",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_writing_request_holds_the_turn_until_it_commits(
    sqlite_app: Flask, tmp_path: Path
) -> None:
    lock = tmp_path / "queue.sqlite-writers.lock"
    seen: dict[str, bool] = {}
    writing, checked = threading.Event(), threading.Event()

    @sqlite_app.post("/_probe/write")
    def write() -> str:
        db.session.add(User(username="queued", username_key="queued", password_hash="x"))
        db.session.flush()  # BEGIN IMMEDIATE: the turn is taken
        writing.set()
        checked.wait(10)
        db.session.commit()
        seen["after commit"] = _turn_is_free(lock)
        return "ok"

    client = sqlite_app.test_client()
    worker = threading.Thread(target=lambda: client.post("/_probe/write"))
    worker.start()
    assert writing.wait(10)
    seen["while writing"] = _turn_is_free(lock)
    checked.set()
    worker.join(10)
    assert seen == {"while writing": False, "after commit": True}


def test_a_failed_write_gives_the_turn_back(sqlite_app: Flask, tmp_path: Path) -> None:
    @sqlite_app.post("/_probe/fail")
    def fail() -> str:
        db.session.add(User(username="halfway", username_key="halfway", password_hash="x"))
        db.session.flush()
        abort(409)

    response = sqlite_app.test_client().post("/_probe/fail")
    assert response.status_code == 409
    assert _turn_is_free(tmp_path / "queue.sqlite-writers.lock")
    with sqlite_app.app_context():
        assert db.session.query(User).count() == 0


def test_reads_never_wait_for_the_turn(sqlite_app: Flask, tmp_path: Path) -> None:
    """A page that only reads is served while another process holds the writers' turn."""
    fd = os.open(tmp_path / "queue.sqlite-writers.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert sqlite_app.test_client().get("/leaderboards").status_code == 200
    finally:
        os.close(fd)
