"""The daily challenge: one shared round a day, one ranked attempt each, a spoiler-free share."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, text

from ..bank import Catalog
from ..extensions import db
from ..game.rounds import daily_seed
from ..game.scoring import Mode
from ..models import Round
from . import boards
from .catalog import MIXED_ID
from .quizzes import quiz_title
from .rounds import Player, start_round

DAILY_SIZE = 5
SEED_BITS = (1 << 63) - 1  # rounds.seed is a signed 64-bit column
SQUARES = {"correct": "🟩", "timeout": "⬜"}  # anything else (wrong, partly right) is 🟥
WRONG_SQUARE = "🟥"


@dataclass(frozen=True, slots=True)
class DailyStatus:
    """Today's challenge as one player sees it: whether their ranked attempt is used up."""

    quiz_id: str
    title: str
    played: bool
    size: int = DAILY_SIZE


@dataclass(frozen=True, slots=True)
class DailyShare:
    """The share block of a finished daily round: squares only, never a question or answer."""

    quiz_id: str
    mode: str
    squares: str
    text: str
    ranked: bool
    rank: int | None


def has_ranked_attempt(player: Player, quiz_id: str) -> bool:
    """True once the player has started their one ranked attempt at this daily challenge."""
    if player.user_id is None and player.guest_id is None:
        return False
    owner = (
        Round.user_id == player.user_id
        if player.user_id is not None
        else (Round.guest_id == player.guest_id) & Round.user_id.is_(None)
    )
    attempt = exists().where(owner, Round.quiz_id == quiz_id, Round.is_ranked.is_(True))
    return bool(db.session.scalar(select(attempt)))


def daily_status(catalog: Catalog, player: Player, now: datetime) -> DailyStatus:
    """Today's challenge for the home card and the daily page."""
    quiz_id = boards.daily_quiz_id(now.date())
    return DailyStatus(quiz_id, quiz_title(catalog, quiz_id), has_ranked_attempt(player, quiz_id))


def _lock_attempts(player: Player) -> None:
    """Queue one player's daily starts so two quick taps cannot both become ranked."""
    # SQLite needs nothing: a writing request begins with BEGIN IMMEDIATE, one at a time.
    if db.session.get_bind().dialect.name != "postgresql":
        return
    owner = f"user:{player.user_id}" if player.user_id is not None else f"guest:{player.guest_id}"
    key = zlib.crc32(f"daily:{owner}".encode())
    db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def start_daily(
    catalog: Catalog, player: Player, mode: Mode, time_limit: int, now: datetime
) -> Round:
    """Start today's challenge: ranked on the player's first attempt of the day, practice after."""
    day = now.date()
    quiz_id = boards.daily_quiz_id(day)
    _lock_attempts(player)
    ranked = not has_ranked_attempt(player, quiz_id)
    seed = daily_seed(day) & SEED_BITS
    return start_round(
        catalog,
        player,
        quiz_id,
        mode,
        DAILY_SIZE,
        time_limit,
        0,
        random.Random(seed),
        now,
        seed=seed,
        avoid_recent=False,  # everyone gets the same questions, whatever they played before
        is_ranked=ranked,
        draw_from=MIXED_ID,
    )


def share_squares(results: list[str]) -> str:
    """One square per question: 🟩 right, 🟥 wrong or partly right, ⬜ time-out."""
    return "".join(SQUARES.get(result, WRONG_SQUARE) for result in results)


def share_text(title: str, mode: str, results: list[str], score: int, url: str) -> str:
    """The text a player pastes: title, squares, score and the daily page link."""
    right = results.count("correct")
    squares = share_squares(results)
    return f"{title} ({mode})\n{squares} {right}/{len(results)}\n{score} points\n{url}"


def share_for(catalog: Catalog, public_id: str, url: str, now: datetime) -> DailyShare | None:
    """The share block for a finished daily round (None for any other round)."""
    round_ = db.session.scalar(select(Round).where(Round.public_id == public_id))
    if round_ is None or round_.finished_at is None or not boards.is_daily(round_.quiz_id):
        return None
    results = [item.result or "timeout" for item in round_.items]
    title = quiz_title(catalog, round_.quiz_id)
    rank = None
    if round_.is_ranked and round_.user_id is not None:
        board = boards.get_board(
            boards.BoardKind.DAILY,
            round_.mode,
            now=now,
            quiz_id=round_.quiz_id,
            user_id=round_.user_id,
            limit=1,
        )
        rank = board.me.rank if board.me else None
    return DailyShare(
        quiz_id=round_.quiz_id,
        mode=round_.mode,
        squares=share_squares(results),
        text=share_text(title, round_.mode, results, round_.score, url),
        ranked=round_.is_ranked,
        rank=rank,
    )
