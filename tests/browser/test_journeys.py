"""What players and admins come to do: keep a guest score, share the daily, hide a cheater."""

from __future__ import annotations

import re
from typing import Any

from conftest import new_page
from playing import (
    PASSWORD,
    http_play,
    http_sign_up,
    log_in,
    play_to_results,
    send_sign_up,
    start,
    total_questions,
)
from playwright.sync_api import expect
from user_factory import make_user


def test_a_guest_signs_up_after_a_round_and_finds_their_rank(serve: Any, page: Any) -> None:
    server = serve()
    http_play(server, *http_sign_up(server, "lightstick"), "faq-2024", "relaxed", right=4)
    start(page, server, "faq-2024", "relaxed")
    play_to_results(server, page)
    score = page.get_by_test_id("final-score").inner_text()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    send_sign_up(page, "new_fan")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Leaderboards").click()
    page.get_by_role("navigation", name="Mode").get_by_role("link", name="Relaxed").click()
    me = page.locator('[data-testid="leaderboard-row"][aria-current="true"]')
    expect(me).to_contain_text("new_fan")
    expect(me).to_contain_text(score)
    expect(page.get_by_test_id("leaderboard-row")).to_have_count(2)
    expect(page.get_by_test_id("my-rank")).to_contain_text(f"You're #1 with {score} points")
    assert page.errors == []


def test_the_daily_challenge_and_its_share_text(serve: Any, browser: Any, request: Any) -> None:
    server = serve()
    page = new_page(browser, request, permissions=["clipboard-read", "clipboard-write"])
    page.goto(server.url + "/")
    daily = page.get_by_test_id("daily-challenge")
    expect(daily).to_contain_text("Your first play today counts")
    daily.get_by_role("button", name="Play today's challenge").click()
    expect(page.get_by_test_id("question")).to_be_visible()
    assert total_questions(page) == 5
    play_to_results(server, page)

    share = page.get_by_test_id("share")
    text = page.get_by_label("Your result, without spoilers")
    expect(text).to_have_value(re.compile("🟩🟩🟩🟩🟩 5/5"))
    shared = text.input_value()
    assert server.url + "/daily" in shared
    prompts = page.get_by_test_id("review-item").locator("p:first-child strong").all_inner_texts()
    assert len(prompts) == 5
    for prompt in prompts:
        assert prompt.split(". ", 1)[1] not in shared  # no spoilers
    share.get_by_role("button", name="Copy").click()
    expect(share.get_by_role("status")).to_have_text("Copied!")
    assert page.evaluate("navigator.clipboard.readText()") == shared

    page.goto(server.url + "/")
    expect(page.get_by_test_id("daily-challenge")).to_contain_text("You've had your ranked go")
    assert page.errors == []


def test_an_admin_hides_a_player_from_the_leaderboards(
    serve: Any, page: Any, browser: Any, request: Any
) -> None:
    server = serve()
    http_play(server, *http_sign_up(server, "cheater"), "mixed", "timed", right=10)
    http_play(server, *http_sign_up(server, "honest"), "mixed", "timed", right=5)
    with server.app.app_context():
        make_user("boss", PASSWORD, admin=True)
    board = new_page(browser, request)
    board.goto(server.url + "/leaderboards?board=overall&mode=timed")
    expect(board.get_by_test_id("leaderboard-row").first).to_contain_text("cheater")

    log_in(page, server, "boss")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Players").click()
    page.get_by_role("link", name="cheater").click()
    page.get_by_test_id("hide-player").click()
    expect(page.get_by_test_id("visibility")).to_have_attribute("data-hidden", "true")
    expect(page.get_by_test_id("admin-message")).to_be_visible()
    expect(page.get_by_test_id("unhide-player")).to_be_visible()

    board.reload()
    expect(board.get_by_test_id("leaderboard-row")).to_have_count(1)
    expect(board.get_by_test_id("leaderboard-row")).to_contain_text("honest")
    assert page.errors == [] and board.errors == []
