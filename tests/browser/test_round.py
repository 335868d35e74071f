"""Whole rounds in Chromium on a phone: tapping, typing, time-outs, no JavaScript, keyboard."""

from __future__ import annotations

from typing import Any

from conftest import new_page
from playing import current_question, play_to_results, start
from playwright.sync_api import expect
from sqlalchemy import update

from quizapp.bank import QuestionType
from quizapp.extensions import db
from quizapp.models import RoundQuestion


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
        # After each swap the new card takes the focus (evaluated outside the page: strict CSP).
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
