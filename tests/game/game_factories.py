"""Small builders for Question objects used by the game-rules tests."""

from __future__ import annotations

from collections.abc import Iterable

from quizapp.bank.model import TRUE_FALSE_CHOICES, Difficulty, Question, QuestionType, SourceRef


def make_question(
    qid: str = "q1",
    *,
    type: QuestionType = QuestionType.SINGLE,
    choices: Iterable[str] = ("A", "B", "C", "D"),
    correct: Iterable[str] = ("A",),
    accepted: Iterable[str] = (),
    section: str = "s1",
    document: str = "doc",
    difficulty: Difficulty = Difficulty.EASY,
) -> Question:
    """A question with sensible defaults; override only what a test cares about."""
    return Question(
        id=qid,
        bank_id="bank",
        type=type,
        prompt=f"Prompt for {qid}?",
        choices=tuple(choices),
        correct=frozenset(correct),
        accepted=tuple(accepted),
        explanation="Because.",
        source=SourceRef(document=document, section=section),
        difficulty=difficulty,
    )


def typed(*accepted: str, qid: str = "t1") -> Question:
    """A typed-answer question accepting these answers (first is canonical)."""
    return make_question(qid, type=QuestionType.TYPED, choices=(), correct=(), accepted=accepted)


def truefalse(answer: bool, qid: str = "tf1") -> Question:
    """A true/false question whose right answer is `answer`."""
    return make_question(
        qid, type=QuestionType.TRUEFALSE, choices=TRUE_FALSE_CHOICES, correct=(str(answer),)
    )


def multi(choices: Iterable[str], correct: Iterable[str], qid: str = "m1") -> Question:
    """A multi-select question."""
    return make_question(qid, type=QuestionType.MULTI, choices=choices, correct=correct)


DIFFICULTIES = (Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD)


def sectioned_pool(sections: int, per_section: int) -> list[Question]:
    """sections x per_section questions, difficulties cycling easy/medium/hard in each section."""
    return [
        make_question(
            f"s{s:02d}-q{i}",
            section=f"sec{s:02d}",
            difficulty=DIFFICULTIES[i % len(DIFFICULTIES)],
        )
        for s in range(sections)
        for i in range(per_section)
    ]
