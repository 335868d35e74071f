"""Fuzzing the bank loader: whatever the file holds, the answer is `path:line:` lines, fast."""

from __future__ import annotations

import re
import shutil
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.bank import check

SHIPPED = Path(__file__).resolve().parents[2] / "questions"
PROBLEM_LINE = re.compile(r"^.+:\d+: \S.*$")
FUZZ = settings(
    max_examples=100,
    deadline=2000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TRICKY = [
    "no",
    "yes",
    "on",
    "off",
    "~",
    "2013",
    "1.5",
    "0x1F",
    "2024-01-01",
    "[",
    "]",
    "{",
    "&a",
    "*a",
    "!!python/object:os.system",
    "''",
    '"',
    "- ",
    ": ",
    "#",
    "\t",
    "é",
    "💜",
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A questions folder with the real sources.yaml; each example rewrites bank.yaml."""
    path = tmp_path_factory.mktemp("fuzz")
    shutil.copy(SHIPPED / "sources.yaml", path / "sources.yaml")
    return path


def lint(folder: Path, content: bytes) -> list[str]:
    """Check one bank file; assert the answer has the promised shape."""
    (folder / "bank.yaml").write_bytes(content)
    started = time.monotonic()
    result = check([folder], folder)
    assert time.monotonic() - started < 2
    problems = [str(p) for p in result.problems]
    assert all(PROBLEM_LINE.match(p) for p in problems), problems
    assert (result.catalog is None) == bool(problems)
    return problems


@FUZZ
@given(st.binary(max_size=2000))
def test_binary_junk(folder: Path, data: bytes) -> None:
    lint(folder, data)


@FUZZ
@given(st.text(alphabet=st.sampled_from("abc:-[]{}&*!|>'\"#\n \t0123456789"), max_size=400))
def test_yaml_like_text(folder: Path, text: str) -> None:
    lint(folder, text.encode())


documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)


@FUZZ
@given(documents)
def test_random_documents(folder: Path, document: object) -> None:
    lint(folder, yaml.safe_dump(document, allow_unicode=True).encode())


def _shipped_lines() -> list[str]:
    return (SHIPPED / "social-media.yaml").read_text(encoding="utf-8").splitlines()


@settings(FUZZ, max_examples=40)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["delete", "duplicate", "swap", "value", "indent"]),
            st.integers(min_value=0, max_value=10_000),
            st.integers(min_value=0, max_value=10_000),
            st.sampled_from(TRICKY) | st.text(max_size=300),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mutations_of_a_shipped_bank(
    folder: Path, mutations: list[tuple[str, int, int, str]]
) -> None:
    lines = _shipped_lines()
    for kind, a, b, token in mutations:
        i, j = a % len(lines), b % len(lines)
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "value" and ":" in lines[i]:
            lines[i] = lines[i].split(":", 1)[0] + ": " + token
        else:
            lines[i] = " " + lines[i]
    problems = lint(folder, ("\n".join(lines) + "\n").encode())
    bank_lines = [p for p in problems if "bank.yaml:" in p]
    assert all(int(p.split("bank.yaml:")[1].split(":")[0]) <= len(lines) + 1 for p in bank_lines)


@pytest.mark.parametrize("depth", [9, 50, 5000])
def test_deep_nesting_is_refused_quickly(folder: Path, depth: int) -> None:
    problems = lint(folder, ("x: " + "[" * depth + "]" * depth + "\n").encode())
    assert any("nested deeper than 8 levels" in p for p in problems)


def test_a_billion_laughs_costs_nothing(folder: Path) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    tracemalloc.start()
    problems = lint(folder, ("\n".join(lines) + "\n").encode())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert problems and peak < 20 * 1024 * 1024
