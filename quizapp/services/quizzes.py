"""The quizzes a player can pick: one per bank, plus Mixed across every bank."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..bank import Catalog, Question
from .catalog import MIXED_ID


@dataclass(frozen=True, slots=True)
class QuizCard:
    id: str
    title: str
    description: str
    question_count: int


def quiz_cards(catalog: Catalog) -> list[QuizCard]:
    """A card per bank, then Mixed."""
    cards = [QuizCard(b.id, b.title, b.description, len(b.questions)) for b in catalog.banks]
    mixed = "A bit of everything: questions drawn from every quiz."
    cards.append(QuizCard(MIXED_ID, "Mixed", mixed, len(catalog.questions)))
    return cards


def quiz_pool(catalog: Catalog, quiz_id: str) -> tuple[Question, ...] | None:
    """The questions a quiz draws from, or None for an unknown quiz."""
    if quiz_id == MIXED_ID:
        return tuple(catalog.questions.values())
    bank = catalog.bank(quiz_id)
    return bank.questions if bank else None


def quiz_title(catalog: Catalog, quiz_id: str) -> str:
    """The quiz's display title (the id itself for a quiz no longer shipped)."""
    if quiz_id == MIXED_ID:
        return "Mixed"
    if quiz_id.startswith("daily-"):
        try:
            day = date.fromisoformat(quiz_id.removeprefix("daily-"))
        except ValueError:
            return quiz_id
        return f"Daily challenge · {day.day} {day:%b %Y}"
    bank = catalog.bank(quiz_id)
    return bank.title if bank else quiz_id
