"""Fuzzing every page's query string and path ids: never a 500, and a GET stores nothing.

Leaderboard filters, profile and admin page numbers, admin search, board and period filters,
CSV exports, round ids, the `next` target of log-in and sign-up: random, odd and malformed
values (NUL, invalid UTF-8, non-ASCII digits, huge numbers, repeated and extra arguments).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import pytest
from flask import Flask
from form_fuzz_kit import (
    ODD_DIGITS,
    PASSWORD,
    VARIANTS,
    Browser,
    Value,
    as_text,
    extra_fields,
    fingerprint,
    make_players,
    nasty_text,
    numberish,
    open_browser,
    query_string,
    raw_bytes,
    route,
    send,
    urlencoded,
    values,
    variants,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from quizapp.bank import QuestionType
from quizapp.game.scoring import Mode
from quizapp.models import utcnow
from quizapp.services import admin, rounds
from quizapp.services.boards import BoardKind
from quizapp.services.catalog import get_catalog
from quizapp.services.quizzes import quiz_cards

QueryArgs = list[tuple[Value, Value]]


@dataclass
class World:
    """Players, one finished round each way, an audit entry, and a browser per role."""

    app: Flask
    ids: dict[str, int]
    round_ids: dict[str, int]
    public_ids: dict[str, str]
    quizzes: list[str]
    browsers: dict[str, Browser]


def _play_through(user_id: int | None, guest_id: str | None) -> rounds.Round:
    """A whole round answered right (typed) or with the first choice, through the services."""
    catalog = get_catalog()
    player = rounds.Player(user_id, guest_id)
    round_ = rounds.start_round(
        catalog, player, "mixed", Mode.TIMED, 4, 20, 0, random.Random(7), utcnow()
    )
    for position, item in enumerate(list(round_.items)):
        rounds.serve(item, utcnow())
        question = catalog.questions[item.question_id]
        typed = question.type is QuestionType.TYPED
        text = question.accepted[0] if typed else ""
        picked = [] if typed else ["0"]
        rounds.submit_answer(catalog, round_, position, picked, text, False, utcnow())
        rounds.advance(round_, position, utcnow())
    return round_


@pytest.fixture
def world(shared_catalog: Flask, fast_hashing: None) -> World:
    app = shared_catalog
    ids = make_players(app)
    with app.app_context():
        finished = _play_through(ids["mina"], None)
        guest = _play_through(None, "a-guest")
        admin.set_player_hidden(ids["admin"], ids["jisoo"], True, utcnow())
        round_ids = {"mina": finished.id, "guest": guest.id}
        public_ids = {"mina": finished.public_id, "guest": guest.public_id}
        quizzes = [quiz.id for quiz in quiz_cards(get_catalog())]
    signed_in = {"guest": None, "player": ids["mina"], "admin": ids["admin"]}
    browsers = {who: open_browser(app, user_id) for who, user_id in signed_in.items()}
    return World(app, ids, round_ids, public_ids, quizzes, browsers)


@st.composite
def args_for(draw: st.DrawFn, names: list[str], good: dict[str, list[str]]) -> QueryArgs:
    """Each argument sensible, odd, missing or repeated, plus junk arguments, in any order."""
    query: QueryArgs = []
    for name in names:
        value = st.one_of(st.sampled_from(good.get(name, ["x"])), values)
        query += [(name, v) for v in draw(st.lists(value, max_size=2))]
    query += draw(extra_fields(names, max_size=3))
    return draw(st.permutations(query))


def get(
    world: World,
    who: str,
    endpoint: str,
    path: str,
    query: QueryArgs,
    variant: str = "plain",
) -> tuple[int, Any, dict[str, Any], dict[str, Any]]:
    """GET the page; returns (status, response, state before, state after)."""
    before = fingerprint(world.app)
    response = send(
        world.browsers[who],
        endpoint,
        path,
        method="GET",
        query=query_string(query),
        headers=VARIANTS[variant],
        tier="query strings",
    )
    return response.status_code, response, before, fingerprint(world.app)


def _parse(query: QueryArgs) -> Any:
    """The arguments as the app reads them (the first of repeated ones wins with .get)."""
    environ = EnvironBuilder(query_string=query_string(query)).get_environ()
    return Request(environ).args


# --- public pages -------------------------------------------------------------------------------

BOARDS = {str(kind) for kind in BoardKind}


@settings(max_examples=50)
@given(data=st.data())
def test_leaderboards(world: World, data: st.DataObject) -> None:
    good = {"board": sorted(BOARDS), "mode": ["timed", "relaxed"], "quiz": world.quizzes}
    query = data.draw(args_for(["board", "mode", "quiz"], good), label="query")
    who = data.draw(st.sampled_from(["guest", "player"]), label="who")
    variant = data.draw(variants, label="variant")
    status, _, before, after = get(world, who, "GET /leaderboards", "/leaderboards", query, variant)
    assert after == before
    args = _parse(query)
    board = args.get("board", "")
    quiz = args.get("quiz") or world.quizzes[0]
    if board == "quiz" and quiz not in world.quizzes:
        assert status == 404
    else:
        assert status == 200


@settings(max_examples=25)
@given(data=st.data())
def test_profile(world: World, data: st.DataObject) -> None:
    pages = ["1", "2", "0", "999999", *ODD_DIGITS]
    query = data.draw(args_for(["page"], {"page": pages}), label="query")
    who = data.draw(st.sampled_from(["guest", "player", "player", "admin"]), label="who")
    status, _, before, after = get(world, who, "GET /profile", "/profile", query)
    assert after == before
    assert status == (302 if who == "guest" else 200)


PUBLIC = ["/", "/daily", "/healthz", "/readyz", "/signup", "/login", "/account/password"]


@settings(max_examples=40)
@given(data=st.data())
def test_public_pages(world: World, data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(PUBLIC), label="path")
    who = data.draw(st.sampled_from(["guest", "player"]), label="who")
    names = ["mode", "page", "next", "reauth", "board"]
    query = data.draw(args_for(names, {"next": ["/profile"], "reauth": ["1"]}), label="query")
    variant = data.draw(variants, label="variant")
    status, _, before, after = get(world, who, f"GET {path}", path, query, variant)
    assert after == before
    signed_in = who != "guest"
    if path in ("/signup", "/login") and signed_in:
        reauth = path == "/login" and bool(_parse(query).get("reauth"))
        assert status == (200 if reauth else 302)
    elif path == "/account/password" and not signed_in:
        assert status in (302, 404)
    else:
        assert status in (200, 404) if path == "/account/password" else status == 200


round_ids = st.one_of(nasty_text, raw_bytes.map(lambda b: b.decode("latin-1")), st.just("r1"))


@settings(max_examples=30)
@given(data=st.data())
def test_round_pages(world: World, data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["/play/", "/results/"]), label="page")
    target = data.draw(st.sampled_from(["mine", "theirs", "odd"]), label="round")
    if target == "odd":
        public_id = as_text(data.draw(round_ids, label="id"))
    else:
        public_id = world.public_ids["mina" if target == "mine" else "guest"]
    path = kind + quote(public_id.encode("utf-8", "surrogatepass"), safe="")
    query = data.draw(extra_fields(["position"]), label="query")
    status, _, before, after = get(world, "player", f"GET {kind}<id>", path, query)
    assert after == before  # a finished round: nothing left to serve
    if target == "mine":
        assert status == (200 if kind == "/results/" else 303)
    else:
        assert status == 404


# --- next targets -------------------------------------------------------------------------------

NEXT = [
    "/profile",
    "/admin/?page=2",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    " /profile",
    "/%2F/evil.example",
    "/.//evil.example",
    "/\u3002evil.example",
    "/\uff0f\uff0fevil.example",
    "/\u2028/evil",
    "/\x7f/evil",
    "/\x00",
    "",
]


def assert_on_site(location: str) -> None:
    """A redirect a browser would follow to this site only."""
    assert "\\" not in location and not any(ord(c) < 33 for c in location), location
    resolved = urlsplit(urljoin("http://localhost/", location))
    assert (resolved.scheme, resolved.netloc) == ("http", "localhost"), location


@settings(max_examples=40)
@given(data=st.data())
def test_next_targets(world: World, data: st.DataObject) -> None:
    target = data.draw(st.one_of(st.sampled_from(NEXT), nasty_text.map(lambda t: "/" + t), values))
    how = data.draw(st.sampled_from(["signed-in GET", "log in", "guest GET"]), label="how")
    path = data.draw(st.sampled_from(["/login", "/signup"]), label="page")
    query = query_string([("next", target)])
    if how == "log in":
        browser = open_browser(world.app)
        form = [("csrf_token", browser.token), ("username", "mina"), ("password", PASSWORD)]
        response = send(
            browser, "POST /login", "/login", body=urlencoded(form), query=query, tier="next"
        )
        assert response.status_code == 303
    else:
        browser = world.browsers["player" if how == "signed-in GET" else "guest"]
        response = send(browser, f"GET {path}", path, method="GET", query=query, tier="next")
        assert response.status_code == (302 if how == "signed-in GET" else 200)
        if how == "guest GET":
            return
    assert_on_site(response.headers["Location"])


# --- admin --------------------------------------------------------------------------------------

PAGES = ["1", "2", "0", "1000000", *ODD_DIGITS]
DATES = ["2026-01-01", "2026-12-31", "0001-01-01", "9999-12-31", "2024-02-29", "2023-02-29"]
DATES += ["20260101", "2026-W01-1", "2026-01-01T00:00", " 2026-01-01 ", "2026-1-1", "-2026-01-01"]
ADMIN_PAGES: dict[str, tuple[list[str], dict[str, list[str]]]] = {
    "/admin/": ([], {}),
    "/admin/players": (["q", "page"], {"q": ["min", "a", "%", "_", "a\x00"], "page": PAGES}),
    "/admin/players/<id>": (["page"], {"page": PAGES}),
    "/admin/rounds/<id>": ([], {}),
    "/admin/suspicious": (["page"], {"page": PAGES}),
    "/admin/audit": (["page"], {"page": PAGES}),
    "/admin/boards": (
        ["board", "quiz", "mode", "period"],
        {"board": sorted(BOARDS), "mode": ["relaxed"], "period": ["week", "all"]},
    ),
    "/admin/boards.csv": (
        ["board", "quiz", "mode", "period"],
        {"board": sorted(BOARDS), "mode": ["relaxed"], "period": ["week", "all"]},
    ),
    "/admin/exports": ([], {}),
    "/admin/exports/answers.csv": (["from", "to"], {"from": DATES, "to": DATES}),
    "/admin/questions": (["flagged"], {"flagged": ["1", "0"]}),
    "/admin/charts": (["mode"], {"mode": ["relaxed", "timed"]}),
}


@st.composite
def periods(draw: st.DrawFn) -> QueryArgs:
    """Two real days close together, often at the ends of the calendar."""
    edges = [date.max, date.max - timedelta(days=30), date.min, date(2026, 1, 1)]
    first = draw(st.one_of(st.sampled_from(edges), st.dates()), label="from")
    days = draw(st.integers(-2, 400), label="days")
    try:
        last = first + timedelta(days=days)
    except OverflowError:
        last = date.max if days > 0 else date.min
    return [("from", first.isoformat()), ("to", last.isoformat())]


path_ids = st.one_of(
    st.sampled_from(["{mina}", "{round}", "0", "2147483647", "2147483648", str(2**63)]),
    st.sampled_from([str(10**30), "\uff19", "-1", "abc", "1.0", "%00", "9" * 50]),
    numberish,
)


@settings(max_examples=100)
@given(data=st.data())
def test_admin_pages(world: World, data: st.DataObject) -> None:
    page = data.draw(st.sampled_from(sorted(ADMIN_PAGES)), label="page")
    names, good = ADMIN_PAGES[page]
    if "quiz" in names:
        good = {**good, "quiz": world.quizzes}
    query = data.draw(args_for(names, good), label="query")
    if "from" in names and data.draw(st.booleans(), label="real days"):
        query = data.draw(periods()) + query
    who = data.draw(st.sampled_from(["admin"] * 4 + ["player", "guest"]), label="who")
    path = page
    if "<id>" in page:
        raw = data.draw(path_ids, label="id").format(
            mina=world.ids["mina"], round=world.round_ids["mina"]
        )
        path = page.replace("<id>", quote(raw, safe="%"))
    status, response, before, after = get(world, who, f"GET {page}", path, query)
    assert after == before
    refused, args = route(world.app, path, "GET")
    table = world.ids if "players" in page else world.round_ids
    known = all(value in table.values() for value in args.values())  # the id names a row
    if refused is not None:
        assert status == refused
    elif who == "guest":
        assert status == 302
    elif who == "player":
        assert status == 403
    else:
        assert status == (200 if known else 404)
    if status == 200 and response.mimetype == "text/csv":
        assert response.get_data(as_text=True).split("\r\n")[0].split(",")[0] in (
            "rank",
            "answered_at",
        )
    if page == "/admin/exports/answers.csv" and status == 200 and response.mimetype == "text/csv":
        args = _parse(query)
        first_day = date.fromisoformat(args.get("from", "")[:20].strip())
        last_day = date.fromisoformat(args.get("to", "")[:20].strip())
        assert first_day <= last_day < date.max
