"""Admins see rounds answered faster than anyone can read, and can void them."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from user_factory import log_in_as, make_user
from web_helpers import VARIANT_HEADERS, Player

from quizapp.extensions import db
from quizapp.models import AuditEntry, BestScore, Round, TotalScore, utcnow
from quizapp.services import boards

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def speedy_round(app: Flask) -> tuple[int, int]:
    """(player id, round id) of a finished ranked round whose answers were all instant."""
    with app.app_context():
        speedy = make_user("speedy")
    client = app.test_client()
    log_in_as(client, speedy)
    player = Player(app, client)
    player.start(quiz="social-media", mode="timed")
    player.play_through()
    round_ = player.round()
    assert round_.finished_at is not None and round_.flagged_count == 10
    return speedy, round_.id


def board_users(app: Flask) -> set[int]:
    with app.app_context():
        board = boards.get_board(
            boards.BoardKind.QUIZ, "timed", quiz_id="social-media", now=utcnow()
        )
        overall = boards.get_board(boards.BoardKind.OVERALL, "timed", now=utcnow())
        return {row.user_id for row in (*board.rows, *overall.rows)}


@pytest.fixture
def admin_client(app: Flask) -> FlaskClient:
    with app.app_context():
        boss = make_user("boss", admin=True)
    client = app.test_client()
    log_in_as(client, boss)
    return client


def void(client: FlaskClient, round_id: int, variant: str = "plain"):  # type: ignore[no-untyped-def]
    page = client.get(f"/admin/rounds/{round_id}").get_data(as_text=True)
    token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
    return client.post(
        f"/admin/rounds/{round_id}/void",
        data={"csrf_token": token},
        headers=VARIANT_HEADERS[variant],
    )


def test_a_round_of_instant_answers_is_listed_as_suspicious(
    admin_client: FlaskClient, speedy_round: tuple[int, int]
) -> None:
    html = admin_client.get("/admin/suspicious").get_data(as_text=True)
    assert f'data-testid="suspicious-round" data-round="{speedy_round[1]}"' in html
    assert "10 flagged" in html and "speedy" in html


def test_voiding_removes_the_points_from_every_board_and_is_audited(
    app: Flask, admin_client: FlaskClient, speedy_round: tuple[int, int]
) -> None:
    speedy, round_id = speedy_round
    assert speedy in board_users(app)
    response = void(admin_client, round_id)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/rounds/{round_id}"
    assert "Round voided." in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert speedy not in board_users(app)
    with app.app_context():
        assert db.session.get(Round, round_id).voided_at is not None  # type: ignore[union-attr]
        assert db.session.scalars(select(BestScore).where(BestScore.user_id == speedy)).all() == []
        assert (
            db.session.scalars(select(TotalScore).where(TotalScore.user_id == speedy)).all() == []
        )
        entries = db.session.scalars(select(AuditEntry)).all()
        assert [(e.action, e.target_user_id, e.target_round_id) for e in entries] == [
            ("void_round", speedy, round_id)
        ]
    html = admin_client.get("/admin/suspicious").get_data(as_text=True)
    assert f'data-round="{round_id}"' not in html


def test_voiding_twice_changes_nothing_more(
    app: Flask, admin_client: FlaskClient, speedy_round: tuple[int, int]
) -> None:
    void(admin_client, speedy_round[1])
    again = void(admin_client, speedy_round[1])
    assert "That round was already void." in admin_client.get(again.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        assert len(db.session.scalars(select(AuditEntry)).all()) == 1


def test_void_over_htmx_returns_the_panel_and_boosted_the_page(
    admin_client: FlaskClient, speedy_round: tuple[int, int]
) -> None:
    fragment = void(admin_client, speedy_round[1], "htmx").get_data(as_text=True)
    assert "<html" not in fragment and 'data-voided="true"' in fragment
    page = void(admin_client, speedy_round[1], "boosted").get_data(as_text=True)
    assert "<html" in page and 'data-voided="true"' in page


def test_players_cannot_void(
    app: Flask, client: FlaskClient, speedy_round: tuple[int, int]
) -> None:
    log_in_as(client, speedy_round[0])
    page = client.get("/").get_data(as_text=True)
    token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
    response = client.post(f"/admin/rounds/{speedy_round[1]}/void", data={"csrf_token": token})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Round, speedy_round[1]).voided_at is None  # type: ignore[union-attr]
