"""Playing a round: start, serve, answer once, move on, finish. One commit per player action."""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Integer, bindparam, case, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..bank import Catalog, Question, QuestionType
from ..extensions import db
from ..game.grading import WRONG, grade
from ..game.rounds import draw_round, shuffle_choices
from ..game.scoring import TIMED_OUT, Mode, Points, is_timed_out, score_answer
from ..models import QuestionSnapshot, Round, RoundQuestion
from . import boards
from .numbers import small_number
from .quizzes import quiz_pool
from .snapshots import ensure_snapshots, question_from_snapshot

PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")  # token_urlsafe ids fit in rounds.public_id


class RoundNotFound(Exception):
    """No such round, or it belongs to someone else (both answer 404)."""


class UnknownQuiz(Exception):
    """The quiz asked for is not in the catalog."""


class InvalidAnswer(Exception):
    """The answer form was incomplete or malformed; nothing was stored."""


@dataclass(frozen=True, slots=True)
class Player:
    """Who is playing: a signed-in user, or a guest known by the browser's session."""

    user_id: int | None
    guest_id: str | None

    def owns(self, round_: Round) -> bool:
        """True when this player started the round."""
        if round_.user_id is not None:
            return round_.user_id == self.user_id
        return self.guest_id is not None and round_.guest_id == self.guest_id


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    """What happened to an answer: `recorded` is False for a repeat or a stale form."""

    recorded: bool
    result: str | None = None
    points: int = 0


def start_round(
    catalog: Catalog,
    player: Player,
    quiz_id: str,
    mode: Mode,
    size: int,
    time_limit: int,
    recent_rounds: int,
    rng: random.Random,
    now: datetime,
    *,
    seed: int | None = None,
    avoid_recent: bool = True,
    is_ranked: bool = True,
    draw_from: str | None = None,
) -> Round:
    """Draw and store a new round for the player (a fixed `seed` and pool for a shared round)."""
    pool = quiz_pool(catalog, draw_from or quiz_id)
    if pool is None:
        raise UnknownQuiz(quiz_id)
    seed = rng.getrandbits(63) if seed is None else seed
    draw_rng = random.Random(seed)
    recent = recent_question_ids(player, recent_rounds) if avoid_recent else set()
    questions = draw_round(pool, size, draw_rng, recent)
    round_ = Round(
        public_id=secrets.token_urlsafe(12),
        user_id=player.user_id,
        guest_id=None if player.user_id else player.guest_id,
        quiz_id=quiz_id,
        mode=str(mode),
        seed=seed,
        size=len(questions),
        is_ranked=is_ranked,
        started_at=now,
    )
    round_.items = [
        RoundQuestion(
            position=i,
            question_id=q.id,
            version=q.version,
            choice_order=list(shuffle_choices(q, draw_rng)),
            time_limit=(q.time_limit or time_limit) if mode is Mode.TIMED else None,
        )
        for i, q in enumerate(questions)
    ]
    ensure_snapshots(catalog, questions)
    db.session.add(round_)
    db.session.commit()
    return round_


def recent_question_ids(player: Player, rounds: int) -> set[str]:
    """Ids of the questions in the player's last few rounds."""
    if rounds <= 0 or (player.user_id is None and player.guest_id is None):
        return set()
    owner = (
        Round.user_id == player.user_id
        if player.user_id is not None
        else Round.guest_id == player.guest_id
    )
    last = select(Round.id).where(owner).order_by(Round.id.desc()).limit(rounds).scalar_subquery()
    query = select(RoundQuestion.question_id).where(RoundQuestion.round_id.in_(last))
    return set(db.session.scalars(query))


# Built once: the question on screen comes in the same query (a LEFT JOIN on the round's
# position), and a statement object reused keeps its cache key, so SQLAlchemy finds the
# compiled SQL without walking the statement again on every request.
_FIND_ROUND = (
    select(Round)
    .options(joinedload(Round.current))
    .where(Round.public_id == bindparam("public_id"))
)


def find_round(public_id: str, player: Player) -> Round:
    """The player's round with this id; RoundNotFound otherwise."""
    # Anything a round id can't be (a NUL byte, which PostgreSQL refuses, say) is not looked up.
    if not PUBLIC_ID.fullmatch(public_id):
        raise RoundNotFound(public_id)
    round_: Round | None = db.session.scalar(_FIND_ROUND, {"public_id": public_id})
    if round_ is None or not player.owns(round_):
        raise RoundNotFound(public_id)
    return round_


def current_item(round_: Round) -> RoundQuestion | None:
    """The question on screen, or None once every question is behind the player."""
    if round_.finished_at is not None or round_.position >= round_.size:
        return None
    return round_.current


def serve(item: RoundQuestion, now: datetime) -> None:
    """Record when the question was first shown; later views keep the first time."""
    if item.served_at is None:
        db.session.execute(
            update(RoundQuestion)
            .where(RoundQuestion.id == item.id, RoundQuestion.served_at.is_(None))
            .values(served_at=now)
        )
        db.session.commit()
        db.session.refresh(item)


def question_for(catalog: Catalog, item: RoundQuestion) -> Question:
    """The question exactly as it was served (the snapshot if the YAML changed since)."""
    question = catalog.questions.get(item.question_id)
    if question is not None and question.version == item.version:
        return question
    snapshot = db.session.get(QuestionSnapshot, (item.question_id, item.version))
    if snapshot is None:
        raise LookupError(f"no snapshot of {item.question_id}@{item.version}")
    return question_from_snapshot(snapshot)


def _picked_choices(item: RoundQuestion, picked: Sequence[str]) -> list[str]:
    """Choice texts for the submitted indices; InvalidAnswer for anything else."""
    texts = []
    for value in picked:
        index = small_number(value)
        if index is None or index >= len(item.choice_order):
            raise InvalidAnswer("That choice is not part of this question.")
        texts.append(item.choice_order[index])
    return sorted(set(texts), key=item.choice_order.index)


def _points_for(
    round_: Round,
    item: RoundQuestion,
    question: Question,
    picked: list[str],
    text: str,
    gave_up: bool,
    elapsed: float,
) -> tuple[str, float, Points]:
    """(result, fraction, points) for an answer."""
    mode = Mode(round_.mode)
    limit = float(item.time_limit or 0)
    if mode is Mode.TIMED and (is_timed_out(elapsed, limit) or gave_up):
        return "timeout", 0.0, TIMED_OUT
    graded = grade(question, picked, text) if (picked or text) else WRONG
    points = score_answer(mode, question.difficulty, graded, elapsed, limit, round_.streak)
    result = "correct" if graded.correct else ("partial" if graded.fraction > 0 else "wrong")
    return result, graded.fraction, points


MAX_ANSWER_LENGTH = 200


def submit_answer(
    catalog: Catalog,
    round_: Round,
    position: int,
    picked: Sequence[str],
    text: str,
    timed_out: bool,
    now: datetime,
    fast_floor: float = 0.0,
) -> AnswerOutcome:
    """Grade and store the answer to the question on screen, exactly once.

    An answer that arrives less than `fast_floor` seconds after the question was served is
    faster than anyone can read it: it is scored as usual but flagged for the admins.
    """
    item = current_item(round_)
    if item is None or item.position != position or item.answered_at is not None:
        return AnswerOutcome(recorded=False)
    if item.served_at is None:
        return AnswerOutcome(recorded=False)
    question = question_for(catalog, item)
    # A typed question takes text only, the others choices only: stray fields are ignored.
    typed = question.type is QuestionType.TYPED
    choices = [] if typed else _picked_choices(item, picked)
    text = text.strip() if typed else ""
    if len(text) > MAX_ANSWER_LENGTH:
        raise InvalidAnswer(f"That answer is too long: {MAX_ANSWER_LENGTH} characters at most.")
    if not typed and len(picked) > len(item.choice_order):
        raise InvalidAnswer("That choice is not part of this question.")
    # The card's own countdown posts `timed_out` when the clock ran out: that is a time-out.
    gave_up = timed_out and round_.mode == Mode.TIMED
    if not choices and not text and not gave_up:
        raise InvalidAnswer("Type your answer first." if typed else "Pick an answer first.")
    elapsed = max((now - item.served_at).total_seconds(), 0.0)
    result, fraction, points = _points_for(round_, item, question, choices, text, gave_up, elapsed)
    flagged = result != "timeout" and elapsed < fast_floor
    answer = {
        "answered_at": now,
        "result": result,
        "fraction": fraction,
        "points": points.total,
        "streak_bonus": points.streak_bonus,
        "elapsed_ms": int(elapsed * 1000),
        "response": {"picked": choices, "text": text},
        "flagged": flagged,
    }
    claimed: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        _CLAIM_ANSWER, {"item_id": item.id} | {f"new_{k}": v for k, v in answer.items()}
    )
    if claimed.rowcount != 1:  # another request answered it first
        db.session.rollback()
        return AnswerOutcome(recorded=False)
    totals = db.session.execute(
        _ADD_TO_ROUND,
        {
            "round_id": round_.id,
            "points": points.total,
            "right": 1 if result == "correct" else 0,
            "flags": 1 if flagged else 0,
            "new_streak": points.streak,
        },
    ).one()
    # Core statements leave the loaded objects alone: bring them up to date, as stored.
    for key, value in answer.items():
        set_committed_value(item, key, value)
    for key, value in totals._mapping.items():
        set_committed_value(round_, key, value)
    db.session.commit()
    return AnswerOutcome(recorded=True, result=result, points=points.total)


_ANSWER_COLUMNS = RoundQuestion.__table__.c
# Prebuilt Core statements (the answer is the hottest write): claim the question only if it
# is still unanswered, then add to the round's running totals in the database itself.
_CLAIM_ANSWER = (
    update(RoundQuestion.__table__)
    .where(_ANSWER_COLUMNS.id == bindparam("item_id"), _ANSWER_COLUMNS.answered_at.is_(None))
    .values(
        {
            name: bindparam(f"new_{name}", type_=_ANSWER_COLUMNS[name].type)
            for name in (
                "answered_at",
                "result",
                "fraction",
                "points",
                "streak_bonus",
                "elapsed_ms",
                "response",
                "flagged",
            )
        }
    )
)
_ROUND_COLUMNS = Round.__table__.c
_ADD_TO_ROUND = (
    update(Round.__table__)
    .where(_ROUND_COLUMNS.id == bindparam("round_id"))
    .values(
        score=_ROUND_COLUMNS.score + bindparam("points", type_=Integer),
        correct_count=_ROUND_COLUMNS.correct_count + bindparam("right", type_=Integer),
        flagged_count=_ROUND_COLUMNS.flagged_count + bindparam("flags", type_=Integer),
        streak=bindparam("new_streak", type_=Integer),
        best_streak=case(
            (
                _ROUND_COLUMNS.best_streak < bindparam("new_streak", type_=Integer),
                bindparam("new_streak", type_=Integer),
            ),
            else_=_ROUND_COLUMNS.best_streak,
        ),
    )
    .returning(
        _ROUND_COLUMNS.score,
        _ROUND_COLUMNS.correct_count,
        _ROUND_COLUMNS.flagged_count,
        _ROUND_COLUMNS.streak,
        _ROUND_COLUMNS.best_streak,
    )
)


def advance(round_: Round, position: int, now: datetime) -> None:
    """Move past an answered question; past the last one, the round is finished."""
    item = current_item(round_)
    if item is None or item.position != position or item.answered_at is None:
        return
    values: dict[str, object] = {"position": Round.position + 1}
    if position + 1 >= round_.size:
        values["finished_at"] = now
    moved: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        update(Round).where(Round.id == round_.id, Round.position == position).values(**values)
    )
    # Only the request that actually finished the round updates the boards, in its transaction.
    if "finished_at" in values and moved.rowcount == 1:
        boards.record_finished_round(round_, now)
    db.session.commit()
    db.session.refresh(round_)
