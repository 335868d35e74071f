"""50 players finish rounds at the same instant: every board total is the sum of their points,
the per-band counts equal a recount, and every rank is the player's place in a full sort."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from board_counts_check import recount, stored_counts
from flask import Flask
from live_server import HttpPlayer, LiveServer, serve_app
from sqlalchemy import func, select
from test_answers import right_answer, together
from user_factory import make_user

from quizapp.extensions import db
from quizapp.models import BestScore, Round, RoundQuestion, TotalScore, User, utcnow
from quizapp.services import boards

PLAYERS = 50
QUIZZES = ("social-media", "faq-2024")
SIZE = 2


@pytest.fixture
def server(app: Flask, database_url: str) -> Iterator[LiveServer]:
    config = {
        "SECRET_KEY": "invariant",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "ROUND_SIZE": SIZE,
        "DB_POOL_SIZE": 20,
        "DB_MAX_OVERFLOW": 40,
    }
    live = serve_app(config, migrate=False)
    yield live
    live.stop()


def signed_in_player(server: LiveServer, name: str) -> tuple[HttpPlayer, str]:
    player = HttpPlayer(server.url)
    token = player.token()
    response = player.post("/login", {"username": name, "password": "correct-horse"}, token)
    assert response.status == 303, response.body[:200]
    return player, player.token()  # log-in gives the session a fresh CSRF token


def test_fifty_players_finishing_at_once_keep_every_total_exact(
    app: Flask, server: LiveServer
) -> None:
    with app.app_context():
        names = [f"fan{i:02d}" for i in range(PLAYERS)]
        for name in names:
            make_user(name)
    last_moves = []  # (player, token, round id) with only the last question left
    for name in names:
        player, token = signed_in_player(server, name)
        for quiz in QUIZZES:
            started = player.post("/play", {"quiz": quiz, "mode": "relaxed"}, token)
            public_id = started.headers["Location"].rsplit("/", 1)[1]
            for position in range(SIZE - 1):
                player.get(f"/play/{public_id}")
                player.post(f"/play/{public_id}/answer", right_answer(server.app, public_id), token)
                player.post(f"/play/{public_id}/next", {"position": position}, token)
            player.get(f"/play/{public_id}")
            last_moves.append(
                (player.copy(), token, public_id, right_answer(server.app, public_id))
            )

    def finish(i: int) -> int:
        player, token, public_id, data = last_moves[i]
        player.post(f"/play/{public_id}/answer", data, token)
        return player.post(f"/play/{public_id}/next", {"position": SIZE - 1}, token).status

    assert set(together(len(last_moves), finish)) == {303}

    with app.app_context():
        points = dict(
            db.session.execute(
                select(Round.user_id, func.sum(RoundQuestion.points))
                .join(RoundQuestion)
                .group_by(Round.user_id)
            ).all()
        )
        totals = {
            period: dict(
                db.session.execute(
                    select(TotalScore.user_id, TotalScore.total).where(
                        TotalScore.period == period, TotalScore.mode == "relaxed"
                    )
                ).all()
            )
            for period in db.session.scalars(select(TotalScore.period).distinct())
        }
        best_sums = dict(
            db.session.execute(
                select(BestScore.user_id, func.sum(BestScore.score))
                .where(BestScore.period == "all")
                .group_by(BestScore.user_id)
            ).all()
        )
        users = db.session.scalars(select(User.id)).all()
        finished = db.session.scalar(select(func.count()).where(Round.finished_at.is_not(None)))
    assert finished == PLAYERS * len(QUIZZES)
    assert len(totals) == 2  # all-time and this week
    assert all(points[user] > 0 for user in users)
    for period, by_user in totals.items():
        assert by_user == {user: points[user] for user in users}, period
    assert best_sums == {user: points[user] for user in users}
    with app.app_context():
        assert stored_counts() == recount()
        now = utcnow()
        for kind, quiz in (
            (boards.BoardKind.OVERALL, None),
            *((boards.BoardKind.QUIZ, q) for q in QUIZZES),
        ):
            board = boards.get_board(kind, "relaxed", now=now, quiz_id=quiz, limit=0)
            table, value = (BestScore, BestScore.score) if quiz else (TotalScore, TotalScore.total)
            in_order = db.session.scalars(
                select(table.user_id)
                .where(
                    table.period == board.period,
                    table.mode == "relaxed",
                    *((BestScore.quiz_id == quiz,) if quiz else ()),
                )
                .order_by(value.desc(), table.reached_at, table.user_id)
            ).all()
            assert len(in_order) == PLAYERS
            for place, user in enumerate(in_order, 1):
                me = boards.get_board(
                    kind, "relaxed", now=now, quiz_id=quiz, user_id=user, limit=0
                ).me
                assert me is not None and me.rank == place, (kind, quiz, user)
