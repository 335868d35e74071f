"""Fair play and limits: fast answers flagged, long input refused, rate limits, body size cap."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import Player


@pytest.fixture
def player(app: Flask, client: FlaskClient) -> Player:
    return Player(app, client)


def test_an_answer_faster_than_reading_is_scored_but_flagged(player: Player) -> None:
    player.start(mode="relaxed")
    player.client.get(player.url)
    player.answer(player.right_answer())  # within milliseconds of the card being served
    item, round_ = player.item(0), player.round()
    assert item.result == "correct" and item.points > 0
    assert item.flagged and round_.flagged_count == 1


def test_an_answer_after_reading_time_is_not_flagged(player: Player) -> None:
    player.start(mode="relaxed")
    player.client.get(player.url)
    player.age_question(3)
    player.answer(player.right_answer())
    assert not player.item(0).flagged and player.round().flagged_count == 0


def test_a_time_out_is_never_flagged(player: Player) -> None:
    player.start(mode="timed")
    player.client.get(player.url)
    player.answer({"position": 0, "timeout": "1"})
    assert player.item(0).result == "timeout" and not player.item(0).flagged


def reach(player: Player, typed: bool) -> int:
    """Answer and move on until the card on screen is (or is not) a typed question."""
    for position in range(player.round().size):
        html = player.client.get(player.url).get_data(as_text=True)
        if ('data-testid="answer-input"' in html) == typed:
            return position
        player.answer(player.right_answer())
        player.next(position)
    raise AssertionError("the round has no such question")


def test_an_over_long_typed_answer_is_refused_with_a_message(app: Flask, player: Player) -> None:
    app.config["ROUND_SIZE"] = 40
    player.start(quiz="social-media", mode="relaxed")
    position = reach(player, typed=True)
    response = player.answer({"position": position, "text": "x" * 201}, "htmx")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "too long: 200 characters at most" in html
    assert player.item(position).answered_at is None


def test_a_choice_question_ignores_stray_text_and_asks_for_a_pick(player: Player) -> None:
    player.start(quiz="faq-2024", mode="relaxed")
    position = reach(player, typed=False)
    response = player.answer({"position": position, "text": "Weverse"}, "htmx")
    assert "Pick an answer first." in response.get_data(as_text=True)
    assert player.item(position).answered_at is None


def test_more_picks_than_choices_is_refused(player: Player) -> None:
    player.start(mode="relaxed")
    player.client.get(player.url)
    response = player.answer({"position": 0, "choice": ["0"] * 50}, "htmx")
    assert response.status_code == 200
    assert player.item(0).answered_at is None


def test_a_huge_request_body_gets_a_friendly_413(client: FlaskClient) -> None:
    response = client.post("/play", data={"quiz": "x" * (70 * 1024)})
    assert response.status_code == 413
    assert "Back to the quizzes" in response.get_data(as_text=True)


def test_starting_rounds_is_rate_limited(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMIT_ENABLED=True, START_RATE_LIMIT="3 per minute")
    player = Player(app, app.test_client())
    statuses = [player.start(quiz="faq-2024").status_code for _ in range(3)]
    assert statuses == [303, 303, 303]
    response = player.post("/play", {"quiz": "faq-2024", "mode": "timed"})
    assert response.status_code == 429
    assert "Too many tries" in response.get_data(as_text=True)
