"""Real threads released together against a real HTTP server: an answer is scored once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from live_server import HttpPlayer, HttpResult, LiveServer, serve_app
from sqlalchemy import select

from quizapp.bank import QuestionType
from quizapp.extensions import db
from quizapp.models import Round
from quizapp.services.catalog import get_catalog

HTMX = {"HX-Request": "true", "HX-Target": "card"}


@pytest.fixture
def server(app: Flask, database_url: str) -> Iterator[LiveServer]:
    """The app over HTTP on the session's database (the `app` fixture empties it afterwards)."""
    config = {
        "SECRET_KEY": "concurrency",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "DB_POOL_SIZE": 10,
        "DB_MAX_OVERFLOW": 20,
    }
    live = serve_app(config, migrate=False)
    yield live
    live.stop()


def together(count: int, action: Any) -> list[Any]:
    """Run `action(i)` in `count` threads released at the same instant by a barrier."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        results[i] = action(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def right_answer(app: Flask, public_id: str) -> dict[str, Any]:
    """Form data answering the round's current question right."""
    with app.app_context():
        round_ = db.session.scalar(select(Round).where(Round.public_id == public_id))
        assert round_ is not None
        item = round_.items[round_.position]
        question = get_catalog().questions[item.question_id]
        if question.type is QuestionType.TYPED:
            return {"position": item.position, "text": question.accepted[0]}
        picks = [str(i) for i, c in enumerate(item.choice_order) if c in question.correct]
        return {"position": item.position, "choice": picks}


def start_round(player: HttpPlayer, token: str) -> str:
    started = player.post("/play", {"quiz": "mixed", "mode": "timed"}, token)
    assert started.status == 303, started.body[:300]
    public_id = started.headers["Location"].rsplit("/", 1)[1]
    assert player.get(f"/play/{public_id}").status == 200  # serves the first question
    return public_id


def stored_round(app: Flask, public_id: str) -> Round:
    with app.app_context():
        round_ = db.session.scalar(select(Round).where(Round.public_id == public_id))
        assert round_ is not None
        db.session.refresh(round_)
        for item in round_.items:
            db.session.expunge(item)
        db.session.expunge(round_)
        return round_


def test_twenty_identical_answers_are_scored_exactly_once(server: LiveServer) -> None:
    player = HttpPlayer(server.url)
    token = player.token()
    public_id = start_round(player, token)
    data = right_answer(server.app, public_id)
    tabs = [player.copy() for _ in range(20)]

    responses: list[HttpResult] = together(
        20, lambda i: tabs[i].post(f"/play/{public_id}/answer", data, token, HTMX)
    )

    assert [r.status for r in responses] == [200] * 20
    # every request, scored or not, shows the same current state: the answer's feedback
    assert all('data-testid="feedback" data-result="correct"' in r.body for r in responses)
    round_ = stored_round(server.app, public_id)
    first = round_.items[0]
    assert first.result == "correct" and first.points > 0
    assert round_.score == first.points
    assert round_.correct_count == 1 and round_.streak == 1
    assert [i.answered_at is not None for i in round_.items].count(True) == 1


def test_concurrent_next_presses_move_on_once(server: LiveServer) -> None:
    player = HttpPlayer(server.url)
    token = player.token()
    public_id = start_round(player, token)
    player.post(f"/play/{public_id}/answer", right_answer(server.app, public_id), token)
    tabs = [player.copy() for _ in range(10)]

    responses = together(
        10, lambda i: tabs[i].post(f"/play/{public_id}/next", {"position": 0}, token)
    )

    assert {r.status for r in responses} == {303}
    assert stored_round(server.app, public_id).position == 1
