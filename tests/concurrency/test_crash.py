"""kill -9 under load: every acknowledged answer survives, the database stays consistent."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from live_server import GunicornServer, HttpPlayer
from sqlalchemy import func, select, text

from quizapp.bank import QuestionType
from quizapp.extensions import db
from quizapp.models import Round, RoundQuestion
from quizapp.services.catalog import get_catalog

HTMX = {"HX-Request": "true", "HX-Target": "card"}
PLAYERS = 6


class Load:
    """Players answering questions in a loop, recording every answer the server acknowledged."""

    def __init__(self, app: Flask, base: Callable[[], str]) -> None:
        self.app, self.base = app, base
        self.acknowledged: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.play, daemon=True) for _ in range(PLAYERS)]

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def wait_for(self, count: int, timeout: float = 60) -> int:
        """Let the load run until `count` answers were acknowledged (or time runs out)."""
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return len(self.acknowledged)

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(30)

    def answer_data(self, public_id: str) -> dict[str, Any] | None:
        with self.app.app_context():
            round_ = db.session.scalar(select(Round).where(Round.public_id == public_id))
            if round_ is None or round_.position >= len(round_.items):
                return None
            item = round_.items[round_.position]
            question = get_catalog().questions[item.question_id]
            if question.type is QuestionType.TYPED:
                return {"position": item.position, "text": question.accepted[0]}
            picks = [str(i) for i, c in enumerate(item.choice_order) if c in question.correct]
            return {"position": item.position, "choice": picks}

    def play(self) -> None:
        while not self.stopping.is_set():
            try:
                self.play_round()
            except (OSError, http.client.HTTPException, AssertionError, KeyError):
                # the server is down or restarting: refused, reset, cut in the middle of a body
                # (IncompleteRead: that answer was not acknowledged), no token, no Location
                time.sleep(0.05)

    def play_round(self) -> None:
        player = HttpPlayer(self.base())
        token = player.token()
        started = player.post("/play", {"quiz": "mixed", "mode": "relaxed"}, token)
        public_id = started.headers["Location"].rsplit("/", 1)[1]
        for position in range(10):
            if self.stopping.is_set() or player.get(f"/play/{public_id}").status != 200:
                return
            data = self.answer_data(public_id)
            if data is None:
                return
            answered = player.post(f"/play/{public_id}/answer", data, token, HTMX)
            if answered.status == 200 and 'data-testid="feedback"' in answered.body:
                with self.lock:
                    self.acknowledged.append((public_id, position))
            player.post(f"/play/{public_id}/next", {"position": position}, token)


def assert_consistent(app: Flask, acknowledged: list[tuple[str, int]]) -> None:
    """Every acknowledged answer is stored, and each round's score is the sum of its points."""
    with app.app_context():
        stored = set(
            db.session.execute(
                select(Round.public_id, RoundQuestion.position)
                .join(RoundQuestion)
                .where(RoundQuestion.answered_at.is_not(None))
            ).all()
        )
        assert set(acknowledged) <= {tuple(row) for row in stored}
        points = (
            select(Round.id, Round.score, func.coalesce(func.sum(RoundQuestion.points), 0))
            .join(RoundQuestion)
            .group_by(Round.id, Round.score)
        )
        mismatched = [row for row in db.session.execute(points) if row[1] != row[2]]
        assert mismatched == []
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"


@pytest.fixture
def gunicorn(app: Flask, database_url: str) -> Iterator[GunicornServer]:
    server = GunicornServer(database_url).start()
    yield server
    server.stop()


def test_killing_a_worker_loses_no_acknowledged_answer(
    app: Flask, gunicorn: GunicornServer
) -> None:
    with Load(app, lambda: gunicorn.url) as load:
        before = load.wait_for(20)
        victim = gunicorn.kill_worker()
        after = load.wait_for(before + 20)
    assert victim not in gunicorn.worker_pids()  # the master replaced it
    assert before >= 20 and after >= before + 20
    assert_consistent(app, load.acknowledged)
    assert HttpPlayer(gunicorn.url).get("/readyz").status == 200


def test_killing_the_whole_server_loses_no_acknowledged_answer(
    app: Flask, gunicorn: GunicornServer
) -> None:
    with Load(app, lambda: gunicorn.url) as load:
        load.wait_for(20)
        gunicorn.kill_all()
        before_restart = len(load.acknowledged)
        gunicorn.start()
        after = load.wait_for(before_restart + 20)
    assert before_restart >= 20 and after >= before_restart + 20
    assert_consistent(app, load.acknowledged)
