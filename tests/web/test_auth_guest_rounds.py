"""A guest's rounds become theirs when they sign up or log in, in that browser only."""

from __future__ import annotations

import pytest
from auth_helpers import create_user, find_user, log_in, post_form, sign_up
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from web_helpers import Player

from quizapp.extensions import db
from quizapp.models import BestScore, Round


def stored_round(app: Flask, public_id: str) -> Round:
    with app.app_context():
        round_ = db.session.scalar(select(Round).where(Round.public_id == public_id))
        assert round_ is not None
        db.session.expunge(round_)
        return round_


def play_as_guest(app: Flask, client: FlaskClient) -> Player:
    player = Player(app, client)
    player.start(quiz="social-media", mode="relaxed")
    player.play_through()
    assert stored_round(app, player.round_id).finished_at is not None
    return player


def best_scores(app: Flask, user_id: int) -> list[tuple[str, int]]:
    with app.app_context():
        rows = db.session.scalars(select(BestScore).where(BestScore.user_id == user_id))
        return [(row.quiz_id, row.score) for row in rows]


@pytest.mark.parametrize("variant", ["plain", "htmx", "boosted"])
def test_signing_up_keeps_the_rounds_played_as_a_guest(
    app: Flask, client: FlaskClient, variant: str
) -> None:
    player = play_as_guest(app, client)
    sign_up(client, "newfan", variant=variant)
    user = find_user(app, "newfan")
    assert user is not None
    round_ = stored_round(app, player.round_id)
    assert round_.user_id == user.id and round_.guest_id is None
    assert ("social-media", round_.score) in best_scores(app, user.id)
    profile = client.get("/profile").get_data(as_text=True)
    assert f'data-round="{player.round_id}"' in profile


def test_logging_in_keeps_the_rounds_played_as_a_guest(app: Flask, client: FlaskClient) -> None:
    user_id = create_user(app, "Jimin")
    player = play_as_guest(app, client)
    log_in(client, "jimin")
    round_ = stored_round(app, player.round_id)
    assert round_.user_id == user_id and round_.guest_id is None
    assert f'data-round="{player.round_id}"' in client.get("/profile").get_data(as_text=True)


def test_an_unfinished_guest_round_can_be_finished_after_logging_in(
    app: Flask, client: FlaskClient
) -> None:
    user_id = create_user(app, "Jimin")
    player = Player(app, client)
    player.start(mode="relaxed")
    log_in(client, "Jimin")
    assert client.get(player.url).status_code == 200
    player.play_through()
    round_ = stored_round(app, player.round_id)
    assert round_.user_id == user_id and round_.finished_at is not None


def test_another_browsers_guest_rounds_are_not_claimed(app: Flask, client: FlaskClient) -> None:
    other = play_as_guest(app, app.test_client())
    sign_up(client, "newfan")
    round_ = stored_round(app, other.round_id)
    assert round_.user_id is None and round_.guest_id is not None
    assert f'data-round="{other.round_id}"' not in client.get("/profile").get_data(as_text=True)


def test_rounds_after_logging_out_are_a_new_guests(app: Flask, client: FlaskClient) -> None:
    before = play_as_guest(app, client)
    with client.session_transaction() as session:
        guest_before = session["guest_id"]
    sign_up(client, "newfan")
    post_form(client, "/logout", {})
    after = play_as_guest(app, client)
    with client.session_transaction() as session:
        guest_after = session["guest_id"]
    assert guest_after != guest_before
    assert stored_round(app, after.round_id).guest_id == guest_after
    assert stored_round(app, after.round_id).user_id is None
    create_user(app, "other")
    log_in(client, "other")
    other = find_user(app, "other")
    assert other is not None
    assert stored_round(app, after.round_id).user_id == other.id
    assert stored_round(app, before.round_id).user_id != other.id
    profile = client.get("/profile").get_data(as_text=True)
    assert profile.count('data-testid="history-row"') == 1


def test_a_failed_login_claims_nothing(app: Flask, client: FlaskClient) -> None:
    create_user(app, "Jimin")
    player = play_as_guest(app, client)
    log_in(client, "Jimin", "wrong-password")
    round_ = stored_round(app, player.round_id)
    assert round_.user_id is None and round_.guest_id is not None
