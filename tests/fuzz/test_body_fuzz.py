"""Bodies around and over the limits, and forms posted twice, at every POST endpoint.

The app takes at most 64 KiB per request (MAX_CONTENT_LENGTH), and at most 16 KiB of
multipart form (MAX_FORM_MEMORY_SIZE: werkzeug applies it to one text field, and also to
each 64 KiB chunk it reads, so in practice to a whole multipart body read at once). Past
them the answer is 413 and nothing is stored; an urlencoded form up to 64 KiB is never
refused for its size. A form posted twice with the same token (a double tap, a replay) acts
once where acting twice would be wrong.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from form_fuzz_kit import (
    PASSWORD,
    VARIANTS,
    Body,
    Browser,
    Fields,
    fingerprint,
    first_card,
    make_players,
    multipart,
    open_browser,
    parsed_form,
    route,
    send,
    urlencoded,
    variants,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.game.scoring import Mode
from quizapp.models import Round, User
from quizapp.services import rounds

GUEST = "body-guest"
KIB = 1024


@dataclass
class Bench:
    """An app with an admin, a player, a round on screen, and a browser per role."""

    app: Flask
    ids: dict[str, int]
    public_id: str
    round_id: int
    right: Fields

    def browser(self, who: str) -> Browser:
        return open_browser(self.app, None if who == "guest" else self.ids[who], GUEST)


def new_card(app: Flask, answered: bool = False) -> tuple[str, int, Fields]:
    """A guest round with its first question served (and maybe answered)."""
    with app.app_context():
        player = rounds.Player(None, GUEST)
        round_, _, right = first_card(
            player, Mode.RELAXED, random.getrandbits(32), answered=answered
        )
        return round_.public_id, round_.id, [("position", "0"), *right]


@pytest.fixture
def bench(shared_catalog: Flask, fast_hashing: None) -> Bench:
    app = shared_catalog
    public_id, round_id, right = new_card(app)
    return Bench(app, make_players(app), public_id, round_id, right)


# Every POST endpoint: who posts, and a valid form for it.
ENDPOINTS: dict[str, tuple[str, Callable[[Bench], tuple[str, Fields]]]] = {
    "/play": ("guest", lambda b: ("/play", [("quiz", "social-media"), ("mode", "timed")])),
    "/daily": ("guest", lambda b: ("/daily", [("mode", "relaxed")])),
    "/play/<id>/answer": ("guest", lambda b: (f"/play/{b.public_id}/answer", b.right)),
    "/play/<id>/next": ("guest", lambda b: (f"/play/{b.public_id}/next", [("position", "0")])),
    "/signup": (
        "guest",
        lambda b: (
            "/signup",
            [("username", "Newbie"), ("password", "p" * 9), ("confirm", "p" * 9)],
        ),
    ),
    "/login": ("guest", lambda b: ("/login", [("username", "mina"), ("password", PASSWORD)])),
    "/logout": ("mina", lambda b: ("/logout", [])),
    "/account/password": (
        "mina",
        lambda b: (
            "/account/password",
            [("current", PASSWORD), ("password", "n" * 9), ("confirm", "n" * 9)],
        ),
    ),
    "/account/logout-everywhere": ("mina", lambda b: ("/account/logout-everywhere", [])),
    "/admin/players/<id>/hide": ("admin", lambda b: (f"/admin/players/{b.ids['mina']}/hide", [])),
    "/admin/players/<id>/unhide": (
        "admin",
        lambda b: (f"/admin/players/{b.ids['mina']}/unhide", []),
    ),
    "/admin/rounds/<id>/void": ("admin", lambda b: (f"/admin/rounds/{b.round_id}/void", [])),
}
SIZES = [16 * KIB - 300, 16 * KIB, 16 * KIB + 1, 64 * KIB - 200, 64 * KIB, 64 * KIB + 1, 70 * KIB]


@st.composite
def big_bodies(draw: st.DrawFn, fields: Fields) -> Body:
    """The form padded to about `size` bytes: one big field, many fields, or an upload."""
    size = draw(st.one_of(st.sampled_from(SIZES), st.integers(1, 80 * KIB)), label="size")
    shape = draw(st.sampled_from(["one field", "many fields", "multipart field", "upload"]))
    name = draw(st.sampled_from(["pad", "text", "username", "choice", "position"]), label="into")
    if shape == "many fields":
        count = max(1, size // 600)
        padded = fields + [(name, "x" * 590)] * count
    else:
        padded = [*fields, (name, draw(st.sampled_from(["x", "é", "💜", "\x00"])) * size)]
    if shape == "one field" or shape == "many fields":
        return urlencoded(padded)
    return multipart(padded, [name] if shape == "upload" else [])


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
@settings(max_examples=6)
@given(data=st.data())
def test_bodies_at_the_limits(bench: Bench, endpoint: str, data: st.DataObject) -> None:
    who, build = ENDPOINTS[endpoint]
    url, fields = build(bench)
    assert route(bench.app, url)[0] is None
    browser = bench.browser(who)
    body = data.draw(big_bodies([("csrf_token", browser.token), *fields]), label="body")
    variant = data.draw(variants, label="variant")
    before = fingerprint(bench.app)
    response = send(
        browser, f"POST {endpoint}", url, body=body, headers=VARIANTS[variant], tier="big bodies"
    )
    after = fingerprint(bench.app)
    limits = bench.app.config
    too_big = parsed_form(bench.app, body) is None
    if too_big:
        assert response.status_code == 413
        assert after == before
    else:
        assert response.status_code != 413
    if len(body.data) > limits["MAX_CONTENT_LENGTH"]:
        assert too_big
    elif body.kind == "urlencoded":  # werkzeug holds a whole urlencoded body up to the cap
        assert not too_big
    if endpoint.startswith("/play/"):  # the next example starts on an unanswered card
        bench.public_id, bench.round_id, bench.right = new_card(bench.app)


# --- the same form posted again -----------------------------------------------------------------


def answered_count(state: dict[str, Any]) -> int:
    return len(state["answers"])


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
@settings(max_examples=4)
@given(data=st.data())
def test_the_same_form_posted_again(bench: Bench, endpoint: str, data: st.DataObject) -> None:
    """A double tap or a replayed form (same token, same fields) acts at most once."""
    who, build = ENDPOINTS[endpoint]
    assert route(bench.app, build(bench)[0])[0] is None
    if endpoint.endswith("/next"):
        bench.public_id, bench.round_id, bench.right = new_card(bench.app, answered=True)
    else:
        bench.public_id, bench.round_id, bench.right = new_card(bench.app)
    with bench.app.app_context():  # every example starts from the same accounts
        for user in db.session.scalars(select(User)):
            user.is_hidden = False
        db.session.commit()
    browser = bench.browser(who)
    url, fields = build(bench)
    body = urlencoded([("csrf_token", browser.token), *fields])
    variant = data.draw(variants, label="variant")
    times = data.draw(st.integers(2, 3), label="times")
    before = fingerprint(bench.app)
    statuses = [
        send(
            browser,
            f"POST {endpoint}",
            url,
            body=body,
            headers=VARIANTS[variant],
            tier="replays",
            new_example=again == 0,
        ).status_code
        for again in range(times)
    ]
    after = fingerprint(bench.app)
    assert statuses[0] in (200, 303), statuses
    assert all(status in (200, 302, 303) for status in statuses), statuses
    new_rounds = len(after["rounds"]) - len(before["rounds"])
    audits = after["audit_log"] - before["audit_log"]
    if endpoint == "/play":
        assert new_rounds == times  # every tap starts a round: none of them scores anything
    elif endpoint == "/daily":
        with bench.app.app_context():
            ranked = db.session.scalars(
                select(Round).where(
                    Round.guest_id == GUEST,
                    Round.quiz_id.startswith("daily-"),
                    Round.is_ranked.is_(True),
                )
            ).all()
        assert new_rounds == times and len(ranked) == 1
    elif endpoint == "/play/<id>/answer":
        assert answered_count(after) == answered_count(before) + 1
        with bench.app.app_context():
            round_ = db.session.get(Round, bench.round_id)
            assert round_ is not None and round_.score == round_.items[0].points
    elif endpoint == "/play/<id>/next":
        with bench.app.app_context():
            round_ = db.session.get(Round, bench.round_id)
            assert round_ is not None and round_.position == 1
    elif endpoint == "/signup":
        assert len(after["users"]) <= len(before["users"]) + 1
    elif endpoint.startswith("/admin"):
        assert audits <= 1
    elif endpoint.startswith("/account"):
        versions = sum(row[3] for row in after["users"]) - sum(row[3] for row in before["users"])
        assert versions == 1  # the password changes (or every session ends) once
        with bench.app.app_context():  # the next example logs in with the old password again
            user = db.session.get(User, bench.ids["mina"])
            assert user is not None
            user.password_hash = before["users"][1][2]
            db.session.commit()
    elif endpoint == "/login":  # the browser's guest rounds become the player's, once
        assert (after["users"], after["answers"]) == (before["users"], before["answers"])
    else:
        assert after == before


def test_every_post_endpoint_is_here(app: Flask) -> None:
    """A new form endpoint must join ENDPOINTS (and test_form_fuzz.FUZZED)."""
    posts = {
        re.sub(r"<[^>]+>", "<id>", rule.rule)
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ())
    }
    assert posts == set(ENDPOINTS)
