"""Drawing balanced, reproducible rounds of questions and shuffling their choices."""

from __future__ import annotations

import datetime
import hashlib
import random
from collections import Counter
from collections.abc import Collection, Sequence

from quizapp.bank.model import Question, QuestionType, SourceRef

# One source section's remaining candidates, in the (random) order they will be tried.
_Group = tuple[SourceRef, list[Question]]


def draw_round(
    pool: Sequence[Question],
    size: int,
    rng: random.Random,
    recent: Collection[str] = (),
) -> tuple[Question, ...]:
    """Up to `size` distinct questions, fresh ones first, spread over sections and difficulties."""
    if size <= 0:
        return ()
    # Sorting (and de-duplicating) by id makes the draw independent of the caller's pool order.
    ordered = sorted({q.id: q for q in pool}.values(), key=lambda q: q.id)
    recent_ids = frozenset(recent)
    chosen: list[Question] = []
    _pick_balanced([q for q in ordered if q.id not in recent_ids], size, rng, chosen)
    if len(chosen) < size:
        _pick_balanced([q for q in ordered if q.id in recent_ids], size, rng, chosen)
    rng.shuffle(chosen)
    return tuple(chosen)


def _pick_balanced(
    candidates: Sequence[Question], size: int, rng: random.Random, chosen: list[Question]
) -> None:
    """Append candidates to `chosen` until it holds `size`, least-used section first."""
    groups = _shuffled_groups(candidates, rng)
    # Counting what is already chosen keeps the recent-question fill balanced against the
    # fresh picks rather than starting the round-robin over.
    section_counts = Counter(q.source for q in chosen)
    difficulty_counts = Counter(q.difficulty for q in chosen)
    while len(chosen) < size:
        open_groups = [g for g in groups if g[1]]
        if not open_groups:
            return
        # min() keeps the first of equals, so ties fall to the shuffled order.
        section, remaining = min(open_groups, key=lambda g: section_counts[g[0]])
        question = min(remaining, key=lambda q: difficulty_counts[q.difficulty])
        remaining.remove(question)
        chosen.append(question)
        section_counts[section] += 1
        difficulty_counts[question.difficulty] += 1


def _shuffled_groups(candidates: Sequence[Question], rng: random.Random) -> list[_Group]:
    """Candidates grouped by source section, sections and their questions in random order."""
    by_section: dict[SourceRef, list[Question]] = {}
    for question in candidates:
        by_section.setdefault(question.source, []).append(question)
    groups = [
        (section, by_section[section])
        for section in sorted(by_section, key=lambda s: (s.document, s.section))
    ]
    rng.shuffle(groups)
    for _, questions in groups:
        rng.shuffle(questions)
    return groups


def shuffle_choices(question: Question, rng: random.Random) -> tuple[str, ...]:
    """The question's choices in random order (True/False stays put; typed has none)."""
    if question.type is QuestionType.TYPED:
        return ()
    if question.type is QuestionType.TRUEFALSE:
        # Players expect True first; shuffling it only makes them misclick.
        return question.choices
    choices = list(question.choices)
    rng.shuffle(choices)
    return tuple(choices)


def daily_seed(day: datetime.date) -> int:
    """A seed derived from the date alone, identical in every process and Python version."""
    # hash() is salted per process, so it would give each worker a different daily round.
    digest = hashlib.sha256(day.isoformat().encode("ascii")).digest()
    return int.from_bytes(digest[:8], "big")
