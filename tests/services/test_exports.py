"""CSV exports without a database: safe cells, the period form, a board as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from quizapp.services.boards import Board, BoardKind, BoardRow
from quizapp.services.exports import (
    PeriodError,
    board_csv,
    board_filename,
    parse_period,
    safe_cell,
    to_csv,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("Mina", "Mina"),
        ("a=b", "a=b"),
        (-5, -5),
        (None, None),
    ],
)
def test_safe_cell(value: str | int | None, expected: str | int | None) -> None:
    assert safe_cell(value) == expected


def test_a_board_as_csv() -> None:
    reached = datetime(2026, 11, 20, 10, 0, 5, 123456)
    rows = (
        BoardRow(1, 7, "Mina", 9000, reached),
        BoardRow(2, 8, "@evil", 800, reached),
    )
    board = Board(BoardKind.WEEK, "timed", None, "2026-W47", "This week", rows, None, ())
    parsed = list(csv.reader(io.StringIO(board_csv(board))))
    assert parsed == [
        ["rank", "username", "score", "reached_at", "user_id"],
        ["1", "Mina", "9000", "2026-11-20T10:00:05Z", "7"],
        ["2", "'@evil", "800", "2026-11-20T10:00:05Z", "8"],
    ]
    assert board_filename(board) == "board-week-timed-2026-W47.csv"


def test_a_long_csv_comes_in_chunks_that_add_up() -> None:
    rows = [(i, f"name {i}") for i in range(1200)]
    text = to_csv(("n", "name"), rows)
    parsed = list(csv.reader(io.StringIO(text)))
    assert len(parsed) == 1201 and parsed[-1] == ["1199", "name 1199"]


def test_a_period_includes_both_days() -> None:
    period = parse_period(" 2026-03-01 ", "2026-03-01")
    assert (period.first, period.last) == (date(2026, 3, 1), date(2026, 3, 1))
    assert period.bounds == (datetime(2026, 3, 1), datetime(2026, 3, 2))
    assert parse_period("2025-01-01", "2026-01-01").last == date(2026, 1, 1)  # 366 days


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        ("2026-03-02", "2026-03-01", "to"),
        ("", "2026-03-01", "from"),
        ("2026-03-01", "", "to"),
        ("yesterday", "2026-03-01", "from"),
        ("2026-03-01", "2026-02-30", "to"),
        ("2025-01-01", "2026-01-02", "to"),
    ],
)
def test_a_bad_period_names_the_field(first: str, last: str, field: str) -> None:
    with pytest.raises(PeriodError) as problem:
        parse_period(first, last)
    assert problem.value.field == field and problem.value.message
