"""What admins see and do: players, their rounds and answers, hiding cheaters, the audit log."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import CursorResult, Select, false, func, select, update
from sqlalchemy.orm import aliased

from ..bank import Catalog
from ..extensions import db
from ..models import AuditEntry, QuestionSnapshot, Round, RoundQuestion, User
from . import boards
from .quizzes import quiz_title

PER_PAGE = 25
T = TypeVar("T")


class PlayerNotFound(LookupError):
    """No player with that id."""


class RoundNotFound(LookupError):
    """No round with that id."""


class CannotHideSelf(Exception):
    """An admin tried to hide their own account."""


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list."""

    items: tuple[T, ...]
    number: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


@dataclass(frozen=True, slots=True)
class PlayerRow:
    id: int
    username: str
    is_hidden: bool
    is_admin: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RoundRow:
    id: int
    quiz_id: str
    quiz_title: str
    mode: str
    score: int
    correct: int
    size: int
    started_at: datetime
    finished_at: datetime | None
    is_ranked: bool
    voided_at: datetime | None


@dataclass(frozen=True)
class PlayerDetail:
    player: PlayerRow
    rounds: Page[RoundRow]


@dataclass(frozen=True, slots=True)
class AnswerRow:
    number: int
    question_id: str
    version: str
    prompt: str
    given: str
    result: str
    points: int
    elapsed_ms: int | None
    flagged: bool


@dataclass(frozen=True)
class RoundDetail:
    round: RoundRow
    player: PlayerRow | None
    answers: tuple[AnswerRow, ...]


@dataclass(frozen=True, slots=True)
class VisibilityChanged:
    """The outcome of hide/unhide; `changed` is False when the player already was that way."""

    player: PlayerRow
    hidden: bool
    changed: bool


@dataclass(frozen=True, slots=True)
class AuditRow:
    at: datetime
    admin: str
    action: str
    target: str
    target_user_id: int | None
    details: str


@dataclass(frozen=True, slots=True)
class Overview:
    players: int
    hidden: int
    finished_rounds: int
    answers: int


def _paginate(
    query: Select[*tuple[Any, ...]], number: int, per_page: int
) -> tuple[Sequence[Any], int, int, int]:
    """(rows, page number clamped to the last page, pages, total) for a select."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(math.ceil((total or 0) / per_page), 1)
    number = min(number, pages)
    rows = db.session.execute(query.limit(per_page).offset((number - 1) * per_page)).all()
    return rows, number, pages, total or 0


def _player_row(user: User) -> PlayerRow:
    return PlayerRow(user.id, user.username, user.is_hidden, user.is_admin, user.created_at)


def _round_row(catalog: Catalog, round_: Round) -> RoundRow:
    return RoundRow(
        id=round_.id,
        quiz_id=round_.quiz_id,
        quiz_title=quiz_title(catalog, round_.quiz_id),
        mode=round_.mode,
        score=round_.score,
        correct=round_.correct_count,
        size=round_.size,
        started_at=round_.started_at,
        finished_at=round_.finished_at,
        is_ranked=round_.is_ranked,
        voided_at=round_.voided_at,
    )


def overview() -> Overview:
    """A few totals for the dashboard."""
    count = func.count()
    return Overview(
        players=db.session.scalar(select(count).select_from(User)) or 0,
        hidden=db.session.scalar(select(count).where(User.is_hidden.is_(True))) or 0,
        finished_rounds=db.session.scalar(select(count).where(Round.finished_at.is_not(None))) or 0,
        answers=db.session.scalar(select(count).where(RoundQuestion.answered_at.is_not(None))) or 0,
    )


def search_players(text: str, number: int, per_page: int = PER_PAGE) -> Page[PlayerRow]:
    """Players whose username contains the text (any case), alphabetically."""
    query = select(User).order_by(User.username_key, User.id)
    if "\x00" in text:  # no username holds a NUL byte, and PostgreSQL refuses one in a query
        query = query.where(false())
    elif text.strip():
        query = query.where(User.username_key.contains(text.strip().lower(), autoescape=True))
    rows, number, pages, total = _paginate(query, number, per_page)
    return Page(tuple(_player_row(row[0]) for row in rows), number, pages, total)


def find_player(user_id: int) -> PlayerRow:
    """The player with this id; PlayerNotFound otherwise."""
    user = db.session.get(User, user_id)
    if user is None:
        raise PlayerNotFound(user_id)
    return _player_row(user)


def player_detail(catalog: Catalog, user_id: int, number: int) -> PlayerDetail:
    """The player and one page of their rounds, newest first."""
    player = find_player(user_id)
    query = select(Round).where(Round.user_id == user_id).order_by(Round.id.desc())
    rows, number, pages, total = _paginate(query, number, PER_PAGE)
    rounds = tuple(_round_row(catalog, row[0]) for row in rows)
    return PlayerDetail(player, Page(rounds, number, pages, total))


def given_answer(response: dict[str, Any] | None, result: str | None) -> str:
    """What the player answered, as text."""
    if result == "timeout" or not response:
        return "No answer"
    return ", ".join(response.get("picked") or []) or str(response.get("text", "")) or "No answer"


def round_detail(catalog: Catalog, round_id: int) -> RoundDetail:
    """A round with every answer and the prompt as it was served."""
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    query = (
        select(RoundQuestion, QuestionSnapshot.prompt)
        .outerjoin(
            QuestionSnapshot,
            (QuestionSnapshot.question_id == RoundQuestion.question_id)
            & (QuestionSnapshot.version == RoundQuestion.version),
        )
        .where(RoundQuestion.round_id == round_id)
        .order_by(RoundQuestion.position)
    )
    answers = tuple(
        AnswerRow(
            number=item.position + 1,
            question_id=item.question_id,
            version=item.version,
            prompt=prompt or "(question text not stored)",
            given=given_answer(item.response, item.result) if item.answered_at else "",
            result=item.result or "unanswered",
            points=item.points,
            elapsed_ms=item.elapsed_ms,
            flagged=item.flagged,
        )
        for item, prompt in db.session.execute(query)
    )
    player = _player_row(round_.user) if round_.user is not None else None
    return RoundDetail(_round_row(catalog, round_), player, answers)


def set_player_hidden(
    admin_id: int, user_id: int, hidden: bool, now: datetime
) -> VisibilityChanged:
    """Hide a player from (or show them on) every leaderboard, with an audit entry."""
    player = find_player(user_id)
    if hidden and user_id == admin_id:
        raise CannotHideSelf(user_id)
    # Only the request that flips the flag records it, even if two admins click at once.
    flipped: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        update(User).where(User.id == user_id, User.is_hidden != hidden).values(is_hidden=hidden)
    )
    if flipped.rowcount != 1:
        db.session.rollback()
        return VisibilityChanged(player, hidden, changed=False)
    boards.set_hidden(user_id, hidden)
    action = "hide_player" if hidden else "unhide_player"
    shown = "hidden from" if hidden else "shown again on"
    details = f"{player.username} {shown} every leaderboard"
    db.session.add(
        AuditEntry(
            at=now, admin_id=admin_id, action=action, target_user_id=user_id, details=details
        )
    )
    db.session.commit()
    return VisibilityChanged(find_player(user_id), hidden, changed=True)


def audit_page(number: int, per_page: int = PER_PAGE) -> Page[AuditRow]:
    """The audit log, newest first."""
    admin, target = aliased(User), aliased(User)
    query = (
        select(AuditEntry, admin.username, target.username)
        .outerjoin(admin, admin.id == AuditEntry.admin_id)
        .outerjoin(target, target.id == AuditEntry.target_user_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    rows, number, pages, total = _paginate(query, number, per_page)
    items = tuple(
        AuditRow(
            at=entry.at,
            admin=admin_name or "(deleted account)",
            action=entry.action,
            target=target_name or ("(deleted account)" if entry.target_user_id else "—"),
            target_user_id=entry.target_user_id,
            details=entry.details,
        )
        for entry, admin_name, target_name in rows
    )
    return Page(items, number, pages, total)


SUSPICIOUS_FLAGS = 3  # flagged (too fast) answers that put a round on the suspicious list


@dataclass(frozen=True, slots=True)
class SuspiciousRound:
    round: RoundRow
    username: str | None
    flagged: int


@dataclass(frozen=True, slots=True)
class RoundVoided:
    """The outcome of voiding; `changed` is False when the round already was void."""

    round_id: int
    changed: bool


def suspicious_rounds(catalog: Catalog, number: int) -> Page[SuspiciousRound]:
    """Rounds with several answers faster than anyone can read, not voided yet, newest first."""
    query = (
        select(Round)
        .where(Round.flagged_count >= SUSPICIOUS_FLAGS, Round.voided_at.is_(None))
        .order_by(Round.id.desc())
    )
    rows, number, pages, total = _paginate(query, number, PER_PAGE)
    items = tuple(
        SuspiciousRound(
            _round_row(catalog, round_),
            round_.user.username if round_.user is not None else None,
            round_.flagged_count,
        )
        for (round_,) in rows
    )
    return Page(items, number, pages, total)


def void_round(admin_id: int, round_id: int, now: datetime) -> RoundVoided:
    """Void a round: its points leave every leaderboard; the action is audit-logged."""
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    flipped: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        update(Round).where(Round.id == round_id, Round.voided_at.is_(None)).values(voided_at=now)
    )
    if flipped.rowcount != 1:
        db.session.rollback()
        return RoundVoided(round_id, changed=False)
    if round_.user_id is not None:
        boards.rebuild_user(round_.user_id)
    details = f"round {round_id} ({round_.quiz_id}, {round_.mode}, {round_.score} points) voided"
    db.session.add(
        AuditEntry(
            at=now,
            admin_id=admin_id,
            action="void_round",
            target_user_id=round_.user_id,
            target_round_id=round_id,
            details=details,
        )
    )
    db.session.commit()
    return RoundVoided(round_id, changed=True)
