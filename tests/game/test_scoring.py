"""Scoring: Kahoot-style speed points, capped streak bonus, relaxed mode without a clock."""

from __future__ import annotations

import pytest

from quizapp.bank.model import Difficulty
from quizapp.game.grading import Grade
from quizapp.game.scoring import (
    BASE_POINTS,
    DEFAULT_TIME_LIMIT,
    NETWORK_GRACE,
    Mode,
    Points,
    is_timed_out,
    score_answer,
    streak_bonus,
)

EASY, MEDIUM, HARD = Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD
RIGHT, WRONG = Grade(1.0), Grade(0.0)


def timed(
    grade: Grade = RIGHT,
    *,
    difficulty: Difficulty = EASY,
    elapsed: float = 0.0,
    limit: float = DEFAULT_TIME_LIMIT,
    streak_before: int = 0,
) -> Points:
    return score_answer(Mode.TIMED, difficulty, grade, elapsed, limit, streak_before)


def test_constants() -> None:
    assert BASE_POINTS == {EASY: 500, MEDIUM: 750, HARD: 1000}
    assert DEFAULT_TIME_LIMIT == 20
    assert NETWORK_GRACE == 2.0
    assert Mode("timed") is Mode.TIMED and Mode("relaxed") is Mode.RELAXED


@pytest.mark.parametrize(
    ("difficulty", "elapsed", "limit", "base"),
    [
        (EASY, 0.0, 20, 500),  # instant: full points
        (MEDIUM, 0.0, 20, 750),
        (HARD, 0.0, 20, 1000),
        (HARD, -1.0, 20, 1000),  # clock skew never earns more than full points
        (HARD, 5.0, 20, 875),
        (EASY, 10.0, 20, 375),
        (MEDIUM, 10.0, 20, 563),  # 562.5 rounds half-up, not to even
        (HARD, 10.0, 20, 750),
        (EASY, 20.0, 20, 250),  # at the limit: half points
        (MEDIUM, 20.0, 20, 375),
        (HARD, 20.0, 20, 500),
        (HARD, 21.0, 20, 500),  # inside the network grace: still half points
        (HARD, 22.0, 20, 500),  # grace boundary is inclusive
        (EASY, 3.0, 10, 425),
        (HARD, 30.0, 30, 500),
    ],
)
def test_speed_points(difficulty: Difficulty, elapsed: float, limit: float, base: int) -> None:
    points = timed(difficulty=difficulty, elapsed=elapsed, limit=limit)
    assert points.base == base
    assert points.timed_out is False


@pytest.mark.parametrize("elapsed", [22.01, 25.0, 600.0])
def test_past_the_grace_is_a_timeout(elapsed: float) -> None:
    points = timed(difficulty=HARD, elapsed=elapsed, streak_before=4)
    assert points == Points(base=0, streak_bonus=0, streak=0, timed_out=True)
    assert points.total == 0


@pytest.mark.parametrize(
    ("elapsed", "limit", "expected"),
    [(20.0, 20, False), (22.0, 20, False), (22.001, 20, True), (12.5, 10, True)],
)
def test_is_timed_out(elapsed: float, limit: float, expected: bool) -> None:
    assert is_timed_out(elapsed, limit) is expected


@pytest.mark.parametrize(
    ("streak_before", "bonus"),
    [(0, 0), (1, 100), (2, 200), (3, 300), (4, 400), (5, 500), (6, 500), (7, 500), (40, 500)],
)
def test_streak_bonus_grows_then_caps(streak_before: int, bonus: int) -> None:
    points = timed(difficulty=EASY, elapsed=0.0, streak_before=streak_before)
    assert points.streak == streak_before + 1
    assert points.streak_bonus == bonus
    assert points.total == 500 + bonus
    assert streak_bonus(streak_before + 1) == bonus


def test_wrong_answer_resets_the_streak() -> None:
    assert timed(WRONG, streak_before=5) == Points(0, 0, 0, timed_out=False)


def test_partial_multi_credit_earns_points_but_breaks_the_streak() -> None:
    points = timed(Grade(0.5), difficulty=MEDIUM, elapsed=0.0, streak_before=3)
    assert points == Points(base=375, streak_bonus=0, streak=0, timed_out=False)


def test_partial_credit_applies_to_speed_points() -> None:
    # Speed points 750 (hard at half time), then two thirds of those.
    assert timed(Grade(0.67), difficulty=HARD, elapsed=10.0).base == 503  # 502.5 half-up


def test_a_streak_of_answers() -> None:
    streak, totals = 0, []
    for grade in [RIGHT, RIGHT, RIGHT, WRONG, RIGHT]:
        points = timed(grade, difficulty=EASY, elapsed=0.0, streak_before=streak)
        streak = points.streak
        totals.append(points.total)
    assert totals == [500, 600, 700, 0, 500]


@pytest.mark.parametrize("elapsed", [0.0, 19.0, 500.0])
def test_relaxed_ignores_time_and_gives_no_bonus(elapsed: float) -> None:
    points = score_answer(Mode.RELAXED, HARD, RIGHT, elapsed, DEFAULT_TIME_LIMIT, 6)
    assert points == Points(base=1000, streak_bonus=0, streak=7, timed_out=False)


@pytest.mark.parametrize(
    ("difficulty", "grade", "base", "streak"),
    [
        (EASY, RIGHT, 500, 3),
        (MEDIUM, RIGHT, 750, 3),
        (MEDIUM, Grade(0.33), 248, 0),  # 247.5 half-up
        (HARD, Grade(0.5), 500, 0),
        (HARD, WRONG, 0, 0),
    ],
)
def test_relaxed_points(difficulty: Difficulty, grade: Grade, base: int, streak: int) -> None:
    points = score_answer(Mode.RELAXED, difficulty, grade, 0.0, DEFAULT_TIME_LIMIT, 2)
    assert (points.base, points.streak_bonus, points.streak) == (base, 0, streak)


def test_timed_mode_needs_a_positive_limit() -> None:
    with pytest.raises(ValueError):
        timed(limit=0)
