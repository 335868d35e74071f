"""The banks we ship load cleanly and meet the content rules."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest

from quizapp.bank import Catalog, QuestionType, check, load_catalog

SEEDS = Path(os.environ.get("QUIZAPP_SEEDS_DIR", Path(__file__).parents[3] / "shared" / "seeds"))
COPY_RUN = 7  # words in a row that may not be copied from an article


@pytest.fixture(scope="module")
def catalog(shipped_questions: Path) -> Catalog:
    return load_catalog(shipped_questions)


@pytest.fixture(scope="module")
def shipped_questions() -> Path:
    return Path(__file__).resolve().parents[2] / "questions"


def test_shipped_banks_pass_the_check(shipped_questions: Path) -> None:
    result = check([shipped_questions], shipped_questions)
    assert result.problems == ()


def test_at_least_100_questions_in_3_banks(catalog: Catalog) -> None:
    assert len(catalog.banks) >= 3
    assert len(catalog.questions) >= 100


def test_every_type_has_at_least_10_questions(catalog: Catalog) -> None:
    counts = Counter(q.type for q in catalog.questions.values())
    assert {t: counts[t] >= 10 for t in QuestionType} == {t: True for t in QuestionType}


def test_difficulties_are_mixed(catalog: Catalog) -> None:
    counts = Counter(q.difficulty for q in catalog.questions.values())
    assert all(count >= len(catalog.questions) // 5 for count in counts.values()), counts


def test_every_section_and_faq_entry_has_4_questions(catalog: Catalog) -> None:
    cited = Counter((q.source.document, q.source.section) for q in catalog.questions.values())
    thin = [
        (doc.id, section.id)
        for doc in catalog.documents.values()
        for section in doc.sections
        if cited[(doc.id, section.id)] < 4
    ]
    assert thin == []
    assert sum(len(d.sections) for d in catalog.documents.values()) == 22  # 7 + 7 FAQ + 8


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "").replace("'", ""))


def test_no_question_copies_a_run_of_words_from_the_articles(catalog: Catalog) -> None:
    if not SEEDS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the seed articles are missing at {SEEDS}")
        pytest.skip(f"seed articles not found at {SEEDS} (set QUIZAPP_SEEDS_DIR)")
    article_runs: set[tuple[str, ...]] = set()
    for doc in catalog.documents.values():
        words = _words((SEEDS / doc.seed).read_text(encoding="utf-8"))
        article_runs |= {tuple(words[i : i + COPY_RUN]) for i in range(len(words) - COPY_RUN + 1)}
    copied = []
    for q in catalog.questions.values():
        for text in (q.prompt, q.explanation, *q.choices, *q.accepted):
            words = _words(text)
            runs = {tuple(words[i : i + COPY_RUN]) for i in range(len(words) - COPY_RUN + 1)}
            if runs & article_runs:
                copied.append((q.id, text))
    assert copied == []


def test_ids_and_versions_are_stable(catalog: Catalog) -> None:
    again = load_catalog(Path(__file__).resolve().parents[2] / "questions")
    assert {q.id: q.version for q in catalog.questions.values()} == {
        q.id: q.version for q in again.questions.values()
    }
    assert all(len(q.version) == 12 for q in catalog.questions.values())
