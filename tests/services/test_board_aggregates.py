"""Leaderboard rules on small hand-made data: ranks, ties, hiding, totals, weeks, rebuilds."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import BestScore, Round, TotalScore, User
from quizapp.services import boards
from quizapp.services.boards import BoardKind

NOW = datetime(2026, 11, 25, 12, 0)  # a Wednesday in ISO week 2026-W48
MONDAY = datetime(2026, 11, 23, 0, 0)


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


def make_user(name: str) -> int:
    """A player (no usable password: these tests never log in, and hashing is slow)."""
    user = User(username=name, username_key=name.lower(), password_hash="-")
    db.session.add(user)
    db.session.commit()
    return user.id


def finish(
    user_id: int | None,
    score: int,
    at: datetime,
    quiz: str = "social-media",
    mode: str = "timed",
    *,
    ranked: bool = True,
    voided: bool = False,
    guest: str | None = None,
) -> Round:
    """Store a finished round and fold it into the boards, as advance() does."""
    round_ = Round(
        public_id=secrets.token_urlsafe(12),
        user_id=user_id,
        guest_id=guest,
        quiz_id=quiz,
        mode=mode,
        seed=1,
        size=10,
        position=10,
        score=score,
        is_ranked=ranked,
        started_at=at - timedelta(minutes=3),
        finished_at=at,
        voided_at=at if voided else None,
    )
    db.session.add(round_)
    db.session.flush()
    boards.record_finished_round(round_, at)
    db.session.commit()
    return round_


def names(board: boards.Board) -> list[str]:
    return [row.username for row in board.rows]


def quiz_board(quiz: str = "social-media", **kwargs: object) -> boards.Board:
    return boards.get_board(BoardKind.QUIZ, "timed", now=NOW, quiz_id=quiz, **kwargs)  # type: ignore[arg-type]


def test_quiz_board_ranks_best_round_per_player_and_earlier_wins_ties(ctx: None) -> None:
    ann, bob, cat, dan = (make_user(n) for n in ("ann", "bob", "cat", "dan"))
    finish(ann, 500, NOW - timedelta(hours=1))
    finish(bob, 500, NOW - timedelta(hours=2))  # same score, reached earlier: ahead of ann
    finish(cat, 900, NOW - timedelta(hours=3))
    finish(cat, 300, NOW - timedelta(minutes=5))  # a worse replay does not lower cat's best
    finish(dan, 200, NOW - timedelta(hours=4))
    finish(dan, 200, NOW - timedelta(minutes=1))  # an equal replay keeps the earlier time
    board = quiz_board()
    assert names(board) == ["cat", "bob", "ann", "dan"]
    assert [r.rank for r in board.rows] == [1, 2, 3, 4]
    assert [r.score for r in board.rows] == [900, 500, 500, 200]
    assert board.rows[3].reached_at == NOW - timedelta(hours=4)
    assert board.title == "K-pop and Social Media"


def test_same_score_at_the_same_moment_goes_to_the_lower_user_id(ctx: None) -> None:
    first, second = make_user("first"), make_user("second")
    finish(second, 700, NOW)
    finish(first, 700, NOW)
    assert names(quiz_board()) == ["first", "second"]
    assert quiz_board(user_id=second).me == boards.BoardRow(2, second, "second", 700, NOW)


def test_modes_and_quizzes_have_their_own_boards(ctx: None) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    finish(ann, 800, NOW, mode="relaxed")
    finish(bob, 100, NOW, quiz="mixed")
    assert names(quiz_board()) == []
    assert names(quiz_board("mixed")) == ["bob"]
    relaxed = boards.get_board(BoardKind.QUIZ, "relaxed", now=NOW, quiz_id="social-media")
    assert names(relaxed) == ["ann"]


def test_hidden_players_are_off_every_board_and_do_not_push_others_down(ctx: None) -> None:
    cheat, ann, bob = make_user("cheat"), make_user("ann"), make_user("bob")
    for user, score in ((cheat, 9999), (ann, 600), (bob, 400)):
        finish(user, score, NOW - timedelta(hours=1))
        finish(user, score, NOW - timedelta(hours=1), quiz="daily-2026-11-25")
    db.session.get(User, cheat).is_hidden = True  # type: ignore[union-attr]
    boards.set_hidden(cheat, True)
    db.session.commit()
    for kind in BoardKind:
        board = boards.get_board(kind, "timed", now=NOW, quiz_id="social-media", user_id=bob)
        assert names(board) == ["ann", "bob"], kind
        assert board.me is not None and board.me.rank == 2
        assert (
            boards.get_board(kind, "timed", now=NOW, quiz_id="social-media", user_id=cheat).me
            is None
        )
    boards.set_hidden(cheat, False)
    db.session.commit()
    assert names(quiz_board()) == ["cheat", "ann", "bob"]


def test_overall_cannot_be_won_by_replaying_one_quiz(ctx: None) -> None:
    grinder, allrounder = make_user("grinder"), make_user("allrounder")
    for i in range(10):
        finish(grinder, 900 + 10 * i, NOW - timedelta(hours=20 - i))  # best 990
    for quiz in ("social-media", "milestones-2024", "mixed"):
        finish(allrounder, 600, NOW - timedelta(hours=30), quiz=quiz)
    overall = boards.get_board(BoardKind.OVERALL, "timed", now=NOW)
    assert names(overall) == ["allrounder", "grinder"]
    assert [r.score for r in overall.rows] == [1800, 990]
    assert overall.title == "Overall"
    assert names(quiz_board()) == ["grinder", "allrounder"]


def test_total_reached_at_is_when_the_total_last_changed(ctx: None) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    finish(ann, 500, NOW - timedelta(hours=5))
    finish(ann, 500, NOW - timedelta(hours=4), quiz="mixed")  # total 1000 at -4h
    finish(ann, 400, NOW - timedelta(hours=1))  # not a new best: total unchanged
    finish(bob, 1000, NOW - timedelta(hours=3))  # the same total, reached later
    overall = boards.get_board(BoardKind.OVERALL, "timed", now=NOW)
    assert [(r.username, r.score, r.reached_at) for r in overall.rows] == [
        ("ann", 1000, NOW - timedelta(hours=4)),
        ("bob", 1000, NOW - timedelta(hours=3)),
    ]


def test_daily_challenges_have_their_own_board_and_stay_out_of_the_totals(ctx: None) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    finish(ann, 3000, NOW - timedelta(hours=2), quiz="daily-2026-11-25")
    finish(bob, 2000, NOW - timedelta(hours=1), quiz="daily-2026-11-25")
    finish(bob, 100, NOW - timedelta(hours=1))
    finish(ann, 5000, NOW - timedelta(days=1), quiz="daily-2026-11-24")
    today = boards.get_board(BoardKind.DAILY, "timed", now=NOW)
    assert names(today) == ["ann", "bob"] and today.quiz_id == "daily-2026-11-25"
    assert today.title == "Daily challenge · 25 Nov 2026"
    assert [r.score for r in today.rows] == [3000, 2000]
    overall = boards.get_board(BoardKind.OVERALL, "timed", now=NOW)
    assert [(r.username, r.score) for r in overall.rows] == [("bob", 100)]
    weekly = db.session.scalars(select(BestScore.period).where(BestScore.quiz_id.like("daily-%")))
    assert set(weekly) == {"all"}


def test_weekly_board_counts_only_this_weeks_rounds(ctx: None) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    finish(ann, 5000, MONDAY - timedelta(minutes=1))  # Sunday night: last week
    finish(ann, 200, MONDAY + timedelta(hours=1))
    finish(bob, 300, MONDAY + timedelta(hours=2))
    finish(bob, 100, MONDAY + timedelta(hours=3), quiz="mixed")
    week = boards.get_board(BoardKind.WEEK, "timed", now=NOW)
    assert week.period == boards.period_of(NOW) == "2026-W48"
    assert [(r.username, r.score) for r in week.rows] == [("bob", 400), ("ann", 200)]
    overall = boards.get_board(BoardKind.OVERALL, "timed", now=NOW)
    assert [(r.username, r.score) for r in overall.rows] == [("ann", 5000), ("bob", 400)]
    next_week = boards.get_board(BoardKind.WEEK, "timed", now=NOW + timedelta(days=7))
    assert next_week.rows == ()


def test_period_of_uses_iso_weeks() -> None:
    assert boards.period_of(datetime(2026, 11, 22, 23, 59)) == "2026-W47"
    assert boards.period_of(datetime(2026, 11, 23, 0, 0)) == "2026-W48"
    assert boards.period_of(datetime(2027, 1, 1)) == "2026-W53"


@pytest.fixture
def thirty(ctx: None) -> list[int]:
    """Players p01..p30 whose rank is their number (p01 has the highest score)."""
    users = [make_user(f"p{n:02d}") for n in range(1, 31)]
    for n, user in enumerate(users, 1):
        finish(user, 10_000 - 100 * n, NOW - timedelta(hours=1))
    return users


def test_my_rank_outside_the_top_20_shows_two_above_and_two_below(thirty: list[int]) -> None:
    board = quiz_board(user_id=thirty[24])
    assert len(board.rows) == 20 and board.rows[-1].username == "p20"
    assert board.me is not None and (board.me.rank, board.me.username) == (25, "p25")
    assert [(r.rank, r.username) for r in board.around_me] == [
        (23, "p23"),
        (24, "p24"),
        (25, "p25"),
        (26, "p26"),
        (27, "p27"),
    ]


def test_my_rank_at_the_bottom_has_no_one_below(thirty: list[int]) -> None:
    board = quiz_board(user_id=thirty[29])
    assert [r.username for r in board.around_me] == ["p28", "p29", "p30"]
    assert board.around_me[-1].rank == 30


def test_my_rank_in_the_top_20_needs_no_neighbours(thirty: list[int]) -> None:
    board = quiz_board(user_id=thirty[4])
    assert board.me is not None and board.me.rank == 5
    assert board.around_me == ()


def test_neighbours_follow_the_tie_rules(ctx: None) -> None:
    users = [make_user(f"t{n:02d}") for n in range(1, 26)]
    for n, user in enumerate(users, 1):
        # Everyone on 500: the order is who got there first.
        finish(user, 500, NOW - timedelta(hours=100 - n))
    board = quiz_board(user_id=users[22])
    assert [(r.rank, r.username) for r in board.around_me] == [
        (21, "t21"),
        (22, "t22"),
        (23, "t23"),
        (24, "t24"),
        (25, "t25"),
    ]


def test_guests_practice_and_voided_rounds_never_reach_the_boards(ctx: None) -> None:
    ann = make_user("ann")
    finish(None, 9000, NOW, guest="guest-browser")
    finish(ann, 8000, NOW, ranked=False)
    finish(ann, 7000, NOW, voided=True)
    assert db.session.scalars(select(BestScore)).all() == []
    assert db.session.scalars(select(TotalScore)).all() == []


def aggregates() -> set[tuple[object, ...]]:
    bests = db.session.execute(
        select(
            BestScore.period,
            BestScore.quiz_id,
            BestScore.mode,
            BestScore.user_id,
            BestScore.score,
            BestScore.round_id,
            BestScore.reached_at,
            BestScore.hidden,
        )
    )
    totals = db.session.execute(
        select(
            TotalScore.period,
            TotalScore.mode,
            TotalScore.user_id,
            TotalScore.total,
            TotalScore.reached_at,
            TotalScore.hidden,
        )
    )
    return {("best", *row) for row in bests} | {("total", *row) for row in totals}


def test_rebuild_user_reproduces_the_incremental_rows(ctx: None) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    plays = [
        (ann, 300, 0, "social-media", "timed"),
        (ann, 500, 1, "mixed", "timed"),
        (ann, 500, 2, "social-media", "timed"),
        (ann, 700, 3, "social-media", "relaxed"),
        (ann, 400, 4, "daily-2026-11-20", "timed"),
        (ann, 900, 8, "social-media", "timed"),
        (ann, 100, 9, "milestones-2024", "timed"),
        (bob, 600, 5, "mixed", "timed"),
    ]
    for user, score, day, quiz, mode in plays:
        finish(user, score, datetime(2026, 11, 16, 9) + timedelta(days=day), quiz, mode)
    finish(ann, 2000, NOW, ranked=False)
    before = aggregates()
    assert len(before) == 19
    boards.rebuild_user(ann)
    boards.rebuild_user(bob)
    db.session.commit()
    assert aggregates() == before


def test_rebuild_user_drops_a_voided_round(ctx: None) -> None:
    ann = make_user("ann")
    finish(ann, 300, NOW - timedelta(hours=2))
    cheat = finish(ann, 9000, NOW - timedelta(hours=1))
    cheat.voided_at = NOW
    boards.rebuild_user(ann)
    db.session.commit()
    assert [r.score for r in quiz_board().rows] == [300]
    overall = boards.get_board(BoardKind.OVERALL, "timed", now=NOW, user_id=ann)
    assert overall.me is not None and overall.me.score == 300


def test_rebuild_user_keeps_a_hidden_player_hidden(ctx: None) -> None:
    ann = make_user("ann")
    finish(ann, 300, NOW)
    db.session.get(User, ann).is_hidden = True  # type: ignore[union-attr]
    boards.rebuild_user(ann)
    db.session.commit()
    assert quiz_board().rows == ()
    assert set(db.session.scalars(select(BestScore.hidden))) == {True}


def test_unknown_boards_are_refused(ctx: None) -> None:
    with pytest.raises(boards.UnknownBoard):
        boards.get_board("nope", "timed", now=NOW)  # type: ignore[arg-type]
    with pytest.raises(boards.UnknownBoard):
        boards.get_board(BoardKind.OVERALL, "speedy", now=NOW)
    with pytest.raises(boards.UnknownBoard):
        boards.get_board(BoardKind.QUIZ, "timed", now=NOW)


def test_two_rounds_finishing_at_once_both_count(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        ann = make_user("ann")
        ids = []
        for quiz in ("social-media", "mixed"):
            round_ = Round(
                public_id=secrets.token_urlsafe(12),
                user_id=ann,
                quiz_id=quiz,
                mode="timed",
                seed=1,
                size=10,
                score=400,
                finished_at=NOW,
            )
            db.session.add(round_)
            db.session.commit()
            ids.append(round_.id)
    fold = boards._fold

    def slow_fold(*args: Any) -> None:
        time.sleep(0.3)  # both requests would read the old rows, were they not queued
        fold(*args)

    monkeypatch.setattr(boards, "_fold", slow_fold)
    errors: list[BaseException] = []

    def finish_in_its_own_request(round_id: int) -> None:
        # A POST, as when the last "next" is pressed: SQLite begins with BEGIN IMMEDIATE.
        with app.test_request_context("/", method="POST"):
            try:
                round_ = db.session.get(Round, round_id)
                assert round_ is not None
                boards.record_finished_round(round_, NOW)
                db.session.commit()
            except BaseException as error:  # reported below, a thread cannot fail the test
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=finish_in_its_own_request, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        overall = boards.get_board(BoardKind.OVERALL, "timed", now=NOW)
        assert [(r.username, r.score) for r in overall.rows] == [("ann", 800)]
