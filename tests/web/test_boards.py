"""The leaderboards page: its tabs, the refresh fragment, "your rank", guests and hidden players."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from user_factory import log_in_as
from web_helpers import VARIANT_HEADERS, Player

from quizapp.extensions import db
from quizapp.models import Round, User, utcnow
from quizapp.services import boards

ROW = re.compile(r'data-testid="leaderboard-row" data-rank="(\d+)".*?class="player">([^<]+)<', re.S)


def add_player(name: str, *scores: int, quiz: str = "social-media", mode: str = "timed") -> int:
    """A player (inside an app context) with finished ranked rounds folded into the boards."""
    user = User(username=name, username_key=name.lower(), password_hash="-")
    db.session.add(user)
    db.session.flush()
    for score in scores:
        at = utcnow() - timedelta(minutes=5)
        round_ = Round(
            public_id=secrets.token_urlsafe(12),
            user_id=user.id,
            quiz_id=quiz,
            mode=mode,
            seed=1,
            size=10,
            score=score,
            finished_at=at,
        )
        db.session.add(round_)
        db.session.flush()
        boards.record_finished_round(round_, at)
    db.session.commit()
    return user.id


def board_rows(html: str) -> list[tuple[int, str]]:
    return [(int(rank), name) for rank, name in ROW.findall(html)]


def my_rank(html: str) -> str:
    start = html.index('data-testid="my-rank"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def three(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            "bob": add_player("bob", 500),
            "ann": add_player("ann", 900, 300),
            "cat": add_player("cat", 700, quiz="mixed"),
        }


QUIZ_URL = "/leaderboards?board=quiz&quiz=social-media&mode=timed"


def test_page_shows_the_board_its_tabs_and_the_refresh_hooks(
    client: FlaskClient, three: dict[str, int]
) -> None:
    response = client.get(QUIZ_URL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert 'data-testid="leaderboard"' in html
    assert board_rows(html) == [(1, "ann"), (2, "bob")]
    assert "K-pop and Social Media" in html
    assert re.search(r'href="/leaderboards\?board=overall&amp;mode=timed"', html)
    assert re.search(r'href="[^"]*quiz=mixed[^"]*"', html)  # quiz filter links
    assert re.search(r'href="[^"]*mode=relaxed[^"]*" >Relaxed', html)
    assert 'hx-trigger="refresh"' in html and 'id="board"' in html
    assert "/static/js/boards.js" in html


def test_refresh_fragment_is_the_table_alone(client: FlaskClient, three: dict[str, int]) -> None:
    response = client.get(QUIZ_URL, headers={"HX-Request": "true", "HX-Target": "board"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="board"')
    assert board_rows(html) == [(1, "ann"), (2, "bob")]
    assert "HX-Request" in response.headers["Vary"]


def test_boosted_navigation_gets_the_full_page(client: FlaskClient, three: dict[str, int]) -> None:
    response = client.get(QUIZ_URL, headers=VARIANT_HEADERS["boosted"])
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert board_rows(html) == [(1, "ann"), (2, "bob")]


def test_overall_is_the_default_board(client: FlaskClient, three: dict[str, int]) -> None:
    html = client.get("/leaderboards").get_data(as_text=True)
    assert board_rows(html) == [(1, "ann"), (2, "cat"), (3, "bob")]
    assert re.search(r'aria-current="page">Overall<', html)


@pytest.mark.parametrize("query", ["?board=nope&mode=fast", "?mode=", "?board=quiz"])
def test_odd_query_args_fall_back_to_a_real_board(client: FlaskClient, query: str) -> None:
    response = client.get("/leaderboards" + query)
    assert response.status_code == 200
    assert "No scores on this board yet" in response.get_data(as_text=True)


def test_an_unknown_quiz_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/leaderboards?board=quiz&quiz=no-such-quiz")
    assert response.status_code == 404
    assert "We can't find that page" in response.get_data(as_text=True)


def test_guests_are_invited_to_sign_up_instead_of_a_rank(
    client: FlaskClient, three: dict[str, int]
) -> None:
    block = my_rank(client.get(QUIZ_URL).get_data(as_text=True))
    assert "Guests aren't on the leaderboards" in block
    assert 'href="/signup"' in block
    assert "You're" not in block


def test_signed_in_player_sees_their_rank(client: FlaskClient, three: dict[str, int]) -> None:
    log_in_as(client, three["bob"])
    html = client.get(QUIZ_URL).get_data(as_text=True)
    assert "You're <strong>#2</strong> with 500 points." in my_rank(html)
    assert re.search(r'data-rank="2" class="is-me" aria-current="true"', html)


def test_a_player_not_on_the_board_is_told_how_to_get_on(
    client: FlaskClient, three: dict[str, int]
) -> None:
    log_in_as(client, three["cat"])
    assert "You're not on this board yet" in my_rank(client.get(QUIZ_URL).get_data(as_text=True))


def test_outside_the_top_20_you_see_two_above_and_two_below(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        ids = [add_player(f"p{n:02d}", 10_000 - 100 * n) for n in range(1, 31)]
    log_in_as(client, ids[24])
    html = client.get(QUIZ_URL).get_data(as_text=True)
    rows = board_rows(html)
    assert len(rows) == 20 and rows[0] == (1, "p01") and rows[-1] == (20, "p20")
    block = my_rank(html)
    assert "You're <strong>#25</strong>" in block
    assert re.findall(r'<tr data-rank="(\d+)"', block) == ["23", "24", "25", "26", "27"]
    assert "p23" in block and "p27" in block and "p22" not in block and "p28" not in block


def test_hidden_players_are_not_on_the_page(
    app: Flask, client: FlaskClient, three: dict[str, int]
) -> None:
    with app.app_context():
        db.session.get(User, three["ann"]).is_hidden = True
        boards.set_hidden(three["ann"], True)
        db.session.commit()
    html = client.get(QUIZ_URL).get_data(as_text=True)
    assert board_rows(html) == [(1, "bob")]


def test_finishing_a_round_signed_in_puts_you_on_the_boards(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        user_id = add_player("dana")
    log_in_as(client, user_id)
    player = Player(app, client)
    player.start(quiz="social-media")
    player.play_through(variant="htmx")
    score = player.round().score
    assert score > 0
    for query in (QUIZ_URL, "/leaderboards?board=overall", "/leaderboards?board=week"):
        html = client.get(query).get_data(as_text=True)
        assert board_rows(html) == [(1, "dana")], query
        assert f"with {score} points" in my_rank(html)


def test_a_guests_round_stays_off_the_boards(app: Flask, client: FlaskClient) -> None:
    player = Player(app, client)
    player.start(quiz="social-media")
    player.play_through()
    assert player.round().finished_at is not None
    for query in (QUIZ_URL, "/leaderboards?board=overall", "/leaderboards?board=week"):
        assert board_rows(client.get(query).get_data(as_text=True)) == [], query
