"""Immutable, validated question-bank objects (built by the loader, read everywhere)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class QuestionType(StrEnum):
    SINGLE = "single"
    TRUEFALSE = "truefalse"
    MULTI = "multi"
    TYPED = "typed"


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


TRUE_FALSE_CHOICES = ("True", "False")


@dataclass(frozen=True, slots=True)
class SourceRef:
    document: str
    section: str


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    summary: str


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    title: str
    seed: str
    sections: tuple[Section, ...]

    def section(self, section_id: str) -> Section | None:
        """The section with this id, or None."""
        return next((s for s in self.sections if s.id == section_id), None)


@dataclass(frozen=True, slots=True)
class Question:
    """One question; `correct` holds the right choices (empty for typed questions)."""

    id: str
    bank_id: str
    type: QuestionType
    prompt: str
    choices: tuple[str, ...]
    correct: frozenset[str]
    accepted: tuple[str, ...]
    explanation: str
    source: SourceRef
    difficulty: Difficulty
    tags: tuple[str, ...] = ()
    time_limit: int | None = None
    version: str = field(default="", compare=False)

    @property
    def answer_text(self) -> str:
        """The right answer as shown to a player."""
        if self.type is QuestionType.TYPED:
            return self.accepted[0]
        return ", ".join(c for c in self.choices if c in self.correct)

    def content_hash(self) -> str:
        """A short hash of everything that decides how the question is asked and graded."""
        payload = {
            "type": str(self.type),
            "prompt": self.prompt,
            "choices": list(self.choices),
            "correct": sorted(self.correct),
            "accepted": list(self.accepted),
        }
        raw = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(raw).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Bank:
    id: str
    title: str
    description: str
    source: str
    path: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Catalog:
    """Every bank and source, loaded once and kept on the app."""

    documents: Mapping[str, Document]
    banks: tuple[Bank, ...]
    questions: Mapping[str, Question]

    def bank(self, bank_id: str) -> Bank | None:
        """The bank with this id, or None."""
        return next((b for b in self.banks if b.id == bank_id), None)

    def source_label(self, ref: SourceRef) -> str:
        """'Article title — Section title' for display under an answer."""
        doc = self.documents.get(ref.document)
        if doc is None:
            return ref.document
        section = doc.section(ref.section)
        return f"{doc.title} — {section.title if section else ref.section}"
