"""The daily challenge: one shared round a day, one ranked attempt, and the spoiler-free share."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from user_factory import log_in_as
from web_helpers import Player
from werkzeug.test import TestResponse

from quizapp.extensions import db
from quizapp.game.scoring import Mode
from quizapp.models import Round, RoundQuestion, User, utcnow
from quizapp.services import boards, daily, rounds
from quizapp.services.catalog import get_catalog
from quizapp.services.quizzes import quiz_title


def today_id() -> str:
    return f"daily-{utcnow().date().isoformat()}"


def start(player: Player, mode: str = "timed", variant: str = "plain") -> TestResponse:
    """Start today's challenge from the home page's daily card, as a browser would."""
    response = player.post("/daily", {"mode": mode}, variant)
    with player.app.app_context():
        newest = db.session.scalars(select(Round).order_by(Round.id.desc())).first()
        assert newest is not None
        player.round_id = newest.public_id
    return response


def add_user(app: Flask, name: str) -> int:
    with app.app_context():
        user = User(username=name, username_key=name, password_hash="-")
        db.session.add(user)
        db.session.commit()
        return user.id


@pytest.fixture
def player(app: Flask, client: FlaskClient) -> Player:
    return Player(app, client)


def drawn(player: Player) -> list[tuple[str, list[str]]]:
    round_ = player.round()
    return [(item.question_id, item.choice_order) for item in player_items(player, round_.size)]


def player_items(player: Player, size: int) -> list[RoundQuestion]:
    return [player.item(position) for position in range(size)]


# --- the card and the start route -----------------------------------------------------------------


def test_home_has_the_daily_card_above_the_quizzes(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    card = html.index('data-testid="daily-challenge"')
    assert html.index('name="mode"') < card < html.index('data-testid="quiz-card"')
    assert card < html.index("</form>")  # inside the mode picker's form
    assert 'formaction="/daily"' in html
    assert "Play today&#39;s challenge" in html
    assert f'data-quiz="{today_id()}"' in html


def test_daily_page_explains_and_starts_the_challenge(client: FlaskClient) -> None:
    response = client.get("/daily")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="daily-challenge"' in html
    assert 'action="/daily"' in html and 'name="csrf_token"' in html
    assert 'value="relaxed"' in html


def test_start_plain_redirects_to_a_five_question_round(player: Player) -> None:
    response = start(player)
    assert response.status_code == 303
    assert response.headers["Location"] == player.url
    round_ = player.round()
    assert (round_.quiz_id, round_.size, round_.is_ranked, round_.mode) == (
        today_id(),
        5,
        True,
        "timed",
    )


def test_start_htmx_returns_the_card_fragment(player: Player) -> None:
    response = start(player, variant="htmx")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="card"')
    assert 'data-testid="progress">1 / 5<' in html
    assert "Daily challenge · " in html


def test_start_boosted_returns_the_full_page(player: Player) -> None:
    response = start(player, variant="boosted")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert 'data-testid="question"' in html
    assert response.headers["HX-Push-Url"] == player.url


def test_the_mode_comes_from_the_picker(player: Player) -> None:
    start(player, mode="relaxed")
    assert player.round().mode == "relaxed"
    html = player.client.get(player.url).get_data(as_text=True)
    assert 'data-testid="timer"' not in html


def test_start_without_csrf_is_refused(client: FlaskClient, app: Flask) -> None:
    assert client.post("/daily", data={"mode": "timed"}).status_code == 400
    with app.app_context():
        assert db.session.query(Round).count() == 0


# --- the same round for everyone, once a day ------------------------------------------------------


def test_two_players_get_the_same_questions_in_the_same_order(app: Flask) -> None:
    signed_in = Player(app, app.test_client())
    log_in_as(signed_in.client, add_user(app, "ann"))
    signed_in.start(quiz="mixed")  # recent questions must not change ann's daily round
    signed_in.play_through()
    guest = Player(app, app.test_client())
    start(signed_in)
    start(guest)
    assert signed_in.round().seed == guest.round().seed
    assert drawn(signed_in) == drawn(guest)
    assert len({question for question, _ in drawn(guest)}) == 5


def test_the_next_day_brings_a_different_round(app: Flask) -> None:
    first_day = datetime(2026, 11, 22, 8, 0)
    with app.app_context():
        catalog = get_catalog()

        def questions(who: rounds.Player, now: datetime) -> list[str]:
            round_ = daily.start_daily(catalog, who, Mode.TIMED, 20, now)
            return [item.question_id for item in round_.items]

        ann, bob = rounds.Player(None, "ann-browser"), rounds.Player(None, "bob-browser")
        monday = questions(ann, first_day)
        assert questions(bob, first_day + timedelta(hours=15)) == monday
        tuesday = questions(ann, first_day + timedelta(days=1))
        assert tuesday != monday
        ids = {r.quiz_id for r in db.session.scalars(select(Round))}
        assert ids == {"daily-2026-11-22", "daily-2026-11-23"}


def test_only_the_first_play_of_the_day_is_ranked(app: Flask, player: Player) -> None:
    user_id = add_user(app, "ann")
    log_in_as(player.client, user_id)
    start(player)
    player.play_through(right=False)
    first = player.round()
    assert first.is_ranked and first.score == 0
    home = player.client.get("/").get_data(as_text=True)
    assert "You've had your ranked go today" in home
    assert "Practise today&#39;s challenge" in home
    start(player, mode="relaxed")  # another mode does not buy another ranked go
    player.play_through(right=True)
    second = player.round()
    assert not second.is_ranked and second.score > 0
    with app.app_context():
        board = boards.get_board(boards.BoardKind.DAILY, "timed", now=utcnow(), user_id=user_id)
        assert [(r.username, r.score) for r in board.rows] == [("ann", 0)]
        relaxed = boards.get_board(boards.BoardKind.DAILY, "relaxed", now=utcnow())
        assert relaxed.rows == ()
    html = player.client.get(f"/results/{second.public_id}").get_data(as_text=True)
    assert "This play was practice" in html


def test_a_guests_ranked_attempt_is_kept_by_their_browser(app: Flask, player: Player) -> None:
    start(player)
    start(player)
    other = Player(app, app.test_client())
    start(other)
    with app.app_context():
        ranked = db.session.scalars(select(Round.is_ranked).order_by(Round.id)).all()
    assert ranked == [True, False, True]


# --- the share text -------------------------------------------------------------------------------


def share_block(html: str) -> str:
    start_at = html.index('data-testid="share"')
    return html[start_at : html.index("</section>", start_at)]


def test_share_squares_match_the_answers_and_give_nothing_away(app: Flask, player: Player) -> None:
    log_in_as(player.client, add_user(app, "ann"))
    start(player)
    plan = ["right", "wrong", "timeout", "right", "right"]
    for position, how in enumerate(plan):
        player.client.get(player.url)
        if how == "timeout":
            player.age_question(60)
            player.answer({"position": position, "timeout": "1"})
        else:
            player.answer(player.right_answer() if how == "right" else player.wrong_answer())
        response = player.next(position)
    html = player.client.get(response.headers["Location"]).get_data(as_text=True)
    results = re.findall(r'data-testid="review-item" data-result="(\w+)"', html)
    assert results == ["correct", "wrong", "timeout", "correct", "correct"]
    block = share_block(html)
    score = player.round().score
    text = re.search(r"<textarea[^>]*readonly[^>]*>([^<]*)</textarea>", block)
    assert text is not None
    day = utcnow().date()
    assert text.group(1).splitlines() == [
        f"Daily challenge · {day.day} {day:%b %Y} (timed)",
        "🟩🟥⬜🟩🟩 3/5",
        f"{score} points",
        "http://localhost/daily",
    ]
    assert "You're <strong>#1</strong> on today" in block
    assert "data-copy-share" in block and "/static/js/daily.js" in html
    with app.app_context():
        catalog = get_catalog()
        for item in player_items(player, 5):
            question = catalog.questions[item.question_id]
            for secret in (question.prompt, question.explanation, question.answer_text):
                assert secret not in block


def test_partly_right_counts_as_a_red_square() -> None:
    assert daily.share_squares(["correct", "partial", "wrong", "timeout"]) == "🟩🟥🟥⬜"


def test_a_guest_can_share_and_is_invited_to_sign_up(player: Player) -> None:
    start(player)
    response = player.play_through()
    block = share_block(player.client.get(response.headers["Location"]).get_data(as_text=True))
    assert "🟩🟩🟩🟩🟩 5/5" in block
    assert 'href="/signup"' in block


def test_other_rounds_have_no_share_block(player: Player) -> None:
    player.start(quiz="social-media")
    response = player.play_through()
    html = player.client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="results"' in html
    assert 'data-testid="share"' not in html


def test_daily_quiz_titles(app: Flask) -> None:
    with app.app_context():
        catalog = get_catalog()
    assert quiz_title(catalog, "daily-2026-11-22") == "Daily challenge · 22 Nov 2026"
    assert quiz_title(catalog, "daily-2026-02-31") == "daily-2026-02-31"
    assert boards.daily_quiz_id(date(2026, 1, 5)) == "daily-2026-01-05"


def test_play_again_on_daily_results_starts_a_practice_daily(app, client) -> None:  # type: ignore[no-untyped-def]
    from web_helpers import Player

    player = Player(app, client)
    first = player.post("/daily", {"mode": "relaxed"})
    assert first.status_code == 303
    player.round_id = first.headers["Location"].rsplit("/", 1)[1]
    player.play_through()
    html = client.get(f"/results/{player.round_id}").get_data(as_text=True)
    assert 'action="/daily"' in html and "Play the daily again (practice)" in html
    again = player.post("/daily", {"mode": "relaxed"})
    assert again.status_code == 303
    assert again.headers["Location"] != first.headers["Location"]
