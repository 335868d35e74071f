"""Question snapshots: every version a player was served stays reviewable after YAML edits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from ..bank import Catalog, Difficulty, Question, QuestionType, SourceRef
from ..extensions import db
from ..models import QuestionSnapshot


def _row(catalog: Catalog, question: Question) -> dict[str, Any]:
    return {
        "question_id": question.id,
        "version": question.version,
        "bank_id": question.bank_id,
        "type": str(question.type),
        "difficulty": str(question.difficulty),
        "prompt": question.prompt,
        "choices": list(question.choices),
        "correct": sorted(question.correct),
        "accepted": list(question.accepted),
        "explanation": question.explanation,
        "document": question.source.document,
        "section": question.source.section,
        "source_label": catalog.source_label(question.source),
    }


def ensure_snapshots(catalog: Catalog, questions: Iterable[Question]) -> int:
    """Insert the snapshots not stored yet (no commit); returns how many were new."""
    wanted = {(q.id, q.version): q for q in questions}
    if not wanted:
        return 0
    key = tuple_(QuestionSnapshot.question_id, QuestionSnapshot.version)
    columns = select(QuestionSnapshot.question_id, QuestionSnapshot.version)
    stored = {(qid, ver) for qid, ver in db.session.execute(columns.where(key.in_(list(wanted))))}
    rows = [_row(catalog, q) for k, q in wanted.items() if k not in stored]
    if rows:
        dialect = db.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        db.session.execute(insert(QuestionSnapshot).values(rows).on_conflict_do_nothing())
    return len(rows)


def load_banks(catalog: Catalog) -> int:
    """Record every current question version; returns how many were new."""
    added = ensure_snapshots(catalog, catalog.questions.values())
    db.session.commit()
    return added


def question_from_snapshot(snapshot: QuestionSnapshot) -> Question:
    """Rebuild a question as it was served, for grading and review after YAML edits."""
    return Question(
        id=snapshot.question_id,
        bank_id=snapshot.bank_id,
        type=QuestionType(snapshot.type),
        prompt=snapshot.prompt,
        choices=tuple(snapshot.choices),
        correct=frozenset(snapshot.correct),
        accepted=tuple(snapshot.accepted),
        explanation=snapshot.explanation,
        source=SourceRef(snapshot.document, snapshot.section),
        difficulty=Difficulty(snapshot.difficulty),
        version=snapshot.version,
    )
