"""A player's profile: round history, bests, accuracy per article section, daily streak."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, select

from ..bank import Catalog
from ..extensions import db
from ..models import QuestionSnapshot, Round, RoundQuestion
from .quizzes import quiz_title

PAGE_SIZE = 10
DAILY_PREFIX = "daily-"


@dataclass(frozen=True, slots=True)
class RoundLine:
    """One round in the history list."""

    public_id: str
    quiz_title: str
    mode: str
    score: int
    correct: int
    total: int
    started_at: datetime
    finished: bool
    voided: bool

    @property
    def accuracy(self) -> int:
        """Percentage of questions fully right (as on the results page)."""
        return round(100 * self.correct / self.total) if self.total else 0


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """One page of rounds, newest first; `page` is 1-based."""

    rounds: tuple[RoundLine, ...]
    page: int
    pages: int
    total: int

    @property
    def has_newer(self) -> bool:
        return self.page > 1

    @property
    def has_older(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True, slots=True)
class BestLine:
    """The player's best finished round on one quiz and mode."""

    quiz_title: str
    mode: str
    score: int
    public_id: str
    reached_at: datetime


@dataclass(frozen=True, slots=True)
class SectionAccuracy:
    """Right answers over answered questions drawn from one article section."""

    document_title: str
    section_title: str
    right: int
    answered: int

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.answered) if self.answered else 0


def title_of(catalog: Catalog, quiz_id: str) -> str:
    """The quiz's title; daily challenges are named by their date."""
    if quiz_id.startswith(DAILY_PREFIX):
        return f"Daily challenge {quiz_id.removeprefix(DAILY_PREFIX)}"
    return quiz_title(catalog, quiz_id)


def history(catalog: Catalog, user_id: int, page: int, per_page: int = PAGE_SIZE) -> HistoryPage:
    """The player's rounds, newest first; a page past the end shows the last one."""
    total = db.session.scalar(select(func.count(Round.id)).where(Round.user_id == user_id)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    query = (
        select(Round)
        .where(Round.user_id == user_id)
        .order_by(Round.started_at.desc(), Round.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    lines = tuple(
        RoundLine(
            public_id=r.public_id,
            quiz_title=title_of(catalog, r.quiz_id),
            mode=r.mode,
            score=r.score,
            correct=r.correct_count,
            total=r.size,
            started_at=r.started_at,
            finished=r.finished_at is not None,
            voided=r.voided_at is not None,
        )
        for r in db.session.scalars(query)
    )
    return HistoryPage(lines, page, pages, total)


def bests(catalog: Catalog, user_id: int) -> list[BestLine]:
    """The best finished, not voided round per quiz and mode; the earliest wins a tie."""
    rank = (
        func.row_number()
        .over(
            partition_by=(Round.quiz_id, Round.mode),
            order_by=(Round.score.desc(), Round.finished_at, Round.id),
        )
        .label("rank")
    )
    ranked = (
        select(Round.quiz_id, Round.mode, Round.score, Round.public_id, Round.finished_at, rank)
        .where(
            Round.user_id == user_id,
            Round.finished_at.is_not(None),
            Round.voided_at.is_(None),
            # A daily is one attempt at that day's round, not a quiz to improve on.
            Round.quiz_id.not_like(f"{DAILY_PREFIX}%"),
        )
        .subquery()
    )
    rows = db.session.execute(select(ranked).where(ranked.c.rank == 1)).all()
    lines = [
        BestLine(title_of(catalog, r.quiz_id), r.mode, r.score, r.public_id, r.finished_at)
        for r in rows
    ]
    return sorted(lines, key=lambda line: (line.quiz_title.casefold(), line.mode))


def section_accuracy(catalog: Catalog, user_id: int) -> list[SectionAccuracy]:
    """Accuracy per article section over every answered question, weakest first."""
    right = func.sum(case((RoundQuestion.result == "correct", 1), else_=0))
    query = (
        select(QuestionSnapshot.document, QuestionSnapshot.section, right, func.count())
        .select_from(RoundQuestion)
        .join(Round, Round.id == RoundQuestion.round_id)
        .join(
            QuestionSnapshot,
            and_(
                QuestionSnapshot.question_id == RoundQuestion.question_id,
                QuestionSnapshot.version == RoundQuestion.version,
            ),
        )
        .where(Round.user_id == user_id, RoundQuestion.answered_at.is_not(None))
        .group_by(QuestionSnapshot.document, QuestionSnapshot.section)
    )
    lines = [
        _section_line(catalog, document, section, int(hits or 0), int(answered))
        for document, section, hits, answered in db.session.execute(query)
    ]
    return sorted(lines, key=lambda s: (s.right / s.answered, -s.answered, s.section_title))


def _section_line(
    catalog: Catalog, document_id: str, section_id: str, right: int, answered: int
) -> SectionAccuracy:
    """A section's accuracy with its titles (the ids if the sources no longer list it)."""
    document = catalog.documents.get(document_id)
    section = document.section(section_id) if document else None
    return SectionAccuracy(
        document_title=document.title if document else document_id,
        section_title=section.title if section else section_id,
        right=right,
        answered=answered,
    )


def streak_length(days: Iterable[date], today: date) -> int:
    """Consecutive days ending today, or yesterday when today is not played yet."""
    played = set(days)
    day = today if today in played else today - timedelta(days=1)
    length = 0
    while day in played:
        length += 1
        day -= timedelta(days=1)
    return length


def daily_streak(user_id: int, now: datetime) -> int:
    """UTC days in a row, up to today or yesterday, on which the player finished a daily."""
    query = select(Round.finished_at).where(
        Round.user_id == user_id,
        Round.quiz_id.startswith(DAILY_PREFIX, autoescape=True),
        Round.finished_at.is_not(None),
        Round.voided_at.is_(None),
    )
    days = {finished.date() for finished in db.session.scalars(query) if finished is not None}
    return streak_length(days, now.date())


@dataclass(frozen=True)
class Profile:
    """Everything the profile page shows."""

    history: HistoryPage
    bests: list[BestLine]
    sections: list[SectionAccuracy]
    daily_streak: int


def load_profile(catalog: Catalog, user_id: int, page: int, now: datetime) -> Profile:
    """The profile page's data for one player at one moment."""
    return Profile(
        history=history(catalog, user_id, page),
        bests=bests(catalog, user_id),
        sections=section_accuracy(catalog, user_id),
        daily_streak=daily_streak(user_id, now),
    )
