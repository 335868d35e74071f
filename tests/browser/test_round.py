"""Whole rounds in Chromium on a phone: tapping, typing, time-outs, no JavaScript, keyboard."""

from __future__ import annotations

import re
from typing import Any

from conftest import new_page
from live_server import LiveServer
from playwright.sync_api import expect
from sqlalchemy import select, update

from quizapp.bank import Question, QuestionType
from quizapp.extensions import db
from quizapp.models import Round, RoundQuestion
from quizapp.services.catalog import get_catalog

ROUND_URL = re.compile(r"/play/([\w-]+)$")


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


def start(page: Any, server: LiveServer, quiz: str, mode: str) -> None:
    page.goto(server.url + "/")
    page.locator(f'input[name="mode"][value="{mode}"]').check()
    page.locator(f'[data-testid="quiz-card"][data-quiz="{quiz}"]').get_by_test_id(
        "start-round"
    ).click()
    expect(page.get_by_test_id("question")).to_be_visible()
    expect(page).to_have_url(ROUND_URL)


def play_to_results(server: LiveServer, page: Any, *, tap: bool = False) -> set[str]:
    """Answer every card right and move on until the results page."""
    types = set()
    total = int(page.get_by_test_id("progress").inner_text().split("/")[1])
    for number in range(1, total + 1):
        expect(page.get_by_test_id("progress")).to_have_text(f"{number} / {total}")
        types.add(answer_right(server, page, tap=tap))
        next_button = page.get_by_test_id("next")
        (next_button.tap if tap else next_button.click)()
    expect(page.get_by_test_id("results")).to_be_visible()
    return types


def test_a_full_timed_round_by_tapping(serve: Any, page: Any) -> None:
    server = serve()
    start(page, server, "mixed", "timed")
    expect(page.get_by_test_id("timer")).to_be_visible()
    expect(page.get_by_test_id("progress")).to_have_text("1 / 10")
    play_to_results(server, page, tap=True)
    score = page.get_by_test_id("final-score").inner_text()
    assert score.isdigit() and int(score) > 0
    expect(page.get_by_test_id("review-item")).to_have_count(10)
    assert page.errors == []


def test_a_relaxed_round_with_typed_and_multi_select_answers(serve: Any, page: Any) -> None:
    server = serve(ROUND_SIZE=40)
    start(page, server, "social-media", "relaxed")
    expect(page.get_by_test_id("timer")).to_have_count(0)
    types = play_to_results(server, page)
    assert {"typed", "multi", "single", "truefalse"} <= types
    expect(page.get_by_test_id("results")).to_contain_text("40 / 40 (100%)")
    assert page.errors == []


def test_the_card_submits_a_time_out_when_the_clock_runs_out(serve: Any, page: Any) -> None:
    server = serve()
    start(page, server, "faq-2024", "timed")
    with server.app.app_context():
        db.session.execute(
            update(RoundQuestion).where(RoundQuestion.position == 0).values(time_limit=3)
        )
        db.session.commit()
    page.reload()
    expect(page.get_by_test_id("timer")).to_be_visible()
    expect(page.get_by_test_id("feedback")).to_have_attribute(
        "data-result", "timeout", timeout=10_000
    )
    expect(page.get_by_test_id("points")).to_have_text("+0 points")
    assert page.errors == []


def test_a_whole_round_without_javascript(serve: Any, browser: Any, request: Any) -> None:
    server = serve()
    page = new_page(browser, request, java_script_enabled=False)
    start(page, server, "milestones-2024", "timed")
    play_to_results(server, page)
    assert int(page.get_by_test_id("final-score").inner_text()) > 0
    expect(page.get_by_test_id("review-item")).to_have_count(10)


def test_a_whole_round_by_keyboard_only(serve: Any, page: Any) -> None:
    server = serve()
    start(page, server, "mixed", "relaxed")
    for number in range(1, 11):
        expect(page.get_by_test_id("progress")).to_have_text(f"{number} / 10")
        expect(page.locator("#card")).to_be_focused()
        item, question = current_question(server, page)
        if question.type is QuestionType.TYPED:
            page.keyboard.press("Tab")
            page.keyboard.type(question.accepted[0])
            page.keyboard.press("Enter")
        else:
            keys = [
                str(i + 1) for i, text in enumerate(item.choice_order) if text in question.correct
            ]
            for key in keys:
                page.keyboard.press(key)
            if question.type is QuestionType.MULTI:
                page.keyboard.press("Enter")
        expect(page.get_by_test_id("feedback")).to_have_attribute("data-result", "correct")
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("results")).to_be_visible()
    expect(page.get_by_test_id("results")).to_contain_text("10 / 10 (100%)")
    assert page.errors == []
