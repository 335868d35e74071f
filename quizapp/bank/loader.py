"""YAML files -> validated, immutable banks; every problem is collected as `path:line: message`."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from yaml.nodes import Node, SequenceNode

from .fields import FieldReader
from .model import (
    TRUE_FALSE_CHOICES,
    Bank,
    Catalog,
    Difficulty,
    Document,
    Question,
    QuestionType,
    Section,
    SourceRef,
)
from .yamlnodes import Problem, line_of, parse

MAX_FILE_BYTES = 256 * 1024
SOURCES_FILE = "sources.yaml"
LIMITS = {"prompt": 200, "choice": 80, "accepted": 60, "explanation": 280, "title": 80}
LIMITS |= {"description": 200, "tag": 30, "summary": 200}
CHOICE_COUNT = {QuestionType.SINGLE: (2, 6), QuestionType.MULTI: (3, 6)}
TIME_LIMIT_RANGE = (5, 120)

BANK_KEYS = ("id", "title", "description", "source", "questions")
COMMON_KEYS = ("id", "type", "prompt", "explanation", "source", "difficulty")
TYPE_KEYS = {
    QuestionType.SINGLE: ("choices", "answer"),
    QuestionType.TRUEFALSE: ("answer",),
    QuestionType.MULTI: ("choices", "answers"),
    QuestionType.TYPED: ("accepted",),
}
QUESTION_KEYS = (*COMMON_KEYS, "choices", "answer", "answers", "accepted", "tags", "time_limit")


class BankError(Exception):
    """The banks could not be loaded; `problems` says why, file by file."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class CheckResult:
    catalog: Catalog | None
    problems: tuple[Problem, ...]


def display_path(path: Path) -> str:
    """The path relative to the working directory when it is below it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def _read_root(path: Path, reader: FieldReader) -> Node | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            reader.problem(1, f"the file is larger than the {MAX_FILE_BYTES // 1024} KiB limit")
            return None
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        reader.problem(1, f"the file is not UTF-8 text (byte {error.start})")
        return None
    except OSError as error:
        reader.problem(1, f"cannot read the file: {error.strerror}")
        return None
    if "\x00" in text:
        reader.problem(1, "the file contains a NUL byte; it is not a text file")
        return None
    root, problems = parse(text, reader.path)
    reader.problems.extend(problems)
    if root is None and not problems:
        reader.problem(1, "the file is empty")
    return root


def load_sources(path: Path) -> tuple[dict[str, Document], list[Problem]]:
    """The documents named in sources.yaml, with their sections."""
    reader = FieldReader(display_path(path))
    root = _read_root(path, reader)
    documents: dict[str, Document] = {}
    top = reader.mapping(root, "sources.yaml", ("documents",), ("documents",)) if root else None
    doc_nodes = top.get("documents") if top else None
    for node in _items(reader, doc_nodes, "documents"):
        keys = ("id", "title", "seed", "sections")
        fields = reader.mapping(node, "a document", keys, keys)
        if fields is None:
            continue
        sections = tuple(
            _section(reader, n) for n in _items(reader, fields.get("sections"), "sections")
        )
        doc = Document(
            id=reader.ident(fields.get("id"), "document id") or "",
            title=reader.text(fields.get("title"), "title", LIMITS["title"]) or "",
            seed=reader.text(fields.get("seed"), "seed", LIMITS["title"]) or "",
            sections=tuple(s for s in sections if s is not None),
        )
        if doc.id in documents:
            reader.problem(node, f"duplicate document id '{doc.id}'")
        elif doc.id:
            documents[doc.id] = doc
    return documents, reader.problems


def _section(reader: FieldReader, node: Node) -> Section | None:
    fields = reader.mapping(
        node, "a section", ("id", "title", "summary"), ("id", "title", "summary")
    )
    if fields is None:
        return None
    sid = reader.ident(fields.get("id"), "section id")
    title = reader.text(fields.get("title"), "title", LIMITS["title"])
    summary = reader.text(fields.get("summary"), "summary", LIMITS["summary"])
    if sid is None or title is None or summary is None:
        return None
    return Section(sid, title, summary)


def _items(reader: FieldReader, node: Node | None, field: str) -> list[Node]:
    if node is None:
        return []
    if not isinstance(node, SequenceNode):
        reader.problem(node, f"{field} must be a list")
        return []
    if not node.value:
        reader.problem(node, f"{field} is empty")
    return list(node.value)


class _BankReader(FieldReader):
    """Reads one bank file against the known documents."""

    def __init__(self, path: Path, documents: dict[str, Document]) -> None:
        super().__init__(display_path(path))
        self.file = path
        self.documents = documents
        self.id_lines: dict[str, int] = {}

    def read(self) -> Bank | None:
        root = _read_root(self.file, self)
        fields = self.mapping(root, "a bank", BANK_KEYS, BANK_KEYS) if root else None
        if fields is None:
            return None
        bank_id = self.ident(fields.get("id"), "bank id")
        title = self.text(fields.get("title"), "title", LIMITS["title"])
        description = self.text(fields.get("description"), "description", LIMITS["description"])
        source = self.text(fields.get("source"), "source", LIMITS["title"])
        if source is not None and source not in self.documents:
            self.problem(fields["source"], f"source '{source}' is not a document in sources.yaml")
        questions = [
            self.question(n, bank_id or "")
            for n in _items(self, fields.get("questions"), "questions")
        ]
        if None in (bank_id, title, description, source) or None in questions or self.problems:
            return None
        return Bank(
            bank_id or "",
            title or "",
            description or "",
            source or "",
            self.path,
            tuple(q for q in questions if q is not None),
        )

    def question(self, node: Node, bank_id: str) -> Question | None:
        fields = self.mapping(node, "a question", QUESTION_KEYS, COMMON_KEYS)
        if fields is None:
            return None
        before = len(self.problems)
        qid = self.ident(fields.get("id"), "question id")
        if qid is not None:
            if qid in self.id_lines:
                self.problem(fields["id"], f"question id '{qid}' is used twice in this file")
            self.id_lines.setdefault(qid, line_of(fields["id"]))
        kind = self.choice(fields.get("type"), "type", [t.value for t in QuestionType])
        qtype = QuestionType(kind) if kind else None
        if qtype is not None:
            self.type_keys(node, fields, qtype)
        answer_parts = self.answer_parts(fields, qtype) if qtype else None
        question = Question(
            id=qid or "",
            bank_id=bank_id,
            type=qtype or QuestionType.SINGLE,
            prompt=self.text(fields.get("prompt"), "prompt", LIMITS["prompt"]) or "",
            choices=answer_parts[0] if answer_parts else (),
            correct=answer_parts[1] if answer_parts else frozenset(),
            accepted=answer_parts[2] if answer_parts else (),
            explanation=self.text(fields.get("explanation"), "explanation", LIMITS["explanation"])
            or "",
            source=self.source_ref(fields.get("source")) or SourceRef("", ""),
            difficulty=Difficulty(
                self.choice(fields.get("difficulty"), "difficulty", [d.value for d in Difficulty])
                or "easy"
            ),
            tags=tuple(self.text_list(fields.get("tags"), "tags", LIMITS["tag"]) or ()),
            time_limit=self.integer(fields.get("time_limit"), "time_limit", *TIME_LIMIT_RANGE),
        )
        if len(self.problems) > before:
            return None
        return replace(question, version=question.content_hash())

    def type_keys(self, node: Node, fields: dict[str, Node], qtype: QuestionType) -> None:
        """Report keys a question of this type needs but lacks, or has but must not."""
        wanted = TYPE_KEYS[qtype]
        for key in wanted:
            if key not in fields:
                self.problem(node, f"a {qtype} question needs the key '{key}'")
        for key in ("choices", "answer", "answers", "accepted"):
            if key in fields and key not in wanted:
                self.problem(fields[key], f"'{key}' does not belong to a {qtype} question")

    def answer_parts(
        self, fields: dict[str, Node], qtype: QuestionType
    ) -> tuple[tuple[str, ...], frozenset[str], tuple[str, ...]] | None:
        """(choices, correct choices, accepted answers) for the question's type."""
        if qtype is QuestionType.TYPED:
            accepted = self.text_list(fields.get("accepted"), "accepted", LIMITS["accepted"])
            if accepted is not None and not accepted and "accepted" in fields:
                self.problem(
                    fields["accepted"], "a typed question needs at least one accepted answer"
                )
            return ((), frozenset(), tuple(accepted or ()))
        if qtype is QuestionType.TRUEFALSE:
            answer = self.text(fields.get("answer"), "answer", 10)
            if answer is not None and answer.lower() not in ("true", "false"):
                self.problem(fields["answer"], f'answer \'{answer}\' must be "true" or "false"')
                return None
            return (TRUE_FALSE_CHOICES, frozenset({answer.capitalize()} if answer else ()), ())
        choices = self.choices(fields.get("choices"), qtype)
        if qtype is QuestionType.SINGLE:
            answer = self.text(fields.get("answer"), "answer", LIMITS["choice"])
            correct = [answer] if answer is not None else []
            self.among(fields.get("answer"), correct, choices)
        else:
            correct = self.text_list(fields.get("answers"), "answers", LIMITS["choice"]) or []
            self.multi_answers(fields.get("answers"), correct, choices)
        return (tuple(choices), frozenset(correct), ())

    def choices(self, node: Node | None, qtype: QuestionType) -> list[str]:
        """Distinct choices, as many as the type allows."""
        choices = self.text_list(node, "choices", LIMITS["choice"]) or []
        if node is None:
            return choices
        low, high = CHOICE_COUNT[qtype]
        if not low <= len(choices) <= high:
            self.problem(
                node, f"a {qtype} question needs {low} to {high} choices, not {len(choices)}"
            )
        seen: set[str] = set()
        for item, choice in zip(node.value, choices, strict=False):
            if choice.casefold() in seen:
                self.problem(item, f"duplicate choice '{choice}'")
            seen.add(choice.casefold())
        return choices

    def among(self, node: Node | None, answers: Iterable[str], choices: list[str]) -> None:
        """Report answers that are not among the choices."""
        for answer in answers:
            if node is not None and choices and answer not in choices:
                self.problem(node, f"answer '{answer}' is not one of the choices")

    def multi_answers(self, node: Node | None, correct: list[str], choices: list[str]) -> None:
        """A multi-select has at least one right and one wrong choice, no repeats."""
        if node is None:
            return
        self.among(node, correct, choices)
        if len(set(correct)) != len(correct):
            self.problem(node, "answers lists the same choice twice")
        if not correct:
            self.problem(node, "a multi-select question needs at least one right answer")
        elif choices and set(correct) >= set(choices):
            self.problem(node, "a multi-select question needs at least one wrong choice")

    def source_ref(self, node: Node | None) -> SourceRef | None:
        """A `{document, section}` reference that resolves in sources.yaml."""
        if node is None:
            return None
        fields = self.mapping(node, "source", ("document", "section"), ("document", "section"))
        if fields is None:
            return None
        doc_id = self.text(fields.get("document"), "source document", LIMITS["title"])
        section = self.text(fields.get("section"), "source section", LIMITS["title"])
        if doc_id is None or section is None:
            return None
        document = self.documents.get(doc_id)
        if document is None:
            self.problem(fields["document"], f"source document '{doc_id}' is not in sources.yaml")
            return None
        if document.section(section) is None:
            self.problem(fields["section"], f"section '{section}' is not in document '{doc_id}'")
            return None
        return SourceRef(doc_id, section)


def bank_files(paths: Iterable[Path]) -> list[Path]:
    """Every bank file named, folders expanded to their *.yaml files (sources.yaml excluded)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            files.extend(p for p in found if p.name != SOURCES_FILE)
        else:
            files.append(path)
    return files


def check(paths: Sequence[Path], questions_dir: Path) -> CheckResult:
    """Read sources and every bank named; the catalog only if nothing is wrong."""
    documents, problems = load_sources(questions_dir / SOURCES_FILE)
    banks: list[Bank] = []
    first_seen: dict[str, tuple[str, int]] = {}
    bank_ids: dict[str, str] = {}
    for file in bank_files(paths):
        if not file.exists():
            problems.append(Problem(display_path(file), 1, "no such file or folder"))
            continue
        reader = _BankReader(file, documents)
        bank = reader.read()
        problems.extend(sorted(reader.problems, key=lambda p: p.line))
        for qid, line in reader.id_lines.items():
            if qid in first_seen:
                where = "{}:{}".format(*first_seen[qid])
                problems.append(
                    Problem(reader.path, line, f"question id '{qid}' is already used at {where}")
                )
            else:
                first_seen[qid] = (reader.path, line)
        if bank is not None:
            if bank.id in bank_ids:
                problems.append(
                    Problem(
                        reader.path,
                        1,
                        f"bank id '{bank.id}' is already used by {bank_ids[bank.id]}",
                    )
                )
            bank_ids[bank.id] = reader.path
            banks.append(bank)
    if not bank_files(paths) and not problems:
        problems.append(
            Problem(", ".join(display_path(p) for p in paths), 1, "no bank files found")
        )
    if problems:
        return CheckResult(None, tuple(problems))
    questions = {q.id: q for bank in banks for q in bank.questions}
    return CheckResult(Catalog(documents, tuple(banks), questions), ())


def load_catalog(questions_dir: Path) -> Catalog:
    """Every bank in the folder; raises BankError listing all problems."""
    result = check([questions_dir], questions_dir)
    if result.catalog is None:
        raise BankError(result.problems)
    return result.catalog
