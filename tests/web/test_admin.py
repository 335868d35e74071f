"""The admin dashboard: who may enter, players, hiding cheaters, audit log, boards, questions."""

from __future__ import annotations

import csv
import html as htmllib
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import markupsafe
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from user_factory import log_in_as, make_user
from web_helpers import VARIANT_HEADERS, Player

from quizapp.extensions import db
from quizapp.models import AuditEntry, BestScore, Round, RoundQuestion, User, utcnow
from quizapp.services import boards
from quizapp.services.catalog import get_catalog
from quizapp.services.snapshots import ensure_snapshots

SVG = "{http://www.w3.org/2000/svg}"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def people(app: Flask) -> dict[str, int]:
    """An admin and two players."""
    with app.app_context():
        return {
            "admin": make_user("Boss", admin=True),
            "mina": make_user("Mina"),
            "jisoo": make_user("Jisoo"),
        }


def token(client: FlaskClient) -> str:
    match = TOKEN.search(client.get("/").get_data(as_text=True))
    assert match
    return match.group(1)


def play_round(app: Flask, client: FlaskClient, user_id: int, right: bool = True) -> int:
    """One finished round through the real play flow; returns its id."""
    log_in_as(client, user_id)
    player = Player(app, client)
    player.start(quiz="social-media", mode="timed")
    player.play_through(right=right)
    return player.round().id


def hidden(app: Flask, user_id: int) -> bool:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        return user.is_hidden


def audit_entries(app: Flask) -> list[tuple[int | None, str, int | None]]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.admin_id, e.action, e.target_user_id) for e in rows]


# --- who may enter ------------------------------------------------------------------------------

GET_ROUTES = [
    "/admin/",
    "/admin/boards",
    "/admin/boards?board=overall&mode=relaxed&period=week",
    "/admin/boards.csv",
    "/admin/players",
    "/admin/players?q=min",
    "/admin/players/{mina}",
    "/admin/rounds/{round}",
    "/admin/audit",
    "/admin/exports",
    "/admin/exports/answers.csv?from=2020-01-01&to=2030-12-31",
    "/admin/questions",
    "/admin/questions?flagged=1",
    "/admin/charts",
    "/admin/charts?mode=relaxed",
]
POST_ROUTES = ["/admin/players/{mina}/hide", "/admin/players/{mina}/unhide"]


@pytest.fixture
def round_id(app: Flask, people: dict[str, int]) -> int:
    """A round of Mina's, started and never finished (no play needed for access checks)."""
    with app.app_context():
        round_ = Round(
            public_id="r1",
            user_id=people["mina"],
            quiz_id="social-media",
            mode="timed",
            seed=1,
            size=0,
        )
        db.session.add(round_)
        db.session.commit()
        return round_.id


def fill(route: str, people: dict[str, int], round_id: int) -> str:
    return route.format(mina=people["mina"], round=round_id)


@pytest.mark.parametrize("route", GET_ROUTES + POST_ROUTES)
@pytest.mark.parametrize("who", ["guest", "player", "admin"])
def test_admin_routes_are_for_admins_only(
    client: FlaskClient, people: dict[str, int], round_id: int, route: str, who: str
) -> None:
    url = fill(route, people, round_id)
    if who != "guest":
        log_in_as(client, people["admin" if who == "admin" else "jisoo"])
    if route in POST_ROUTES:
        response = client.post(url, data={"csrf_token": token(client)})
    else:
        response = client.get(url)
    if who == "guest":
        assert response.status_code == 302
        location = response.headers["Location"]
        assert location.startswith("/login?next=")
        assert "%2Fadmin%2F" in location
    elif who == "player":
        assert response.status_code == 403
        assert "for admins only" in response.get_data(as_text=True)
    else:
        assert response.status_code == (303 if route in POST_ROUTES else 200)
    assert hidden(client.application, people["mina"]) is (who == "admin" and "/hide" in route)


def test_the_dashboard_links_to_every_part(client: FlaskClient, people: dict[str, int]) -> None:
    log_in_as(client, people["admin"])
    html = client.get("/admin/").get_data(as_text=True)
    for href in ("/admin/boards", "/admin/players", "/admin/questions", "/admin/charts"):
        assert f'href="{href}"' in html
    assert 'href="/admin/exports"' in html and 'href="/admin/audit"' in html


# --- players ------------------------------------------------------------------------------------


def test_player_search_is_case_insensitive_and_marks_hidden_players(
    app: Flask, client: FlaskClient, people: dict[str, int]
) -> None:
    with app.app_context():
        user = db.session.get(User, people["mina"])
        assert user is not None
        user.is_hidden = True
        db.session.commit()
    log_in_as(client, people["admin"])
    html = client.get("/admin/players?q=MIN").get_data(as_text=True)
    rows = re.findall(r'data-testid="player-row">(.*?)</li>', html, re.S)
    assert len(rows) == 1
    assert "Mina" in rows[0] and 'data-testid="hidden-tag"' in rows[0]
    assert "Jisoo" not in html


def test_player_search_pages_through_many_players(
    app: Flask, client: FlaskClient, people: dict[str, int]
) -> None:
    with app.app_context():
        for i in range(30):
            make_user(f"fan{i:02d}")
    log_in_as(client, people["admin"])
    first = client.get("/admin/players?q=fan").get_data(as_text=True)
    second = client.get("/admin/players?q=fan&page=2").get_data(as_text=True)
    assert first.count('data-testid="player-row"') == 25
    assert second.count('data-testid="player-row"') == 5
    assert "Page 2 of 2" in second and "fan29" in second and "fan29" not in first
    assert client.get("/admin/players?q=fan&page=banana").status_code == 200


def test_a_search_text_with_wildcards_matches_literally(
    app: Flask, client: FlaskClient, people: dict[str, int]
) -> None:
    with app.app_context():
        make_user("a_b")
    log_in_as(client, people["admin"])
    html = client.get("/admin/players?q=_").get_data(as_text=True)
    assert html.count('data-testid="player-row"') == 1


def test_player_detail_lists_rounds_and_a_round_lists_its_answers(
    app: Flask, client: FlaskClient, people: dict[str, int]
) -> None:
    finished = play_round(app, client, people["mina"], right=False)
    log_in_as(client, people["admin"])
    html = client.get(f"/admin/players/{people['mina']}").get_data(as_text=True)
    rows = re.findall(r'data-testid="round-row">(.*?)</tr>', html, re.S)
    assert len(rows) == 1
    assert "K-pop and Social Media" in rows[0] and "timed" in rows[0] and "ranked" in rows[0]
    assert f'href="/admin/rounds/{finished}"' in rows[0]

    page = client.get(f"/admin/rounds/{finished}").get_data(as_text=True)
    answers = re.findall(r'data-testid="answer-row" data-result="(\w+)"', page)
    assert answers == ["wrong"] * 10
    with app.app_context():
        item = db.session.scalars(
            select(RoundQuestion).where(RoundQuestion.round_id == finished)
        ).first()
        assert item is not None
        prompt = get_catalog().questions[item.question_id].prompt
    assert item.question_id in page and str(markupsafe.escape(prompt)) in page


def test_an_unknown_player_or_round_is_a_404(client: FlaskClient, people: dict[str, int]) -> None:
    log_in_as(client, people["admin"])
    assert client.get("/admin/players/999999").status_code == 404
    assert client.get("/admin/rounds/999999").status_code == 404
    response = client.post("/admin/players/999999/hide", data={"csrf_token": token(client)})
    assert response.status_code == 404


# --- hide and unhide ----------------------------------------------------------------------------


def hide(client: FlaskClient, user_id: int, variant: str, action: str = "hide"):
    return client.post(
        f"/admin/players/{user_id}/{action}",
        data={"csrf_token": token(client)},
        headers=VARIANT_HEADERS[variant],
    )


def test_hide_plain_redirects_to_the_player_and_says_what_happened(
    app: Flask, client: FlaskClient, people: dict[str, int]
) -> None:
    log_in_as(client, people["admin"])
    response = hide(client, people["mina"], "plain")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/players/{people['mina']}"
    assert hidden(app, people["mina"])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mina is now hidden from every leaderboard." in page
    assert 'data-testid="unhide-player"' in page
    # The message is shown once, not on every later visit.
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is now hidden" not in again


def test_hide_htmx_returns_the_panel_fragment(
    app: Flask, client: FlaskClient, people: dict[str, int]
) -> None:
    log_in_as(client, people["admin"])
    response = hide(client, people["mina"], "htmx")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="visibility"')
    assert 'data-hidden="true"' in html and "now hidden" in html
    assert hidden(app, people["mina"])


def test_hide_boosted_returns_the_full_player_page(
    app: Flask, client: FlaskClient, people: dict[str, int]
) -> None:
    log_in_as(client, people["admin"])
    response = hide(client, people["mina"], "boosted")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in html and 'data-testid="admin-player"' in html and "now hidden" in html
    assert response.headers["HX-Push-Url"] == f"/admin/players/{people['mina']}"
    assert hidden(app, people["mina"])


@pytest.mark.parametrize("variant", ["plain", "htmx", "boosted"])
def test_unhide_in_each_variant(
    app: Flask, client: FlaskClient, people: dict[str, int], variant: str
) -> None:
    log_in_as(client, people["admin"])
    hide(client, people["mina"], "plain")
    response = hide(client, people["mina"], variant, action="unhide")
    assert response.status_code == (303 if variant == "plain" else 200)
    assert not hidden(app, people["mina"])
    if variant == "plain":
        html = client.get(response.headers["Location"]).get_data(as_text=True)
    else:
        html = response.get_data(as_text=True)
        assert ("<html" in html) is (variant == "boosted")
    assert "Mina is back on the leaderboards." in html
    assert 'data-testid="hide-player"' in html


def test_hiding_a_hidden_player_changes_nothing_and_says_so(
    app: Flask, client: FlaskClient, people: dict[str, int]
) -> None:
    log_in_as(client, people["admin"])
    hide(client, people["mina"], "plain")
    response = hide(client, people["mina"], "htmx")
    assert "Mina was already hidden; nothing changed." in response.get_data(as_text=True)
    assert hidden(app, people["mina"])
    assert [action for _, action, _ in audit_entries(app)] == ["hide_player"]


def test_an_admin_cannot_hide_themself(
    app: Flask, client: FlaskClient, people: dict[str, int]
) -> None:
    log_in_as(client, people["admin"])
    for variant in ("plain", "htmx"):
        response = hide(client, people["admin"], variant)
        assert response.status_code == 200
        assert "You can't hide your own account." in htmllib.unescape(
            response.get_data(as_text=True)
        )
    assert not hidden(app, people["admin"])
    assert audit_entries(app) == []
    page = client.get(f"/admin/players/{people['admin']}").get_data(as_text=True)
    assert 'data-testid="hide-player"' not in page


def test_every_hide_and_unhide_is_in_the_audit_log(
    app: Flask, client: FlaskClient, people: dict[str, int]
) -> None:
    log_in_as(client, people["admin"])
    hide(client, people["mina"], "plain")
    hide(client, people["jisoo"], "htmx")
    hide(client, people["mina"], "boosted", action="unhide")
    admin, mina, jisoo = people["admin"], people["mina"], people["jisoo"]
    assert audit_entries(app) == [
        (admin, "hide_player", mina),
        (admin, "hide_player", jisoo),
        (admin, "unhide_player", mina),
    ]
    html = client.get("/admin/audit").get_data(as_text=True)
    entries = re.findall(r'data-testid="audit-entry" data-action="(\w+)">(.*?)</li>', html, re.S)
    assert [action for action, _ in entries] == ["unhide_player", "hide_player", "hide_player"]
    newest = entries[0][1]
    assert "Boss" in newest and "unhid" in newest and "Mina" in newest


def test_the_audit_log_is_paginated_newest_first(
    app: Flask, client: FlaskClient, people: dict[str, int]
) -> None:
    start = utcnow() - timedelta(days=1)
    with app.app_context():
        for i in range(30):
            db.session.add(
                AuditEntry(
                    at=start + timedelta(minutes=i),
                    admin_id=people["admin"],
                    action="hide_player",
                    target_user_id=people["mina"],
                    details=f"entry {i:02d}",
                )
            )
        db.session.commit()
    log_in_as(client, people["admin"])
    first = client.get("/admin/audit").get_data(as_text=True)
    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert re.findall(r"entry (\d\d)", first)[:2] == ["29", "28"]
    assert re.findall(r"entry (\d\d)", second) == ["04", "03", "02", "01", "00"]


# --- leaderboards -------------------------------------------------------------------------------

BOARD_QUERIES = [
    "board=quiz&quiz=social-media",
    "board=overall",
    "board=overall&period=week",
    "board=week",
    "board=daily",
]


def play_daily(app: Flask, user_id: int, score: int) -> None:
    """A finished daily-challenge round stored directly, then folded into the boards."""
    now = utcnow()
    with app.app_context():
        db.session.add(
            Round(
                public_id=f"daily-{user_id}",
                user_id=user_id,
                quiz_id=boards.daily_quiz_id(now.date()),
                mode="timed",
                seed=1,
                size=0,
                score=score,
                started_at=now,
                finished_at=now,
            )
        )
        db.session.flush()
        boards.rebuild_user(user_id)
        db.session.commit()


@pytest.fixture
def board_players(app: Flask, client: FlaskClient, people: dict[str, int]) -> dict[str, int]:
    """Mina (all right), Jisoo (all wrong) and Haru (all right) on every timed board."""
    with app.app_context():
        people = {**people, "haru": make_user("Haru")}
    for name in ("mina", "jisoo", "haru"):
        play_round(app, client, people[name], right=name != "jisoo")
        play_daily(app, people[name], score=100)
    log_in_as(client, people["admin"])
    return people


def users_on_board(client: FlaskClient, query: str) -> set[int]:
    response = client.get(f"/admin/boards?{query}&mode=timed")
    assert response.status_code == 200
    return {
        int(u)
        for u in re.findall(
            r'data-testid="leaderboard-row" data-user="(\d+)"', response.get_data(as_text=True)
        )
    }


def test_every_board_shows_the_players(client: FlaskClient, board_players: dict[str, int]) -> None:
    everyone = {board_players[name] for name in ("mina", "jisoo", "haru")}
    for query in BOARD_QUERIES:
        assert users_on_board(client, query) == everyone, query


def test_the_relaxed_boards_are_apart(client: FlaskClient, board_players: dict[str, int]) -> None:
    html = client.get("/admin/boards?board=quiz&quiz=social-media&mode=relaxed").get_data(
        as_text=True
    )
    assert 'data-testid="leaderboard-empty"' in html


def test_a_hidden_player_leaves_every_board_and_comes_back(
    client: FlaskClient, board_players: dict[str, int]
) -> None:
    mina = board_players["mina"]
    hide(client, mina, "plain")
    for query in BOARD_QUERIES:
        assert mina not in users_on_board(client, query), query
        assert len(users_on_board(client, query)) == 2
    csv_text = client.get("/admin/boards.csv?board=overall&mode=timed").get_data(as_text=True)
    assert "Mina" not in csv_text
    hide(client, mina, "htmx", action="unhide")
    for query in BOARD_QUERIES:
        assert mina in users_on_board(client, query), query


def test_unknown_filters_fall_back_to_a_real_board(
    client: FlaskClient, board_players: dict[str, int]
) -> None:
    response = client.get("/admin/boards?board=nope&quiz=social-media&mode=nope&period=nope")
    assert response.status_code == 200
    assert 'data-testid="board-title">K-pop and Social Media<' in response.get_data(as_text=True)
    assert len(re.findall(r'data-testid="leaderboard-row"', response.get_data(as_text=True))) == 3
    assert client.get("/admin/boards?quiz=nope&board=quiz").status_code == 200


# --- CSV exports --------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_board_csv_has_the_columns_and_rows_in_rank_order(
    app: Flask, client: FlaskClient, board_players: dict[str, int]
) -> None:
    response = client.get("/admin/boards.csv?board=quiz&quiz=social-media&mode=timed")
    rows = read_csv(response)
    assert "board-quiz-social-media-timed-all.csv" in response.headers["Content-Disposition"]
    assert rows[0] == ["rank", "username", "score", "reached_at", "user_id"]
    with app.app_context():
        best = {
            b.user_id: b
            for b in db.session.scalars(
                select(BestScore).where(
                    BestScore.quiz_id == "social-media", BestScore.period == "all"
                )
            )
        }
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"]
    assert rows[-1][1] == "Jisoo" and rows[-1][2] == "0"
    for _, _, score, reached_at, user_id in rows[1:]:
        stored = best[int(user_id)]
        assert int(score) == stored.score
        assert reached_at == stored.reached_at.replace(microsecond=0).isoformat() + "Z"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", reached_at)


def test_csv_cells_that_look_like_formulas_are_defused(
    app: Flask, client: FlaskClient, people: dict[str, int]
) -> None:
    with app.app_context():
        evil = make_user("=HYPERLINK(1)")
    play_round(app, client, evil)
    log_in_as(client, people["admin"])
    rows = read_csv(client.get("/admin/boards.csv?board=overall&mode=timed"))
    assert rows[1][1] == "'=HYPERLINK(1)"
    today = utcnow().date().isoformat()
    answers = read_csv(client.get(f"/admin/exports/answers.csv?from={today}&to={today}"))
    assert {row[2] for row in answers[1:]} == {"'=HYPERLINK(1)"}


def test_answers_csv_covers_the_period_inclusive(
    app: Flask, client: FlaskClient, people: dict[str, int]
) -> None:
    old_round = play_round(app, client, people["mina"], right=True)
    new_round = play_round(app, client, people["jisoo"], right=False)
    guest = Player(app, app.test_client())
    guest.start(quiz="social-media", mode="relaxed")
    guest.client.get(guest.url)
    guest.answer(guest.right_answer())
    today = utcnow().date()
    with app.app_context():  # Mina played three days ago
        for item in db.session.scalars(
            select(RoundQuestion).where(RoundQuestion.round_id == old_round)
        ):
            assert item.answered_at is not None
            item.answered_at -= timedelta(days=3)
        db.session.commit()
    log_in_as(client, people["admin"])

    rows = read_csv(client.get(f"/admin/exports/answers.csv?from={today}&to={today}"))
    assert rows[0] == [
        "answered_at", "round_id", "username", "quiz_id", "mode", "question_id",
        "version", "result", "points", "elapsed_ms", "flagged",
    ]  # fmt: skip
    body = rows[1:]
    assert len(body) == 11
    assert [r[2] for r in body].count("Jisoo") == 10 and [r[2] for r in body].count("guest") == 1
    jisoo = next(r for r in body if r[2] == "Jisoo")
    assert jisoo[1] == str(new_round) and jisoo[3:5] == ["social-media", "timed"]
    assert jisoo[7] == "wrong" and jisoo[8] == "0"
    with app.app_context():
        query = select(RoundQuestion).where(RoundQuestion.round_id == new_round)
        stored = {i.question_id: i for i in db.session.scalars(query)}
    for row in (r for r in body if r[2] == "Jisoo"):
        item = stored[row[5]]
        assert row[6] == item.version and row[9] == str(item.elapsed_ms)
        assert row[10] == ("true" if item.flagged else "false")
    assert jisoo[0].startswith(today.isoformat() + "T") and jisoo[0].endswith("Z")
    guest_row = next(r for r in body if r[2] == "guest")
    assert guest_row[4] == "relaxed" and guest_row[7] == "correct"

    first = (today - timedelta(days=3)).isoformat()
    rows = read_csv(client.get(f"/admin/exports/answers.csv?from={first}&to={first}"))
    assert len(rows) == 11 and {r[2] for r in rows[1:]} == {"Mina"}
    assert (
        "answers-" + first + "-to-" + first + ".csv"
        in client.get(f"/admin/exports/answers.csv?from={first}&to={first}").headers[
            "Content-Disposition"
        ]
    )


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            "from=2026-03-10&to=2026-03-01",
            "to",
            "The last date must be on or after the first date.",
        ),
        ("from=2026-13-45&to=2026-03-01", "from", "The first date must look like 2026-01-31."),
        ("from=&to=2026-03-01", "from", "Enter the first date."),
        ("from=2020-01-01&to=2026-03-01", "to", "Pick at most 366 days."),
    ],
)
def test_a_bad_period_shows_the_form_again_with_the_problem(
    client: FlaskClient, people: dict[str, int], query: str, field: str, message: str
) -> None:
    log_in_as(client, people["admin"])
    response = client.get(f"/admin/exports/answers.csv?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    error = re.search(rf'id="export-{field}-error" data-testid="field-error">([^<]+)<', html)
    assert error and error.group(1) == message
    assert f'id="export-{field}"' in html and 'aria-invalid="true"' in html


# --- question statistics and charts -------------------------------------------------------------


def answered_once(app: Flask, question_id: str, result: str, guest: str, picked: list[str]) -> None:
    """A one-question guest round whose only question is answered."""
    now = utcnow()
    with app.app_context():
        question = get_catalog().questions[question_id]
        ensure_snapshots(get_catalog(), [question])
        round_ = Round(
            public_id=guest, guest_id=guest, quiz_id="faq-2024", mode="relaxed", seed=1, size=1
        )
        round_.items = [
            RoundQuestion(
                position=0,
                question_id=question.id,
                version=question.version,
                choice_order=list(question.choices),
                served_at=now,
                answered_at=now,
                result=result,
                elapsed_ms=3000,
                response={"picked": picked, "text": ""},
            )
        ]
        db.session.add(round_)
        db.session.commit()


def test_the_questions_page_lists_statistics_and_filters_flagged_ones(
    app: Flask, client: FlaskClient, people: dict[str, int]
) -> None:
    with app.app_context():
        easy = get_catalog().questions["sm-digital-01"]
        other = get_catalog().questions["sm-digital-03"]
    right = sorted(easy.correct)
    for i in range(10):  # ten right answers out of ten: too easy
        answered_once(app, easy.id, "correct", f"g{i}", right)
    answered_once(app, other.id, "wrong", "lonely", ["False"])
    log_in_as(client, people["admin"])

    html = client.get("/admin/questions").get_data(as_text=True)
    cards = re.findall(
        r'data-testid="question-stats" data-question="([\w-]+)" data-flags="([^"]*)"', html
    )
    assert cards == [(easy.id, "too easy"), (other.id, "")]
    assert easy.prompt in html and "100 %" in html

    flagged = client.get("/admin/questions?flagged=1").get_data(as_text=True)
    assert re.findall(r'data-question="([\w-]+)"', flagged) == [easy.id]


def svgs(html: str) -> dict[str, ET.Element]:
    """Every inline chart on the page, parsed as XML, by its data-testid."""
    found = re.findall(r'data-testid="chart-(\w+)">\s*(<svg.*?</svg>)', html, re.S)
    return {name: ET.fromstring(svg) for name, svg in found}


def bars(svg: ET.Element) -> list[ET.Element]:
    return [e for e in svg.iter(f"{SVG}rect") if e.get("class") == "chart-bar"]


def add_round(app: Flask, days_ago: int = 0, **values: object) -> None:
    """A round stored directly, started `days_ago` days ago."""
    started = utcnow() - timedelta(days=days_ago)
    with app.app_context():
        count = db.session.query(Round).count()
        fields = {"mode": "timed", "quiz_id": "faq-2024", "seed": 1, "size": 10, **values}
        db.session.add(Round(public_id=f"c{count}", started_at=started, **fields))
        db.session.commit()


def test_the_charts_are_valid_svg_with_one_bar_per_bucket_and_day(
    app: Flask, client: FlaskClient, people: dict[str, int]
) -> None:
    done = utcnow()
    for score in (0, 10400, 10500):
        add_round(app, score=score, finished_at=done)
    add_round(app, score=9000)  # not finished
    add_round(app, score=9000, finished_at=done, voided_at=done)
    add_round(app, score=500, finished_at=done, mode="relaxed")
    add_round(app, days_ago=29)
    add_round(app, days_ago=30)  # before the 30 days shown
    log_in_as(client, people["admin"])
    charts = svgs(client.get("/admin/charts").get_data(as_text=True))
    assert set(charts) == {"scores", "plays"}
    for svg in charts.values():
        assert svg.get("viewBox") and svg.get("width") == "100%" and svg.get("role") == "img"
        assert (svg.findtext(f"{SVG}title") or "").strip()
    scores, plays = bars(charts["scores"]), bars(charts["plays"])
    assert len(scores) == 10 and len(plays) == 30
    # Buckets 2,000 wide: the 0 in the first, 10,400 and 10,500 together in the sixth.
    assert [bar_value(b) for b in scores] == [1, 0, 0, 0, 0, 2, 0, 0, 0, 0]
    assert bar_value(plays[0]) == 1 and bar_value(plays[-1]) == 6
    assert sum(bar_value(b) for b in plays) == 7
    relaxed = svgs(client.get("/admin/charts?mode=relaxed").get_data(as_text=True))
    assert sum(bar_value(b) for b in bars(relaxed["scores"])) == 1


def bar_value(bar: ET.Element) -> int:
    """The number a bar stands for, read from its tooltip title ("label: value")."""
    return int((bar.findtext(f"{SVG}title") or "").rsplit(": ", 1)[1])
