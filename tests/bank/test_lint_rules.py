"""Every lint rule: a broken bank yields `path:line: message` at the right line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quizapp.bank import check

GOOD_BANK = """\
id: test-bank
title: "Test bank"
description: "A bank for tests."
source: social-media
questions:
  - id: t-single-01
    type: single
    prompt: "Which platform hosts Q&A sessions?"
    choices: ["Weverse", "Twitch", "Discord"]
    answer: "Weverse"
    explanation: "Weverse hosts them."
    source: {document: social-media, section: global-connectivity}
    difficulty: easy
"""

MULTI = """\
  - id: t-multi-01
    type: multi
    prompt: "Pick all that apply."
    choices: ["Subtitles", "Localized updates", "Free flights"]
    answers: ["Subtitles", "Localized updates"]
    explanation: "Both are named."
    source: {document: social-media, section: global-connectivity}
    difficulty: medium
"""

TYPED = """\
  - id: t-typed-01
    type: typed
    prompt: "Name the platform."
    accepted: ["Weverse"]
    explanation: "Weverse."
    source: {document: social-media, section: global-connectivity}
    difficulty: hard
"""

TRUEFALSE = """\
  - id: t-tf-01
    type: truefalse
    prompt: "Agencies post only in Korean."
    answer: "false"
    explanation: "They post in many languages."
    source: {document: social-media, section: global-connectivity}
    difficulty: easy
"""


@pytest.fixture
def folder(tmp_path: Path, shipped_questions: Path) -> Path:
    """A questions folder with the real sources.yaml and no banks yet."""
    shutil.copy(shipped_questions / "sources.yaml", tmp_path / "sources.yaml")
    return tmp_path


def edit(text: str, line: int, new: str | None) -> str:
    """Replace (or with None, delete) one 1-based line of text."""
    lines = text.splitlines()
    if new is None:
        del lines[line - 1]
    else:
        lines[line - 1] = new
    return "\n".join(lines) + "\n"


def problems_for(folder: Path, text: str, name: str = "bank.yaml") -> list[str]:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return [str(p) for p in check([folder], folder).problems]


def test_the_good_bank_of_every_type_passes(folder: Path) -> None:
    result = check([folder], folder)
    assert result.problems  # no bank yet: "no bank files found"
    (folder / "bank.yaml").write_text(GOOD_BANK + MULTI + TYPED + TRUEFALSE, encoding="utf-8")
    result = check([folder], folder)
    assert result.problems == ()
    assert result.catalog is not None
    assert sorted(result.catalog.questions) == [
        "t-multi-01",
        "t-single-01",
        "t-tf-01",
        "t-typed-01",
    ]


CASES = [
    # (name, text, expected line, expected message fragment)
    ("empty prompt", edit(GOOD_BANK, 8, '    prompt: ""'), 8, "prompt is empty"),
    ("unquoted no", edit(GOOD_BANK, 11, "    explanation: no"), 11, 'quote it: "no"'),
    ("unquoted on", edit(GOOD_BANK, 11, "    explanation: on"), 11, 'quote it: "on"'),
    ("unquoted year", edit(GOOD_BANK, 10, "    answer: 2013"), 10, 'quote it: "2013"'),
    (
        "list for text",
        edit(GOOD_BANK, 8, "    prompt: [a, b]"),
        8,
        "prompt must be text, not a list",
    ),
    ("unknown key", GOOD_BANK + '    colour: "red"\n', 14, "unknown key 'colour'"),
    ("missing key", edit(GOOD_BANK, 11, None), 6, "missing the key 'explanation'"),
    ("bank key missing", edit(GOOD_BANK, 3, None), 1, "missing the key 'description'"),
    (
        "malformed id",
        edit(GOOD_BANK, 6, '  - id: "Bad_ID"'),
        6,
        "question id 'Bad_ID' is malformed",
    ),
    (
        "malformed bank id",
        edit(GOOD_BANK, 1, 'id: "Test Bank"'),
        1,
        "bank id 'Test Bank' is malformed",
    ),
    (
        "answer not a choice",
        edit(GOOD_BANK, 10, '    answer: "Tumblr"'),
        10,
        "not one of the choices",
    ),
    (
        "duplicate choices",
        edit(GOOD_BANK, 9, '    choices: ["Weverse", "weverse", "Discord"]'),
        9,
        "duplicate choice 'weverse'",
    ),
    ("too few choices", edit(GOOD_BANK, 9, '    choices: ["Weverse"]'), 9, "needs 2 to 6 choices"),
    (
        "unknown difficulty",
        edit(GOOD_BANK, 13, "    difficulty: extreme"),
        13,
        "'extreme' is unknown",
    ),
    ("unknown type", edit(GOOD_BANK, 7, "    type: essay"), 7, "type 'essay' is unknown"),
    (
        "missing section",
        edit(GOOD_BANK, 12, "    source: {document: social-media, section: nowhere}"),
        12,
        "section 'nowhere' is not in document 'social-media'",
    ),
    (
        "missing document",
        edit(GOOD_BANK, 12, "    source: {document: blog, section: nowhere}"),
        12,
        "source document 'blog' is not in sources.yaml",
    ),
    ("bank source", edit(GOOD_BANK, 4, "source: blog"), 4, "source 'blog' is not a document"),
    ("long prompt", edit(GOOD_BANK, 8, f'    prompt: "{"x" * 201}"'), 8, "the limit is 200"),
    (
        "long choice",
        edit(GOOD_BANK, 9, f'    choices: ["Weverse", "{"y" * 81}"]'),
        9,
        "limit is 80",
    ),
    ("time limit range", GOOD_BANK + "    time_limit: 500\n", 14, "between 5 and 120"),
    ("time limit text", GOOD_BANK + '    time_limit: "ten"\n', 14, "whole number of seconds"),
    ("key of another type", GOOD_BANK + '    accepted: ["x"]\n', 14, "'accepted' does not belong"),
    ("anchor", edit(GOOD_BANK, 2, 'title: &t "Test bank"'), 2, "anchors (&name) are not allowed"),
    ("alias", GOOD_BANK.replace('description: "A bank for tests."', "description: *t"), 3, "alias"),
    ("syntax", edit(GOOD_BANK, 8, '    prompt: "unclosed'), 9, "YAML syntax error"),
    ("not a mapping", "- just\n- a list\n", 1, "a bank must be a mapping"),
    ("empty file", "", 1, "the file is empty"),
    (
        "questions empty",
        edit(GOOD_BANK, 5, "questions: []").split("  - id")[0],
        5,
        "questions is empty",
    ),
    ("deep nesting", GOOD_BANK + "    tags: " + "[" * 20 + "]" * 20 + "\n", 14, "nested deeper"),
]


@pytest.mark.parametrize(
    ("text", "line", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_rule_reports_file_and_line(folder: Path, text: str, line: int, fragment: str) -> None:
    problems = problems_for(folder, text)
    wanted = [p for p in problems if p.startswith(f"{folder / 'bank.yaml'}:{line}: ")]
    assert any(fragment in p for p in wanted), problems


# The second question starts on line 14, so its line N is reported as 13 + N.
@pytest.mark.parametrize(
    ("block", "line", "new", "reported", "fragment"),
    [
        (
            MULTI,
            5,
            '    answers: ["Subtitles", "Localized updates", "Free flights"]',
            18,
            "one wrong",
        ),
        (MULTI, 5, "    answers: []", 18, "at least one right answer"),
        (MULTI, 5, '    answers: ["Subtitles", "Subtitles"]', 18, "same choice twice"),
        (MULTI, 4, '    choices: ["Subtitles", "Localized updates"]', 17, "needs 3 to 6 choices"),
        (TYPED, 4, "    accepted: []", 17, "at least one accepted answer"),
        (TYPED, 4, '    accepted: ["' + "z" * 61 + '"]', 17, "limit is 60"),
        (TYPED, 4, '    answer: "Weverse"', 14, "needs the key 'accepted'"),
        (TRUEFALSE, 4, '    answer: "maybe"', 17, 'must be "true" or "false"'),
        (TRUEFALSE, 4, "    answer: true", 17, 'quote it: "true"'),
        (
            TRUEFALSE,
            4,
            '    answer: "true"\n    choices: ["a", "b"]',
            18,
            "'choices' does not belong",
        ),
    ],
)
def test_type_rules(
    folder: Path, block: str, line: int, new: str, reported: int, fragment: str
) -> None:
    problems = problems_for(folder, GOOD_BANK + edit(block, line, new))
    expected = f"{folder / 'bank.yaml'}:{reported}: "
    assert any(p.startswith(expected) and fragment in p for p in problems), problems


def test_every_problem_is_reported_not_just_the_first(folder: Path) -> None:
    text = edit(
        edit(edit(GOOD_BANK, 8, '    prompt: ""'), 10, "    answer: no"), 13, "    difficulty: x"
    )
    problems = problems_for(folder, text)
    assert [p.split(": ")[0].rsplit(":", 1)[1] for p in problems] == ["8", "10", "13"]


def test_duplicate_ids_across_files_name_both_places(folder: Path) -> None:
    (folder / "a.yaml").write_text(GOOD_BANK, encoding="utf-8")
    other = GOOD_BANK.replace("id: test-bank", "id: other-bank")
    problems = problems_for(folder, other, name="b.yaml")
    assert problems == [
        f"{folder / 'b.yaml'}:6: question id 't-single-01' is already used at {folder / 'a.yaml'}:6"
    ]


def test_duplicate_bank_ids_across_files(folder: Path) -> None:
    (folder / "a.yaml").write_text(GOOD_BANK, encoding="utf-8")
    other = GOOD_BANK.replace("t-single-01", "t-single-02")
    problems = problems_for(folder, other, name="b.yaml")
    assert any("bank id 'test-bank' is already used" in p for p in problems), problems


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"\xff\xfe\x00binary junk", "not UTF-8"),
        (b"id: x\x00y\n", "NUL byte"),
        (b"x" * (256 * 1024 + 1), "larger than the 256 KiB limit"),
    ],
    ids=["binary", "nul", "oversized"],
)
def test_unreadable_files_are_reported_on_line_1(
    folder: Path, content: bytes, fragment: str
) -> None:
    (folder / "bank.yaml").write_bytes(content)
    problems = [str(p) for p in check([folder], folder).problems]
    assert any(p.startswith(f"{folder / 'bank.yaml'}:1: ") and fragment in p for p in problems), (
        problems
    )


def test_alias_bomb_is_refused_without_expanding(folder: Path) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    problems = problems_for(folder, "\n".join(lines) + "\n")
    assert len(problems) == 9 + 8 * 9  # every anchor and every alias, each on its line
    assert all(": YAML anchors" in p or ": YAML aliases" in p for p in problems)


def test_a_key_with_a_line_break_stays_on_one_line(folder: Path) -> None:
    problems = problems_for(folder, GOOD_BANK + '    "two\\nlines": "x"\n')
    assert any("unknown key 'two\\nlines'" in p for p in problems), problems
    assert all("\n" not in p for p in problems)
