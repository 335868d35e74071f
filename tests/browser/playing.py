"""A player in the browser: start a round, answer the card on screen right, sign up, log in.

Used by the browser tests and by scripts/screenshots.py.
"""

from __future__ import annotations

import re
from typing import Any

from live_server import HttpPlayer, LiveServer
from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.bank import Question, QuestionType
from quizapp.extensions import db
from quizapp.models import Round, RoundQuestion
from quizapp.services.catalog import get_catalog

ROUND_URL = re.compile(r"/play/([\w-]+)$")
PASSWORD = "correct-horse-battery"


def current_question(server: LiveServer, page: Any) -> tuple[RoundQuestion, Question]:
    """The stored item and bank question behind the card on screen."""
    match = ROUND_URL.search(page.url)
    assert match, page.url
    position = int(page.get_by_test_id("progress").inner_text().split("/")[0]) - 1
    with server.app.app_context():
        round_ = db.session.scalar(select(Round).where(Round.public_id == match.group(1)))
        assert round_ is not None
        item = round_.items[position]
        db.session.expunge(item)
        return item, get_catalog().questions[item.question_id]


def answer_right(server: LiveServer, page: Any, *, tap: bool = False) -> str:
    """Answer the card on screen correctly, the way a player would; returns the type."""
    item, question = current_question(server, page)
    choices = page.get_by_test_id("choice")
    press = (lambda loc: loc.tap()) if tap else (lambda loc: loc.click())
    if question.type is QuestionType.TYPED:
        page.get_by_test_id("answer-input").fill(question.accepted[0])
        press(page.get_by_test_id("submit-answer"))
    elif question.type is QuestionType.MULTI:
        for index, text in enumerate(item.choice_order):
            if text in question.correct:
                press(choices.nth(index))
        press(page.get_by_test_id("submit-answer"))
    else:
        (right,) = question.correct
        press(choices.nth(item.choice_order.index(right)))
    expect(page.get_by_test_id("feedback")).to_have_attribute("data-result", "correct")
    return str(question.type)


def answer_wrong(server: LiveServer, page: Any) -> None:
    """Answer the card on screen wrongly (a wrong choice, or a made-up typed answer)."""
    item, question = current_question(server, page)
    if question.type is QuestionType.TYPED:
        page.get_by_test_id("answer-input").fill("not even close")
        page.get_by_test_id("submit-answer").click()
    else:
        wrong = next(i for i, text in enumerate(item.choice_order) if text not in question.correct)
        page.get_by_test_id("choice").nth(wrong).click()
        if question.type is QuestionType.MULTI:
            page.get_by_test_id("submit-answer").click()
    expect(page.get_by_test_id("feedback")).to_have_attribute("data-result", re.compile("wrong"))


def start(page: Any, server: LiveServer, quiz: str, mode: str) -> None:
    """From the home page: pick the mode, then the quiz's start button."""
    page.goto(server.url + "/")
    page.locator(f'input[name="mode"][value="{mode}"]').check()
    page.locator(f'[data-testid="quiz-card"][data-quiz="{quiz}"]').get_by_test_id(
        "start-round"
    ).click()
    expect(page.get_by_test_id("question")).to_be_visible()
    expect(page).to_have_url(ROUND_URL)


def total_questions(page: Any) -> int:
    """The round's length, read from the progress text ("3 / 10")."""
    return int(page.get_by_test_id("progress").inner_text().split("/")[1])


def play_to_results(server: LiveServer, page: Any, *, tap: bool = False) -> set[str]:
    """Answer every card right, from the one on screen, and move on until the results page."""
    types = set()
    total = total_questions(page)
    first = int(page.get_by_test_id("progress").inner_text().split("/")[0])
    for number in range(first, total + 1):
        expect(page.get_by_test_id("progress")).to_have_text(f"{number} / {total}")
        types.add(answer_right(server, page, tap=tap))
        next_button = page.get_by_test_id("next")
        (next_button.tap if tap else next_button.click)()
    expect(page.get_by_test_id("results")).to_be_visible()
    return types


def sign_up(page: Any, server: LiveServer, username: str) -> None:
    """Create an account through the sign-up form; lands on the home page, signed in."""
    page.goto(server.url + "/signup")
    send_sign_up(page, username)


def send_sign_up(page: Any, username: str) -> None:
    """Fill in and send the sign-up form on screen; lands on the home page, signed in."""
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[name="confirm"]').fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_in(page: Any, server: LiveServer, username: str, password: str = PASSWORD) -> None:
    """Log in through the form; lands on the home page (or `next`), signed in."""
    page.goto(server.url + "/login")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def http_sign_up(server: LiveServer, username: str) -> tuple[HttpPlayer, str]:
    """Over plain HTTP: a new account, signed in; returns the player and its CSRF token."""
    player = HttpPlayer(server.url)
    token = player.token()
    form = {"username": username, "password": PASSWORD, "confirm": PASSWORD}
    signed = player.post("/signup", form, token)
    assert signed.status == 303, signed.status
    return player, token


def http_play(
    server: LiveServer,
    player: HttpPlayer,
    token: str,
    quiz: str,
    mode: str,
    *,
    right: int = 100,
    start: str = "/play",
    stop_at: QuestionType | None = None,
) -> str:
    """Start a round and answer the first `right` questions right, the rest wrong, to the end.

    With `stop_at`, stop on the first unanswered question of that type instead (rounds are
    drawn at random: one without such a question is played out and another one started).
    Returns the round's public id.
    """
    for _ in range(20):
        public_id, stopped = _http_round(server, player, token, quiz, mode, right, start, stop_at)
        if stop_at is None or stopped:
            return public_id
    raise AssertionError(f"no {stop_at} question in 20 rounds of {quiz}")


def _http_round(
    server: LiveServer,
    player: HttpPlayer,
    token: str,
    quiz: str,
    mode: str,
    right: int,
    start: str,
    stop_at: QuestionType | None,
) -> tuple[str, bool]:
    """One round of http_play: its public id, and whether it stopped at a `stop_at` question."""
    started = player.post(start, {"quiz": quiz, "mode": mode}, token)
    public_id = started.headers["Location"].rsplit("/", 1)[1]
    for position in range(200):
        if player.get(f"/play/{public_id}").status != 200:
            return public_id, False  # a 303 to the results: the round is over
        with server.app.app_context():
            round_ = db.session.scalar(select(Round).where(Round.public_id == public_id))
            assert round_ is not None
            item = round_.items[position]
            question = get_catalog().questions[item.question_id]
        if question.type is stop_at:
            return public_id, True
        if question.type is QuestionType.TYPED:
            data: dict[str, Any] = {"text": question.accepted[0] if position < right else "?"}
        else:
            order = list(enumerate(item.choice_order))
            rights = [str(i) for i, text in order if text in question.correct]
            wrongs = [str(i) for i, text in order if text not in question.correct]
            data = {"choice": rights if position < right else wrongs[:1]}
        player.post(f"/play/{public_id}/answer", {"position": position, **data}, token)
        player.post(f"/play/{public_id}/next", {"position": position}, token)
    raise AssertionError(f"round {public_id} never ended")
