"""Fuzzing every POST form: whatever is posted, never a 500, and nothing stored that should not be.

Each test posts random and malformed forms (wrong types, huge and odd strings, missing, extra
and repeated fields, every CSRF mistake, plain/htmx/boosted) to one endpoint and checks the
answer against what the database says afterwards: a refused request (400 for CSRF, 404 for
someone else's round or an unknown quiz, a form error) leaves everything as it was, and an
accepted one stores exactly what was asked.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from form_fuzz_kit import (
    PASSWORD,
    VARIANTS,
    Browser,
    Fields,
    Value,
    as_text,
    assert_scores_add_up,
    bodies,
    csrf_found,
    csrf_modes,
    digits,
    extra_fields,
    fingerprint,
    first_card,
    make_players,
    nasty_text,
    numberish,
    open_browser,
    parsed_form,
    raw_bytes,
    route,
    send,
    values,
    variants,
    with_csrf,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from user_factory import log_in_as
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from quizapp.bank import QuestionType
from quizapp.extensions import db
from quizapp.game.scoring import Mode
from quizapp.models import AuditEntry, Round, RoundQuestion, User, utcnow
from quizapp.services import admin, rounds
from quizapp.services.catalog import get_catalog
from quizapp.services.numbers import small_number
from quizapp.services.quizzes import quiz_cards

GUEST = "fuzz-guest"
NO_VALID_TOKEN = ("missing", "garbage", "foreign", "tampered", "garbage-then-field")
STRANGER = "someone-else"
MAX_ANSWER = 200
SUCCESS = (200, 303)  # 303 for a plain form, 200 (fragment, page or HX-Redirect) for htmx


@dataclass
class Site:
    """The app, a few players, a guest browser and a real token of another session."""

    app: Flask
    ids: dict[str, int]
    browser: Browser
    foreign_token: str


@pytest.fixture
def site(shared_catalog: Flask, fast_hashing: None) -> Site:
    app = shared_catalog
    app.config["ROUND_SIZE"] = 4
    guest = open_browser(app, guest_id=GUEST)
    return Site(app, make_players(app), guest, open_browser(app).token)


@dataclass
class Posted:
    """A fuzzed POST the app parsed and accepted the CSRF token of: what it read, what it did."""

    response: TestResponse
    form: MultiDict[str, str]
    before: dict[str, Any]
    after: dict[str, Any]
    args: dict[str, Any]  # the path's arguments as the router read them (a user or round id)


def post(
    data: st.DataObject,
    site: Site,
    endpoint: str,
    url: str,
    fields: Fields,
    browser: Browser | None = None,
) -> Posted | None:
    """Post the fields with a drawn CSRF mode, body kind and htmx variant.

    Returns None when the request had to be refused before the view (body too large: 413; no
    valid CSRF token: 400), after checking that it was and that nothing changed.
    """
    browser = browser or site.browser
    mode = data.draw(csrf_modes, label="csrf")
    garbage = as_text(data.draw(nasty_text, label="garbage token"))
    fields, headers = with_csrf(fields, mode, browser, site.foreign_token, garbage)
    body = data.draw(bodies(fields), label="body")
    variant = data.draw(variants, label="variant")
    before = fingerprint(site.app)
    response = send(browser, endpoint, url, body=body, headers={**VARIANTS[variant], **headers})
    after = fingerprint(site.app)
    refused, args = route(site.app, url)
    if refused is not None:  # no such page: answered before the body or the token is read
        assert response.status_code == refused
        assert after == before
        return None
    form = parsed_form(site.app, body)
    if form is None:
        assert response.status_code == 413
        assert after == before
        return None
    if mode in NO_VALID_TOKEN:
        assert not csrf_found(form, headers, browser)
    if not csrf_found(form, headers, browser):
        assert response.status_code == 400, (mode, body.kind, response.status_code)
        assert after == before
        return None
    return Posted(response, form, before, after, args)


def maybe(strategy: st.SearchStrategy[Value], name: str) -> st.SearchStrategy[Fields]:
    """The field once (mostly), or missing, or repeated."""
    return st.lists(strategy.map(lambda v: (name, v)), min_size=0, max_size=3).filter(
        lambda fields: len(fields) < 3 or fields[0] != fields[1]
    ) | strategy.map(lambda v: [(name, v)])


# --- starting rounds ----------------------------------------------------------------------------


@settings(max_examples=50)
@given(data=st.data())
def test_start_round(site: Site, data: st.DataObject) -> None:
    with site.app.app_context():
        quizzes = [quiz.id for quiz in quiz_cards(get_catalog())]
    quiz = st.one_of(st.sampled_from(quizzes), values)
    mode = st.one_of(st.sampled_from(["timed", "relaxed"]), values)
    fields = (
        data.draw(maybe(quiz, "quiz"))
        + data.draw(maybe(mode, "mode"))
        + data.draw(extra_fields(["quiz", "mode"]))
    )
    posted = post(data, site, "POST /play", "/play", data.draw(st.permutations(fields)))
    if posted is None:
        return
    chosen = posted.form.get("quiz", "")
    if chosen not in quizzes:
        assert posted.response.status_code == 404
        assert posted.after == posted.before
        return
    assert posted.response.status_code in SUCCESS
    assert posted.after["rounds"][:-1] == posted.before["rounds"]
    with site.app.app_context():
        newest = db.session.scalars(select(Round).order_by(Round.id.desc())).first()
        assert newest is not None
        assert newest.quiz_id == chosen and newest.guest_id == GUEST
        assert newest.mode == ("relaxed" if posted.form.get("mode") == "relaxed" else "timed")


@settings(max_examples=30)
@given(data=st.data())
def test_start_daily(site: Site, data: st.DataObject) -> None:
    mode = st.one_of(st.sampled_from(["timed", "relaxed"]), values)
    fields = data.draw(maybe(mode, "mode")) + data.draw(extra_fields(["mode"]))
    posted = post(data, site, "POST /daily", "/daily", fields)
    if posted is None:
        return
    assert posted.response.status_code in SUCCESS
    assert len(posted.after["rounds"]) == len(posted.before["rounds"]) + 1
    with site.app.app_context():
        ranked = db.session.scalars(
            select(Round).where(Round.guest_id == GUEST, Round.is_ranked.is_(True))
        ).all()
        assert len(ranked) == 1  # one ranked attempt a day, however often it is started


# --- answering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """The question on screen in a freshly started round."""

    public_id: str
    mode: str
    typed: bool
    choices: int
    right: Fields


def new_round(site: Site, data: st.DataObject, guest: str = GUEST, answered: bool = False) -> Card:
    """Start a round (its questions drawn from a fuzzed seed), serve it, maybe answer it."""
    seed = data.draw(st.integers(0, 2**32), label="seed")
    mode = data.draw(st.sampled_from(list(Mode)), label="mode")
    age = data.draw(st.sampled_from([0.0, 0.5, 3.0, 21.0, 40.0]), label="served seconds ago")
    with site.app.app_context():
        player = rounds.Player(None, guest)
        round_, question, right = first_card(player, mode, seed, served_ago=age, answered=answered)
        typed = question.type is QuestionType.TYPED
        return Card(round_.public_id, round_.mode, typed, len(round_.items[0].choice_order), right)


def stored_item(site: Site, public_id: str) -> tuple[Round, RoundQuestion]:
    round_ = db.session.scalar(select(Round).where(Round.public_id == public_id))
    assert round_ is not None
    return round_, round_.items[0]


TARGETS = st.sampled_from(["own"] * 6 + ["stranger", "user", "unknown"])
odd_ids = st.one_of(nasty_text, raw_bytes.map(lambda b: b.decode("latin-1")), st.just("r1"))


def target_url(site: Site, data: st.DataObject, own: Card, action: str) -> tuple[str, str]:
    """(kind, url) of the round to post to: the player's own, someone else's, or no round."""
    kind = data.draw(TARGETS, label="target")
    if kind == "own":
        public_id = own.public_id
    elif kind == "stranger":
        public_id = new_round(site, data, guest=STRANGER).public_id
    elif kind == "user":
        with site.app.app_context():
            owned, _, _ = first_card(rounds.Player(site.ids["mina"], None), Mode.RELAXED, 1)
            public_id = owned.public_id
    else:
        public_id = as_text(data.draw(odd_ids, label="round id")) or "x"
    return kind, f"/play/{quote(public_id.encode('utf-8', 'surrogatepass'), safe='')}/{action}"


def answer_fields(data: st.DataObject, card: Card) -> Fields:
    """A fuzzed answer: the right one, sometimes, else any mix of odd positions and values."""
    if data.draw(st.integers(0, 4), label="right answer?") == 0:
        fields = [("position", "0"), *card.right]
    else:
        position = st.one_of(st.just("0"), digits, numberish, values)
        indices = st.sampled_from([str(i) for i in range(max(card.choices, 1))])
        choice = st.one_of(indices, digits, values)
        text = st.one_of(
            st.sampled_from([v for _, v in card.right] or ["x"]),
            nasty_text,
            st.integers(MAX_ANSWER - 2, MAX_ANSWER + 2).map(lambda n: " " + "é" * n + " "),
        )
        timeout = st.one_of(st.just("1"), values)
        fields = (
            data.draw(maybe(position, "position"))
            + data.draw(st.lists(choice.map(lambda v: ("choice", v)), max_size=6))
            + data.draw(st.lists(text.map(lambda v: ("text", v)), max_size=2))
            + data.draw(st.lists(timeout.map(lambda v: ("timeout", v)), max_size=1))
        )
    return data.draw(st.permutations(fields + data.draw(extra_fields(["position", "choice"]))))


def answer_is_valid(form: MultiDict[str, str], card: Card) -> bool:
    """The game's rules for a first answer to the question on screen (position 0)."""
    if small_number(form.get("position", "")) != 0:
        return False
    gave_up = form.get("timeout") == "1" and card.mode == "timed"
    if card.typed:
        text = form.get("text", "").strip()
        return len(text) <= MAX_ANSWER and bool(text or gave_up)
    picked = form.getlist("choice")
    indices = [small_number(value) for value in picked]
    if any(i is None or i >= card.choices for i in indices) or len(picked) > card.choices:
        return False
    return bool(picked or gave_up)


def post_to_round(
    data: st.DataObject, site: Site, card: Card, action: str, fields: Fields
) -> Posted | None:
    """Post to the action of a drawn round; the scores stay consistent whatever happens.

    Returns None when there is nothing more to check: the request was refused before the view
    (see post), or the round is not the player's own (404, nothing changed).
    """
    kind, url = target_url(site, data, card, action)
    posted = post(data, site, f"POST /play/<id>/{action}", url, fields)
    assert_scores_add_up(site.app)
    if posted is None or kind == "own":
        return posted
    assert posted.response.status_code == 404
    assert posted.after == posted.before
    return None


@settings(max_examples=80)
@given(data=st.data())
def test_answer(site: Site, data: st.DataObject) -> None:
    card = new_round(site, data)
    posted = post_to_round(data, site, card, "answer", answer_fields(data, card))
    if posted is None:
        return
    valid = answer_is_valid(posted.form, card)
    with site.app.app_context():
        round_, item = stored_item(site, card.public_id)
        if not valid:
            assert item.answered_at is None and round_.score == 0
            assert posted.after == posted.before
            expected = (200,) if small_number(posted.form.get("position", "")) == 0 else SUCCESS
            assert posted.response.status_code in expected
            return
        assert posted.response.status_code in SUCCESS
        assert item.answered_at is not None and round_.score == item.points
        assert item.response is not None
        if card.typed:
            assert item.response["picked"] == []
        else:
            picked = {int(v) for v in posted.form.getlist("choice")}
            assert item.response["picked"] == [item.choice_order[i] for i in sorted(picked)]


@settings(max_examples=50)
@given(data=st.data())
def test_next(site: Site, data: st.DataObject) -> None:
    answered = data.draw(st.booleans(), label="answered")
    card = new_round(site, data, answered=answered)
    position = st.one_of(st.just("0"), digits, numberish, values)
    fields = data.draw(maybe(position, "position")) + data.draw(extra_fields(["position"]))
    posted = post_to_round(data, site, card, "next", fields)
    if posted is None:
        return
    assert posted.response.status_code in SUCCESS
    moves = answered and small_number(posted.form.get("position", "")) == 0
    with site.app.app_context():
        round_, _ = stored_item(site, card.public_id)
        assert round_.position == (1 if moves else 0)
    if not moves:
        assert posted.after == posted.before


# --- accounts -----------------------------------------------------------------------------------

USERNAME = re.compile(r"[A-Za-z0-9_-]{3,20}")
names = st.one_of(
    st.text("abcXYZ019_-", min_size=1, max_size=22),
    st.builds(
        lambda pad, name: pad + name + pad,
        st.sampled_from([" ", "\t", "\u3000", "\x00"]),
        st.text("abXY_-09", min_size=2, max_size=21),
    ),
    st.sampled_from(
        ["Mina", "mina", "MINA", "Boss", "\uff4d\uff49\uff4e\uff41", "Mi\u0301na", "\u212aai"]
    ),
    values,
)
passwords = st.one_of(
    st.text(min_size=0, max_size=140),
    st.sampled_from([PASSWORD, " " * 8, "\x00" * 8, "💜" * 8, "p" * 128, "p" * 129, "é" * 7]),
    values,
)


def form_text(form: MultiDict[str, str], name: str) -> str | None:
    """A text field as WTForms requires it: present and not only whitespace; else None."""
    value = form.get(name)
    return value if value is not None and value.strip() else None


@settings(max_examples=60)
@given(data=st.data())
def test_signup(site: Site, data: st.DataObject) -> None:
    password = data.draw(passwords, label="password")
    confirm = data.draw(st.one_of(st.just(password), passwords), label="confirm")
    fields = (
        data.draw(maybe(names, "username"))
        + data.draw(maybe(st.just(password), "password"))
        + data.draw(maybe(st.just(confirm), "confirm"))
        + data.draw(extra_fields(["username", "password", "confirm"]))
    )
    posted = post(data, site, "POST /signup", "/signup", data.draw(st.permutations(fields)))
    if posted is None:
        return
    form = posted.form
    username = (form_text(form, "username") or "").strip()
    pw, again = form_text(form, "password"), form_text(form, "confirm")
    taken = {row[1].lower() for row in posted.before["users"]}
    valid = (
        bool(USERNAME.fullmatch(username))
        and username.lower() not in taken
        and pw is not None
        and 8 <= len(pw) <= 128
        and again == pw
    )
    if not valid:
        assert posted.response.status_code == 200
        assert posted.after == posted.before
        return
    assert posted.response.status_code in SUCCESS
    assert [row[1] for row in posted.after["users"]][-1] == username
    assert len(posted.after["users"]) == len(posted.before["users"]) + 1


def signed_in_as(browser: Browser) -> str | None:
    with browser.client.session_transaction() as session:
        value = session.get("_user_id")
        return str(value) if value is not None else None


@settings(max_examples=40)
@given(data=st.data())
def test_login(site: Site, data: st.DataObject) -> None:
    browser = open_browser(site.app)  # a fresh browser: signed out
    password = st.one_of(st.sampled_from([PASSWORD, PASSWORD + " ", PASSWORD.upper()]), passwords)
    fields = (
        data.draw(maybe(names, "username"))
        + data.draw(maybe(password, "password"))
        + data.draw(maybe(st.sampled_from(["y", "1", "no", ""]) | values, "remember"))
        + data.draw(extra_fields(["username", "password", "remember"]))
    )
    posted = post(data, site, "POST /login", "/login", fields, browser=browser)
    if posted is None:
        assert signed_in_as(browser) is None
        return
    username = form_text(posted.form, "username")
    right = (
        username is not None
        and username.strip().lower() == "mina"
        and form_text(posted.form, "password") == PASSWORD
    )
    assert posted.after == posted.before  # logging in stores nothing (no guest rounds here)
    if not right:
        assert posted.response.status_code == 200
        assert signed_in_as(browser) is None
        return
    assert posted.response.status_code in SUCCESS
    assert (signed_in_as(browser) or "").partition(":")[0] == str(site.ids["mina"])


@settings(max_examples=20)
@given(data=st.data())
def test_logout(site: Site, data: st.DataObject) -> None:
    browser = site.browser
    log_in_as(browser.client, site.ids["mina"])
    posted = post(data, site, "POST /logout", "/logout", data.draw(extra_fields([])))
    if posted is None:
        assert signed_in_as(browser) is not None
        return
    assert posted.response.status_code in SUCCESS
    assert signed_in_as(browser) is None
    assert posted.after == posted.before


@settings(max_examples=40)
@given(data=st.data())
def test_change_password(site: Site, data: st.DataObject) -> None:
    browser = site.browser
    user_id = site.ids["jisoo"]
    log_in_as(browser.client, user_id)
    with site.app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        current_hash = user.password_hash
    current = PASSWORD if data.draw(st.booleans(), label="knows it") else None
    new = data.draw(passwords, label="new")
    fields = (
        data.draw(maybe(st.just(current) if current else passwords, "current"))
        + data.draw(maybe(st.just(new), "password"))
        + data.draw(maybe(st.one_of(st.just(new), passwords), "confirm"))
        + data.draw(extra_fields(["current", "password", "confirm"]))
    )
    posted = post(data, site, "POST /account/password", "/account/password", fields)
    if posted is None:
        return
    pw, again = form_text(posted.form, "password"), form_text(posted.form, "confirm")
    valid = (
        form_text(posted.form, "current") == PASSWORD
        and pw is not None
        and 8 <= len(pw) <= 128
        and again == pw
    )
    with site.app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        changed = user.password_hash != current_hash
        if changed:  # put the old password back for the next example
            user.password_hash = current_hash
            db.session.commit()
    assert changed is valid
    if valid:
        assert posted.response.status_code in SUCCESS
    else:
        assert posted.response.status_code == 200
        assert posted.after == posted.before


@settings(max_examples=20)
@given(data=st.data())
def test_logout_everywhere(site: Site, data: st.DataObject) -> None:
    log_in_as(site.browser.client, site.ids["jisoo"])
    url = "/account/logout-everywhere"
    posted = post(data, site, "POST " + url, url, data.draw(extra_fields([])))
    if posted is None:
        assert signed_in_as(site.browser) is not None
        return
    assert posted.response.status_code in SUCCESS
    assert signed_in_as(site.browser) is None
    versions = {row[0]: row[3] for row in posted.after["users"]}
    old = {row[0]: row[3] for row in posted.before["users"]}
    assert versions == old | {site.ids["jisoo"]: old[site.ids["jisoo"]] + 1}


# --- admin --------------------------------------------------------------------------------------

WHO = st.sampled_from(["admin"] * 5 + ["idle admin", "player", "guest"])
user_ids = st.one_of(
    st.sampled_from(["{mina}", "{jisoo}", "{admin}", "0", "999999", "2147483647", "2147483648"]),
    st.sampled_from([str(2**63), str(10**30), "\uff19", "-1", "abc", "", "1.0", "%00"]),
    st.integers(0, 10**40).map(str),
)


@pytest.mark.parametrize("action", ["hide", "unhide"])
@settings(max_examples=30)
@given(data=st.data())
def test_admin_hide_and_unhide(site: Site, action: str, data: st.DataObject) -> None:
    hidden = data.draw(st.sets(st.sampled_from(["mina", "jisoo"])), label="hidden before")
    with site.app.app_context():  # as an admin would have left them
        for name in ("mina", "jisoo"):
            admin.set_player_hidden(site.ids["admin"], site.ids[name], name in hidden, utcnow())
    who = data.draw(WHO, label="who")
    browser = browser_as(site, who)
    target = data.draw(user_ids, label="user id").format(**site.ids)
    url = f"/admin/players/{quote(target, safe='%')}/{action}"
    endpoint = f"POST /admin/players/<id>/{action}"
    posted = post(data, site, endpoint, url, data.draw(extra_fields([])), browser=browser)
    if posted is None:
        return
    status = posted.response.status_code
    user_id = posted.args["user_id"]
    users = {row[0]: row for row in posted.before["users"]}
    flips = (
        who == "admin"
        and user_id in users
        and users[user_id][4] != (action == "hide")
        and not (action == "hide" and user_id == site.ids["admin"])
    )
    if not flips:
        assert posted.after == posted.before
    assert admin_answer(who, status, user_id in users), (who, status)
    if flips:
        with site.app.app_context():
            entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
            assert len(entries) == posted.before["audit_log"] + 1
            assert entries[-1].target_user_id == user_id
            user = db.session.get(User, user_id)
            assert user is not None and user.is_hidden is (action == "hide")


def browser_as(site: Site, who: str) -> Browser:
    """A browser of a guest, a player (Jisoo), the admin, or the admin idle past the re-login
    time."""
    signed_in = {"guest": None, "player": site.ids["jisoo"]}.get(who, site.ids["admin"])
    browser = open_browser(site.app, signed_in)
    if who == "idle admin":
        with browser.client.session_transaction() as session:
            session["active_at"] = 0
    return browser


def admin_answer(who: str, status: int, found: bool) -> bool:
    """An admin action's status is right: guests and idle admins go to log in, players get 403,
    an admin 404 for someone or something that does not exist, else success."""
    if who in ("guest", "idle admin"):
        return status == 302
    if who == "player":
        return status == 403
    return status in SUCCESS if found else status == 404


def some_round(site: Site, owner: int | None, voided: bool) -> int:
    """A finished round of a player (or a guest), voided or not; returns its id."""
    with site.app.app_context():
        round_ = Round(
            public_id=secrets.token_urlsafe(12),
            user_id=owner,
            guest_id=None if owner else STRANGER,
            quiz_id="social-media",
            mode="timed",
            seed=1,
            size=0,
            score=1000,
            finished_at=utcnow(),
            voided_at=utcnow() if voided else None,
        )
        db.session.add(round_)
        db.session.commit()
        return int(round_.id)


@settings(max_examples=40)
@given(data=st.data())
def test_admin_void_round(site: Site, data: st.DataObject) -> None:
    who = data.draw(WHO, label="who")
    browser = browser_as(site, who)
    owner = data.draw(st.sampled_from([site.ids["mina"], None]), label="owner")
    existing = some_round(site, owner, voided=data.draw(st.booleans(), label="voided"))
    target = data.draw(
        st.one_of(st.just(str(existing)), user_ids.filter(lambda t: "{" not in t)), label="id"
    )
    url = f"/admin/rounds/{quote(target, safe='%')}/void"
    posted = post(
        data, site, "POST /admin/rounds/<id>/void", url, data.draw(extra_fields([])), browser
    )
    if posted is None:
        return
    status = posted.response.status_code
    round_id = posted.args["round_id"]
    rounds_by_id = {row[0]: row for row in posted.before["rounds"]}
    assert admin_answer(who, status, round_id in rounds_by_id), (who, status)
    voids = who == "admin" and round_id in rounds_by_id and rounds_by_id[round_id][8] is None
    assert posted.after["audit_log"] == posted.before["audit_log"] + voids
    if not voids:
        assert posted.after == posted.before
        return
    with site.app.app_context():
        stored = db.session.get(Round, round_id)
        assert stored is not None and stored.voided_at is not None
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None and entry.target_round_id == round_id


# Every page is fuzzed by one or more tests in this folder; a new one must join them.
FUZZED: dict[str, tuple[str, ...]] = {
    "main.home": ("test_query_fuzz.py::test_public_pages",),
    "play.start": ("test_start_round", "test_body_fuzz.py::test_bodies_at_the_limits"),
    "play.round_page": ("test_query_fuzz.py::test_round_pages",),
    "play.answer": ("test_answer", "test_body_fuzz.py::test_bodies_at_the_limits"),
    "play.next_question": ("test_next", "test_body_fuzz.py::test_bodies_at_the_limits"),
    "play.results": ("test_query_fuzz.py::test_round_pages",),
    "auth.signup": ("test_signup", "test_query_fuzz.py::test_next_targets"),
    "auth.login": ("test_login", "test_query_fuzz.py::test_next_targets"),
    "auth.logout": ("test_logout", "test_body_fuzz.py::test_the_same_form_posted_again"),
    "auth.change_password": ("test_change_password", "test_query_fuzz.py::test_public_pages"),
    "auth.logout_everywhere": ("test_logout_everywhere",),
    "profile.me": ("test_query_fuzz.py::test_profile",),
    "boards.page": ("test_query_fuzz.py::test_leaderboards",),
    "daily.page": ("test_query_fuzz.py::test_public_pages",),
    "daily.start": ("test_start_daily", "test_body_fuzz.py::test_bodies_at_the_limits"),
    "admin.index": ("test_query_fuzz.py::test_admin_pages",),
    "admin.players": ("test_query_fuzz.py::test_admin_pages",),
    "admin.player": ("test_query_fuzz.py::test_admin_pages",),
    "admin.hide": ("test_admin_hide_and_unhide",),
    "admin.unhide": ("test_admin_hide_and_unhide",),
    "admin.round_detail": ("test_query_fuzz.py::test_admin_pages",),
    "admin.void": ("test_admin_void_round",),
    "admin.suspicious": ("test_query_fuzz.py::test_admin_pages",),
    "admin.audit": ("test_query_fuzz.py::test_admin_pages",),
    "admin.boards": ("test_query_fuzz.py::test_admin_pages",),
    "admin.board_csv": ("test_query_fuzz.py::test_admin_pages",),
    "admin.exports_page": ("test_query_fuzz.py::test_admin_pages",),
    "admin.answers_csv": ("test_query_fuzz.py::test_admin_pages",),
    "admin.questions": ("test_query_fuzz.py::test_admin_pages",),
    "admin.charts_page": ("test_query_fuzz.py::test_admin_pages",),
    "health.healthz": ("test_query_fuzz.py::test_public_pages",),
    "health.readyz": ("test_query_fuzz.py::test_public_pages",),
}


def test_every_page_is_fuzzed(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    missing = sorted(endpoints - set(FUZZED))
    assert not missing, f"add these endpoints to the fuzz tests (and to FUZZED): {missing}"
    assert not set(FUZZED) - endpoints, "FUZZED names endpoints the app no longer has"
    here = Path(__file__)
    for endpoint, tests in FUZZED.items():
        for test in tests:
            module, _, name = test.rpartition("::")
            source = (here.parent / module if module else here).read_text()
            assert f"\ndef {name}(" in source, f"{endpoint}: no test {test}"


def test_every_form_endpoint_has_a_form_fuzz_test(app: Flask) -> None:
    """Each endpoint taking POST has a test of its own here, not only the body-size tests."""
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    assert len(posts) == 12
    for endpoint in posts:
        assert any("::" not in test for test in FUZZED[endpoint]), endpoint
