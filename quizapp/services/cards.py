"""What the question card and the results page show, built from a round and its snapshots."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, tuple_

from ..bank import Catalog, Question
from ..extensions import db
from ..models import QuestionSnapshot, Round, RoundQuestion, User
from .quizzes import quiz_title
from .rounds import question_for
from .snapshots import question_from_snapshot


@dataclass(frozen=True, slots=True)
class ChoiceView:
    """One choice; `right` is only ever set once the question is answered."""

    index: int
    text: str
    right: bool = False
    picked: bool = False


@dataclass(frozen=True)
class CardView:
    round_id: str
    quiz_title: str
    mode: str
    position: int
    total: int
    score: int
    streak: int
    question: Question
    choices: tuple[ChoiceView, ...]
    time_limit: int | None
    seconds_left: float | None
    answered: bool
    result: str | None = None
    points: int = 0
    streak_bonus: int = 0
    typed_answer: str = ""
    answer_text: str = ""
    source_label: str = ""

    @property
    def number(self) -> int:
        """1-based number of the question on screen."""
        return self.position + 1

    @property
    def is_last(self) -> bool:
        return self.number >= self.total


def card_view(catalog: Catalog, round_: Round, item: RoundQuestion, now: datetime) -> CardView:
    """The card for the question on screen, with feedback once it is answered."""
    question = question_for(catalog, item)
    answered = item.answered_at is not None
    response = item.response or {}
    picked = set(response.get("picked", []))
    choices = tuple(
        ChoiceView(i, text, answered and text in question.correct, answered and text in picked)
        for i, text in enumerate(item.choice_order)
    )
    seconds_left = None
    if item.time_limit and not answered:
        served = item.served_at or now
        seconds_left = max(item.time_limit - (now - served).total_seconds(), 0.0)
    base = CardView(
        round_id=round_.public_id,
        quiz_title=quiz_title(catalog, round_.quiz_id),
        mode=round_.mode,
        position=item.position,
        total=round_.size,
        score=round_.score,
        streak=round_.streak,
        question=question,
        choices=choices,
        time_limit=item.time_limit,
        seconds_left=seconds_left,
        answered=answered,
    )
    if not answered:
        return base
    return replace(
        base,
        result=item.result,
        points=item.points,
        streak_bonus=item.streak_bonus,
        typed_answer=str(response.get("text", "")),
        answer_text=question.answer_text,
        source_label=catalog.source_label(question.source),
    )


@dataclass(frozen=True, slots=True)
class ReviewItem:
    number: int
    prompt: str
    result: str
    your_answer: str
    right_answer: str
    explanation: str
    source_label: str
    points: int
    retired: bool


@dataclass(frozen=True)
class RoundSummary:
    round_id: str
    quiz_id: str
    quiz_title: str
    mode: str
    score: int
    correct: int
    total: int
    total_seconds: float
    best_streak: int
    items: tuple[ReviewItem, ...]
    personal_best: int | None

    @property
    def accuracy(self) -> int:
        """Percentage of questions fully right."""
        return round(100 * self.correct / self.total) if self.total else 0


def _your_answer(item: RoundQuestion) -> str:
    response = item.response or {}
    if item.result == "timeout" or not response:
        return "No answer"
    return ", ".join(response.get("picked") or []) or str(response.get("text", ""))


def summarize(catalog: Catalog, round_: Round, user: User | None) -> RoundSummary:
    """Score, accuracy, time and a review of every question, read from snapshots."""
    keys = [(i.question_id, i.version) for i in round_.items]
    key = tuple_(QuestionSnapshot.question_id, QuestionSnapshot.version)
    snapshots = {
        (s.question_id, s.version): s
        for s in db.session.scalars(select(QuestionSnapshot).where(key.in_(keys)))
    }
    review = []
    for item in round_.items:
        snapshot = snapshots[(item.question_id, item.version)]
        question = question_from_snapshot(snapshot)
        current = catalog.questions.get(item.question_id)
        review.append(
            ReviewItem(
                number=item.position + 1,
                prompt=question.prompt,
                result=item.result or "unanswered",
                your_answer=_your_answer(item),
                right_answer=question.answer_text,
                explanation=question.explanation,
                source_label=snapshot.source_label,
                points=item.points,
                retired=current is None or current.version != item.version,
            )
        )
    return RoundSummary(
        round_id=round_.public_id,
        quiz_id=round_.quiz_id,
        quiz_title=quiz_title(catalog, round_.quiz_id),
        mode=round_.mode,
        score=round_.score,
        correct=round_.correct_count,
        total=len(round_.items),
        total_seconds=sum((i.elapsed_ms or 0) for i in round_.items) / 1000,
        best_streak=round_.best_streak,
        items=tuple(review),
        personal_best=_personal_best(round_, user),
    )


def _personal_best(round_: Round, user: User | None) -> int | None:
    """The signed-in player's best finished score on this quiz and mode."""
    if user is None:
        return None
    query = select(db.func.max(Round.score)).where(
        Round.user_id == user.id,
        Round.quiz_id == round_.quiz_id,
        Round.mode == round_.mode,
        Round.finished_at.is_not(None),
    )
    best = db.session.scalar(query)
    return int(best) if best is not None else None
