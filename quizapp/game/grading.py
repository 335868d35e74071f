"""Grading a player's answer against a question: exact for choices, typo-tolerant for text."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from quizapp.bank.model import Question, QuestionType

# (minimum normalised answer length, edits forgiven), longest first.
_TYPO_ALLOWANCE = ((12, 2), (6, 1))

# Punctuation (incl. hyphens and dashes), separators, and control/format characters such as
# zero-width spaces: none of them changes which name a player meant.
_DROPPED_CATEGORIES = ("P", "Z", "C")

_CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.TRUEFALSE, QuestionType.MULTI)


@dataclass(frozen=True)
class Grade:
    """How right an answer is, from 0.0 (wrong) to 1.0 (fully right)."""

    fraction: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError(f"grade fraction out of range: {self.fraction}")

    @property
    def correct(self) -> bool:
        """True only for a fully right answer."""
        return self.fraction == 1.0


WRONG = Grade(0.0)
RIGHT = Grade(1.0)


def normalize(text: str) -> str:
    """Text folded for comparison: NFKC, casefolded, accent-free, no punctuation or spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    kept = "".join(
        ch
        for ch in decomposed
        if not unicodedata.combining(ch)
        and not ch.isspace()
        and not unicodedata.category(ch).startswith(_DROPPED_CATEGORIES)
    )
    # Recomposing turns Hangul jamo back into syllables, so typo distances count syllables.
    return unicodedata.normalize("NFC", kept)


def grade_choices(question: Question, picked: Collection[str]) -> Grade:
    """Grade picked choices: all-or-nothing for single/truefalse, partial credit for multi."""
    if question.type not in _CHOICE_TYPES:
        raise ValueError(f"question {question.id} is {question.type}, not a choice question")
    picks = frozenset(picked)
    if question.type is not QuestionType.MULTI:
        return RIGHT if picks == question.correct else WRONG
    if not picks or picks >= frozenset(question.choices):
        # Ticking every box must never pay, whatever the right/wrong balance would say.
        return WRONG
    right = len(picks & question.correct)
    wrong = len(picks - question.correct)
    return Grade(_hundredths_half_up(max(0, right - wrong), len(question.correct)))


def _hundredths_half_up(numerator: int, denominator: int) -> float:
    """numerator/denominator rounded half-up to two decimals, in exact integer arithmetic."""
    # round() would round 1/8 to 0.12 (half-to-even); integers avoid float artefacts too.
    return (200 * numerator + denominator) // (2 * denominator) / 100


def grade_text(question: Question, text: str) -> Grade:
    """Grade a typed answer: exact after normalising, or within a small typo allowance."""
    if question.type is not QuestionType.TYPED:
        raise ValueError(f"question {question.id} is {question.type}, not a typed question")
    answer = normalize(text)
    if not answer:
        return WRONG
    for accepted in question.accepted:
        target = normalize(accepted)
        if target and _close_enough(answer, target):
            return RIGHT
    return WRONG


def _close_enough(answer: str, target: str) -> bool:
    """Whether answer equals target or is within the typo allowance for target's length."""
    if answer == target:
        return True
    edits = next((k for length, k in _TYPO_ALLOWANCE if len(target) >= length), 0)
    return edits > 0 and Levenshtein.distance(answer, target, score_cutoff=edits) <= edits


def grade(question: Question, picked: Collection[str] = (), text: str = "") -> Grade:
    """Grade an answer of either kind, dispatching on the question type."""
    if question.type is QuestionType.TYPED:
        return grade_text(question, text)
    return grade_choices(question, picked)
