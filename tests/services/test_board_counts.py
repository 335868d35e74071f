"""The per-band counts behind "my rank": after any mix of plays, hiding, voiding and claiming,
they equal a recount, and every player's rank is their place in a full sort of the board."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

import flask_migrate
import pytest
from board_counts_check import recount, stored_counts
from flask import Flask
from sqlalchemy import select
from test_board_aggregates import aggregates, finish, make_user

from quizapp.extensions import db
from quizapp.models import BestScore, BoardCount, Round, TotalScore, User
from quizapp.services import accounts, admin, boards
from quizapp.services.boards import BUCKET_WIDTH, TOTAL_BOARD, BoardKind

NOW = datetime(2026, 11, 25, 12, 0)  # Wednesday of ISO week 2026-W48
QUIZZES = ("social-media", "mixed", "milestones-2024", "daily-2026-11-25", "daily-2026-11-24")
# Scores on both sides of band edges, with many equal ones so that ties are common.
SCORES = (0, 99, 100, 101, 199, 200, 250, 500, 500, 750, 999, 1000, 1000, 1099, 2500)
# Rounds finish in time order, as they do when played, from the previous ISO week on; a step
# of 0 finishes the next round at the same instant, so that equal scores can tie on time too.
START = NOW - timedelta(days=9)
STEPS = tuple(timedelta(hours=h) for h in (0, 0, 0, 1, 2, 5, 10))


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


def sorted_board(period: str, quiz: str, mode: str) -> list[tuple[int, str, int, datetime]]:
    """The board's visible rows in a full ORDER BY: best first, earlier first, lower id first."""
    if quiz == TOTAL_BOARD:
        table, value, where = TotalScore, TotalScore.total, ()
    else:
        table, value, where = BestScore, BestScore.score, (BestScore.quiz_id == quiz,)
    query = (
        select(table.user_id, User.username, value, table.reached_at)
        .join(User, User.id == table.user_id)
        .where(table.period == period, table.mode == mode, table.hidden.is_(False), *where)
        .order_by(value.desc(), table.reached_at, table.user_id)
    )
    return [(u, name, v, at) for u, name, v, at in db.session.execute(query)]


def readable_boards() -> list[tuple[BoardKind, str, str | None, datetime]]:
    """Every board a page can show with the data stored: (kind, mode, quiz, a moment in it)."""
    found = []
    for mode in ("timed", "relaxed"):
        for quiz in QUIZZES:
            kind = BoardKind.DAILY if boards.is_daily(quiz) else BoardKind.QUIZ
            found.append((kind, mode, quiz, NOW))
        found.append((BoardKind.OVERALL, mode, None, NOW))
        for moment in (NOW, NOW - timedelta(days=7)):
            found.append((BoardKind.WEEK, mode, None, moment))
    return found


def check_invariants(players: list[int], limit: int) -> None:
    """The counts equal a recount; every player's rank and neighbours match the full sort."""
    db.session.rollback()  # read what is committed, as a request would
    assert stored_counts() == recount()
    for kind, mode, quiz, moment in readable_boards():
        period = boards.period_of(moment) if kind is BoardKind.WEEK else boards.ALL_TIME
        key = quiz if kind in (BoardKind.QUIZ, BoardKind.DAILY) else TOTAL_BOARD
        assert quiz is None or key == quiz
        expected = sorted_board(period, key, mode)
        place = {row[0]: i for i, row in enumerate(expected, 1)}
        as_rows = [boards.BoardRow(i, *row) for i, row in enumerate(expected, 1)]
        for user in players:
            board = boards.get_board(
                kind, mode, now=moment, quiz_id=quiz, user_id=user, limit=limit
            )
            assert list(board.rows) == as_rows[:limit], (kind, mode, quiz)
            if user not in place:
                assert board.me is None, (kind, mode, quiz, user)
                continue
            rank = place[user]
            assert board.me == as_rows[rank - 1], (kind, mode, quiz, user)
            if rank > limit:
                around = as_rows[max(rank - 1 - boards.NEIGHBOURS, 0) : rank + boards.NEIGHBOURS]
                assert list(board.around_me) == around, (kind, mode, quiz, user)


@pytest.mark.parametrize("seed", [1, 2])
def test_counts_and_ranks_stay_exact_through_any_sequence_of_changes(ctx: None, seed: int) -> None:
    rng = random.Random(seed)
    boss = make_user("boss")
    players = [make_user(f"fan{i:02d}") for i in range(12)]
    guests, moment = 0, START
    for step in range(90):
        action = rng.choices(("play", "hide", "void", "claim", "practice"), (70, 8, 8, 8, 6))[0]
        user = rng.choice(players)
        quiz, mode = rng.choice(QUIZZES), rng.choice(("timed", "relaxed"))
        score, moment = rng.choice(SCORES), min(moment + rng.choice(STEPS), NOW)
        if action == "play":
            finish(user, score, moment, quiz, mode)
        elif action == "practice":
            finish(user, score, moment, quiz, mode, ranked=False)
        elif action == "hide":
            hidden = db.session.get(User, user).is_hidden  # type: ignore[union-attr]
            assert admin.set_player_hidden(boss, user, not hidden, NOW).changed
        elif action == "void":
            counted = select(Round.id).where(
                Round.user_id == user, Round.is_ranked.is_(True), Round.voided_at.is_(None)
            )
            round_ids = db.session.scalars(counted.order_by(Round.id)).all()
            if round_ids:
                assert admin.void_round(boss, rng.choice(round_ids), NOW).changed
        else:  # a guest plays a round or two, then signs in as this player
            guests += 1
            guest = f"guest-{guests}"
            for _ in range(rng.randint(1, 2)):
                finish(None, rng.choice(SCORES), moment, quiz, mode, guest=guest)
            assert accounts.claim_guest_rounds(user, guest) >= 1
            db.session.commit()
        if step % 5 == 4:
            check_invariants(players, limit=rng.choice((1, 3, 5)))
    check_invariants(players, limit=3)
    # Rebuilding everyone from their rounds changes neither the rows nor the counts.
    before, counts = aggregates(), stored_counts()
    for user in players:
        boards.rebuild_user(user)
    db.session.commit()
    assert aggregates() == before
    assert stored_counts() == counts


def test_ties_inside_a_band_and_across_its_edges(ctx: None) -> None:
    names = ("a", "b", "c", "d", "e", "f")
    users = dict(zip(names, (make_user(n) for n in names), strict=True))
    finish(users["a"], 2 * BUCKET_WIDTH, NOW - timedelta(hours=1))  # the band above
    finish(users["b"], 2 * BUCKET_WIDTH - 1, NOW - timedelta(hours=1))  # top of the band
    finish(users["c"], BUCKET_WIDTH + 50, NOW - timedelta(hours=2))
    finish(users["d"], BUCKET_WIDTH + 50, NOW - timedelta(hours=1))  # same score, later
    finish(users["e"], BUCKET_WIDTH + 50, NOW - timedelta(hours=1))  # same moment, higher id
    finish(users["f"], BUCKET_WIDTH, NOW)  # bottom of the band
    for limit in (0, 2):
        ranks = [
            boards.get_board(
                BoardKind.QUIZ, "timed", now=NOW, quiz_id="social-media", user_id=u, limit=limit
            ).me
            for u in users.values()
        ]
        assert [(r.rank, r.username) for r in ranks if r] == list(enumerate(names, 1))
    assert stored_counts() == recount()
    assert stored_counts()[("all", "social-media", "timed", 1)] == 5


def test_recount_boards_refills_the_counts(ctx: None) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    finish(ann, 450, NOW)
    finish(bob, 430, NOW, quiz="mixed")
    admin.set_player_hidden(ann, bob, True, NOW)
    expected = stored_counts()
    assert expected == recount() and expected
    db.session.execute(BoardCount.__table__.delete())
    boards.recount_boards()
    db.session.commit()
    assert stored_counts() == expected


def test_the_migration_counts_the_rows_already_stored(ctx: None) -> None:
    ann, bob, cat = make_user("ann"), make_user("bob"), make_user("cat")
    for user, score in ((ann, 450), (bob, 530), (cat, 1200)):
        finish(user, score, NOW - timedelta(days=8))
        finish(user, score + 20, NOW, quiz="daily-2026-11-25", mode="relaxed")
    admin.set_player_hidden(ann, cat, True, NOW)
    expected = stored_counts()
    assert expected == recount() and len(expected) == 10
    db.session.remove()
    before_counts = "7441821bf62b"  # the revision before board_counts
    flask_migrate.downgrade(revision=before_counts)
    try:
        assert "board_counts" not in db.inspect(db.engine).get_table_names()
    finally:
        flask_migrate.upgrade()  # creates the table again and counts what is stored
    assert stored_counts() == expected
