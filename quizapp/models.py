"""Database tables: players, rounds, the questions served in them, and question snapshots."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db, login_manager


def utcnow() -> datetime:
    """The current time in UTC as a naive datetime (how every column stores time)."""
    return datetime.now(UTC).replace(tzinfo=None)


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(20))
    username_key: Mapped[str] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    session_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    rounds: Mapped[list[Round]] = relationship(back_populates="user")

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session and the remember cookie, with the session
        version: bumping the version (log out everywhere, new password) voids every old one."""
        return f"{self.id}:{self.session_version}"


class Round(db.Model):  # type: ignore[name-defined,misc]
    """One play of a quiz; `position` is the index of the question on screen."""

    __tablename__ = "rounds"
    __table_args__ = (
        Index("ix_rounds_guest", "guest_id"),
        Index("ix_rounds_user", "user_id", "quiz_id", "mode"),
        Index("ix_rounds_finished", "finished_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    guest_id: Mapped[str | None] = mapped_column(String(32))
    quiz_id: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(10))
    seed: Mapped[int] = mapped_column(BigInteger)
    size: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    score: Mapped[int] = mapped_column(default=0)
    correct_count: Mapped[int] = mapped_column(default=0)
    streak: Mapped[int] = mapped_column(default=0)
    best_streak: Mapped[int] = mapped_column(default=0)
    is_ranked: Mapped[bool] = mapped_column(default=True)
    flagged_count: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship(back_populates="rounds")
    items: Mapped[list[RoundQuestion]] = relationship(
        back_populates="round", order_by="RoundQuestion.position", cascade="all, delete-orphan"
    )
    # The question at `position` alone (read-only): the card needs it, not all ten.
    current: Mapped[RoundQuestion | None] = relationship(
        primaryjoin="and_(Round.id == foreign(RoundQuestion.round_id), "
        "Round.position == foreign(RoundQuestion.position))",
        viewonly=True,
        uselist=False,
    )


class RoundQuestion(db.Model):  # type: ignore[name-defined,misc]
    """A question in a round, with the answer once given (answered_at set exactly once)."""

    __tablename__ = "round_questions"
    __table_args__ = (
        UniqueConstraint("round_id", "position"),
        Index("ix_round_questions_question", "question_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_id: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(12))
    choice_order: Mapped[list[str]] = mapped_column(JSON)
    time_limit: Mapped[int | None]
    served_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[str | None] = mapped_column(String(10))
    fraction: Mapped[float] = mapped_column(default=0.0)
    points: Mapped[int] = mapped_column(default=0)
    streak_bonus: Mapped[int] = mapped_column(default=0)
    elapsed_ms: Mapped[int | None]
    flagged: Mapped[bool] = mapped_column(default=False)

    round: Mapped[Round] = relationship(back_populates="items")


class QuestionSnapshot(db.Model):  # type: ignore[name-defined,misc]
    """A question as it was at one version, so old rounds review correctly after edits."""

    __tablename__ = "question_snapshots"

    question_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[str] = mapped_column(String(12), primary_key=True)
    bank_id: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(10))
    difficulty: Mapped[str] = mapped_column(String(10))
    prompt: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[str]] = mapped_column(JSON)
    correct: Mapped[list[str]] = mapped_column(JSON)
    accepted: Mapped[list[str]] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text)
    document: Mapped[str] = mapped_column(String(40))
    section: Mapped[str] = mapped_column(String(40))
    source_label: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BestScore(db.Model):  # type: ignore[name-defined,misc]
    """A player's best ranked round on one quiz and mode, all-time or within one ISO week.

    Maintained when a round finishes, so a board is one indexed range scan whatever the
    number of rounds and answers stored. `hidden` mirrors the player's flag for the index.
    """

    __tablename__ = "best_scores"
    __table_args__ = (UniqueConstraint("period", "quiz_id", "mode", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10))
    quiz_id: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    score: Mapped[int]
    reached_at: Mapped[datetime]
    hidden: Mapped[bool] = mapped_column(default=False)


class TotalScore(db.Model):  # type: ignore[name-defined,misc]
    """A player's bests summed over every quiz (dailies excluded), per period and mode."""

    __tablename__ = "total_scores"
    __table_args__ = (UniqueConstraint("period", "mode", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10))
    mode: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    total: Mapped[int]
    reached_at: Mapped[datetime]
    hidden: Mapped[bool] = mapped_column(default=False)


# A board in its own order (best first, ties to whoever got there first): the top 20 is the
# first entries of one range, and a player's neighbours the entries on either side of theirs.
Index(
    "ix_best_scores_board",
    BestScore.period,
    BestScore.quiz_id,
    BestScore.mode,
    BestScore.hidden,
    BestScore.score.desc(),
    BestScore.reached_at,
    BestScore.user_id,
)
Index(
    "ix_total_scores_board",
    TotalScore.period,
    TotalScore.mode,
    TotalScore.hidden,
    TotalScore.total.desc(),
    TotalScore.reached_at,
    TotalScore.user_id,
)


class BoardCount(db.Model):  # type: ignore[name-defined,misc]
    """How many visible players one board has in one coarse band of scores.

    A board is (period, quiz_id, mode); quiz_id is "*" for the totals boards. `bucket` is
    score // BUCKET_WIDTH (services/boards.py). Kept in step with best_scores and total_scores
    in the same transaction, so "my rank" adds up the bands above a player and counts index
    entries only inside the player's own band.
    """

    __tablename__ = "board_counts"

    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    quiz_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    mode: Mapped[str] = mapped_column(String(10), primary_key=True)
    bucket: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(default=0)


class AuditEntry(db.Model):  # type: ignore[name-defined,misc]
    """One admin action: who did what to whom, and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    target_round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"))
    details: Mapped[str] = mapped_column(Text, default="")


_USER_BY_ID = select(User).where(User.id == bindparam("id"))  # built once: runs on every request


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in user for Flask-Login; None for an unknown id or an outdated version."""
    number, _, version = user_id.partition(":")
    if not number.isdigit() or not version.isdigit():
        return None
    user = db.session.scalar(_USER_BY_ID, {"id": int(number)})
    return user if user is not None and user.session_version == int(version) else None
