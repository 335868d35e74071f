"""Every page, as a guest, a player and an admin: on a 360 px phone (and at 320 px), light and dark.

Each page must show no console error (a CSP violation is one), scroll only vertically, offer
no tap target under 44x44 CSS px, and have no serious or critical axe-core violation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from checks import assert_page_ok
from conftest import PHONE, new_page, watch
from live_server import LiveServer, serve_app
from playing import PASSWORD, answer_right, http_play, http_sign_up, log_in, start
from playwright.sync_api import expect
from sqlalchemy import select
from user_factory import make_user

from quizapp.bank import QuestionType
from quizapp.extensions import db
from quizapp.models import Round, User


@dataclass
class Site:
    """A server with players, finished rounds and an admin, and signed-in browser states."""

    server: LiveServer
    player_state: dict[str, Any]
    admin_state: dict[str, Any]
    urls: dict[str, str]


@pytest.fixture(scope="module")
def site(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Two players with finished rounds (one a daily), rounds waiting on a multi-select and
    a typed question, and an admin; the player and the admin signed in once."""
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'pages.sqlite'}"
    server = serve_app({"SECRET_KEY": "pages", "SQLALCHEMY_DATABASE_URI": url} | NO_LIMITS)
    try:
        player, token = http_sign_up(server, "hobi_fan")
        finished = http_play(server, player, token, "social-media", "timed", right=7)
        daily = http_play(server, player, token, "", "timed", right=3, start="/daily")
        multi = http_play(server, player, token, "social-media", "relaxed", stop_at=MULTI)
        typed = http_play(server, player, token, "social-media", "relaxed", stop_at=TYPED)
        http_play(server, *http_sign_up(server, "lightstick"), "mixed", "timed", right=9)
        with server.app.app_context():
            make_user("boss", PASSWORD, admin=True)
            hobi = db.session.scalar(select(User.id).where(User.username == "hobi_fan"))
            round_id = db.session.scalar(select(Round.id).where(Round.public_id == finished))
        states = {}
        for username in ("hobi_fan", "boss"):
            context = browser.new_context(**PHONE)  # the same user agent as the tabs below
            log_in(context.new_page(), server, username)
            states[username] = context.storage_state()
            context.close()
        urls = {
            "results": f"/results/{finished}",
            "daily results": f"/results/{daily}",
            "multi-select card": f"/play/{multi}",
            "typed card": f"/play/{typed}",
            "admin player": f"/admin/players/{hobi}",
            "admin round": f"/admin/rounds/{round_id}",
        }
        yield Site(server, states["hobi_fan"], states["boss"], urls)
    finally:
        server.stop()


NO_LIMITS = {"RATELIMIT_ENABLED": False}
MULTI, TYPED = QuestionType.MULTI, QuestionType.TYPED
GUEST_PAGES = {
    "home": "/",
    "daily": "/daily",
    "overall board": "/leaderboards",
    "weekly board": "/leaderboards?board=week&mode=relaxed",
    "daily board": "/leaderboards?board=daily",
    "quiz board": "/leaderboards?board=quiz&quiz=mixed",
    "log in": "/login",
    "sign up": "/signup",
    "not found": "/no/such/page",
}
PLAYER_PAGES = {
    "home, signed in": "/",
    "profile": "/profile",
    "board with my rank": "/leaderboards?board=quiz&quiz=social-media&mode=timed",
    "change password": "/account/password",
}
ADMIN_PAGES = {
    "admin": "/admin/",
    "admin players": "/admin/players",
    "admin questions": "/admin/questions",
    "admin charts": "/admin/charts",
    "admin exports": "/admin/exports",
    "admin audit": "/admin/audit",
    "admin boards": "/admin/boards?board=overall",
}


@pytest.fixture(scope="module")
def tabs(site: Site, browser: Any, request: Any) -> dict[str, Any]:
    """One page per role for the whole module, so static files come from the cache."""
    return {
        "guest": new_page(browser, request),
        "player": new_page(browser, request, storage_state=site.player_state),
        "admin": new_page(browser, request, storage_state=site.admin_state),
    }


def visit(site: Site, page: Any, path: str) -> None:
    """Open the page (no redirect to a log-in) and wait for its heading; a 404 page's own
    status is not an error."""
    response = page.goto(site.server.url + path)
    assert response is not None
    expect(page.locator("main h1").first).to_be_visible()
    assert page.url == site.server.url + path, f"{path} went to {page.url}"
    expected = 404 if path == GUEST_PAGES["not found"] else 200
    assert response.status == expected, (path, response.status)
    if expected == 404:
        page.errors.remove(NOT_FOUND_ERROR)


NOT_FOUND_ERROR = "Failed to load resource: the server responded with a status of 404 (NOT FOUND)"


@pytest.mark.parametrize("name", GUEST_PAGES)
def test_guest_pages(site: Site, tabs: dict[str, Any], request: Any, name: str) -> None:
    page = watch(tabs["guest"], request)
    visit(site, page, GUEST_PAGES[name])
    assert_page_ok(page, name)


@pytest.mark.parametrize("name", [*PLAYER_PAGES, "results", "daily results"])
def test_player_pages(site: Site, tabs: dict[str, Any], request: Any, name: str) -> None:
    page = watch(tabs["player"], request)
    visit(site, page, PLAYER_PAGES.get(name) or site.urls[name])
    expect(page.get_by_role("button", name="Log out").first).to_be_visible()
    if name == "daily results":
        expect(page.get_by_test_id("share")).to_be_visible()
    if name == "board with my rank":
        expect(page.get_by_test_id("my-rank")).to_contain_text("You're #1")
    assert_page_ok(page, name)


@pytest.mark.parametrize("name", [*ADMIN_PAGES, "admin player", "admin round"])
def test_admin_pages(site: Site, tabs: dict[str, Any], request: Any, name: str) -> None:
    page = watch(tabs["admin"], request)
    visit(site, page, ADMIN_PAGES.get(name) or site.urls[name])
    expect(page.get_by_role("navigation", name="Admin")).to_be_visible()
    assert_page_ok(page, name)


BAR_SCALE = (
    "() => new DOMMatrix(getComputedStyle(document.querySelector('.timer-bar')).transform).a"
)


def test_a_timed_card_and_its_feedback(site: Site, page: Any) -> None:
    start(page, site.server, "mixed", "timed")
    expect(page.get_by_test_id("timer")).to_be_visible()
    before = page.evaluate(BAR_SCALE)
    expect(page.locator("[data-timer-text]")).to_have_text("19")
    after = page.evaluate(BAR_SCALE)
    assert 0.85 < after < before <= 1  # the bar shrinks continuously, in step with the clock
    assert_page_ok(page, "timed question card")
    answer_right(site.server, page)
    expect(page.get_by_test_id("next")).to_be_focused()
    assert_page_ok(page, "feedback")


def test_a_multi_select_card(site: Site, tabs: dict[str, Any], request: Any) -> None:
    page = watch(tabs["player"], request)
    visit(site, page, site.urls["multi-select card"])
    expect(page.get_by_test_id("choice").first.locator("input[type=checkbox]")).to_be_visible()
    assert_page_ok(page, "multi-select card")


def test_a_typed_card_and_its_error_tied_to_the_field(
    site: Site, tabs: dict[str, Any], request: Any
) -> None:
    page = watch(tabs["player"], request)
    visit(site, page, site.urls["typed card"])
    assert_page_ok(page, "typed card")
    page.get_by_test_id("submit-answer").click()
    field = page.get_by_test_id("answer-input")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description("Type your answer first.")
    assert_page_ok(page, "typed card with an error")


def test_sign_up_errors_are_tied_to_their_fields(site: Site, page: Any) -> None:
    visit(site, page, "/signup")
    page.locator('input[name="username"]').fill("bad name!")
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[name="confirm"]').fill(PASSWORD + "?")
    page.get_by_role("button", name="Create my account").click()
    for field, error in [("username", "Use only letters"), ("confirm", "passwords don't match")]:
        box = page.locator(f'input[name="{field}"]')
        expect(box).to_have_attribute("aria-invalid", "true")
        expect(box).to_have_accessible_description(re.compile(error))
    assert_page_ok(page, "sign-up form with errors")
