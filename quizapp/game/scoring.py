"""Turning a grade into points: speed-scaled base points plus a capped answer-streak bonus."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from quizapp.bank.model import Difficulty
from quizapp.game.grading import Grade


class Mode(StrEnum):
    TIMED = "timed"
    RELAXED = "relaxed"


BASE_POINTS = {Difficulty.EASY: 500, Difficulty.MEDIUM: 750, Difficulty.HARD: 1000}
DEFAULT_TIME_LIMIT = 20  # seconds
NETWORK_GRACE = 2.0  # seconds an answer may arrive after the limit, for slow connections
STREAK_STEP = 100
STREAK_CAP = 500


@dataclass(frozen=True)
class Points:
    """Points for one answer and the answer streak after it."""

    base: int
    streak_bonus: int
    streak: int
    timed_out: bool

    @property
    def total(self) -> int:
        """Base points plus streak bonus."""
        return self.base + self.streak_bonus


TIMED_OUT = Points(base=0, streak_bonus=0, streak=0, timed_out=True)


def is_timed_out(elapsed: float, limit: float) -> bool:
    """Whether an answer arrived too late, even allowing for the network grace period."""
    return elapsed > limit + NETWORK_GRACE


def score_answer(
    mode: Mode,
    difficulty: Difficulty,
    grade: Grade,
    elapsed: float,
    limit: float,
    streak_before: int,
) -> Points:
    """Points for a graded answer in the given mode, and the streak it leaves."""
    full = BASE_POINTS[difficulty]
    streak = streak_before + 1 if grade.correct else 0
    if mode is Mode.RELAXED:
        # Relaxed play has no clock and no bonus; the streak is still shown to the player.
        return Points(_round_half_up(full * grade.fraction), 0, streak, timed_out=False)
    if limit <= 0:
        raise ValueError(f"time limit must be positive, got {limit}")
    if is_timed_out(elapsed, limit):
        return TIMED_OUT
    base = _round_half_up(_speed_points(full, elapsed, limit) * grade.fraction)
    return Points(base, streak_bonus(streak), streak, timed_out=False)


def _speed_points(full: int, elapsed: float, limit: float) -> int:
    """Full points for an instant answer sliding to half at the limit (Kahoot's rule)."""
    # Answers inside the grace period score as if given exactly at the limit.
    t = min(max(elapsed, 0.0), limit)
    return _round_half_up(full * (1 - t / (2 * limit)))


def streak_bonus(streak: int) -> int:
    """Bonus for a streak of `streak` right answers: nothing for the first, then +100 each."""
    return max(0, min(STREAK_STEP * (streak - 1), STREAK_CAP))


def _round_half_up(value: float) -> int:
    """Round a non-negative value to the nearest integer, halves upwards."""
    # Python's round() is half-to-even (562.5 -> 562); players expect 563.
    return math.floor(value + 0.5)
