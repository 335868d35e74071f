"""The per-band counts as stored, and as recounted from best_scores and total_scores."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import BestScore, BoardCount, TotalScore
from quizapp.services.boards import BUCKET_WIDTH, TOTAL_BOARD

Bands = Counter[tuple[str, str, str, int]]


def recount() -> Bands:
    """Visible rows per board and band of BUCKET_WIDTH points, from the stored rows."""
    counts: Bands = Counter()
    bests = select(BestScore.period, BestScore.quiz_id, BestScore.mode, BestScore.score)
    for period, quiz, mode, score in db.session.execute(bests.where(BestScore.hidden.is_(False))):
        counts[(period, quiz, mode, score // BUCKET_WIDTH)] += 1
    totals = select(TotalScore.period, TotalScore.mode, TotalScore.total)
    for period, mode, total in db.session.execute(totals.where(TotalScore.hidden.is_(False))):
        counts[(period, TOTAL_BOARD, mode, total // BUCKET_WIDTH)] += 1
    return counts


def stored_counts() -> Bands:
    """The board_counts table, without its empty bands."""
    rows = db.session.execute(
        select(
            BoardCount.period, BoardCount.quiz_id, BoardCount.mode, BoardCount.bucket, BoardCount.n
        )
    )
    return Counter({(p, q, m, b): n for p, q, m, b, n in rows if n != 0})
