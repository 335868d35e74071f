"""CSV exports: a leaderboard, and every answer given within a period of days."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Round, RoundQuestion, User
from .boards import Board

BOARD_COLUMNS = ("rank", "username", "score", "reached_at", "user_id")
ANSWER_COLUMNS = (
    "answered_at",
    "round_id",
    "username",
    "quiz_id",
    "mode",
    "question_id",
    "version",
    "result",
    "points",
    "elapsed_ms",
    "flagged",
)
MAX_PERIOD_DAYS = 366  # a year of answers is as much as one download should carry
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 500

Cell = str | int | None


class PeriodError(ValueError):
    """The period form is wrong; `field` names the input the message belongs next to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Period:
    """Whole days, both ends included."""

    first: date
    last: date

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as naive UTC datetimes."""
        return datetime.combine(self.first, time()), datetime.combine(
            self.last + timedelta(days=1), time()
        )


def _parse_day(text: str, field: str, name: str) -> date:
    text = text.strip()
    if not text:
        raise PeriodError(field, f"Enter the {name} date.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(field, f"The {name} date must look like 2026-01-31.") from None


def parse_period(first: str, last: str) -> Period:
    """The period from the form's two dates; PeriodError for a missing, bad or reversed range."""
    start = _parse_day(first, "from", "first")
    end = _parse_day(last, "to", "last")
    if end < start:
        raise PeriodError("to", "The last date must be on or after the first date.")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise PeriodError("to", f"Pick at most {MAX_PERIOD_DAYS} days.")
    if end == date.max:  # the period ends at the next midnight, which would not exist
        raise PeriodError("to", f"The last date must be before {date.max.isoformat()}.")
    return Period(start, end)


def safe_cell(value: Cell) -> Cell:
    """The value, with a leading ' when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def iso_utc(moment: datetime | None) -> str:
    """A stored naive UTC time as ISO 8601 with a Z, e.g. 2026-11-20T10:00:00Z."""
    if moment is None:
        return ""
    return moment.replace(microsecond=0).isoformat() + "Z"


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """The whole CSV text, every cell made safe."""
    return "".join(csv_chunks(header, rows))


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """The CSV text a few hundred rows at a time, so a long export streams."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(cell) for cell in row])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def board_rows(board: Board) -> list[tuple[Cell, ...]]:
    """One CSV row per board row, in rank order."""
    return [(r.rank, r.username, r.score, iso_utc(r.reached_at), r.user_id) for r in board.rows]


def board_csv(board: Board) -> str:
    """The board as CSV text."""
    return to_csv(BOARD_COLUMNS, board_rows(board))


def board_filename(board: Board) -> str:
    """e.g. board-quiz-social-media-timed-2026-W47.csv."""
    parts = ["board", str(board.kind), board.quiz_id or "", board.mode, board.period]
    return "-".join(p for p in parts if p) + ".csv"


def answer_rows(period: Period) -> Iterator[tuple[Cell, ...]]:
    """Every answer (or time-out) recorded within the period, oldest first."""
    start, end = period.bounds
    query = (
        select(
            RoundQuestion.answered_at,
            Round.id,
            User.username,
            Round.quiz_id,
            Round.mode,
            RoundQuestion.question_id,
            RoundQuestion.version,
            RoundQuestion.result,
            RoundQuestion.points,
            RoundQuestion.elapsed_ms,
            RoundQuestion.flagged,
        )
        .join(Round, Round.id == RoundQuestion.round_id)
        .outerjoin(User, User.id == Round.user_id)
        .where(RoundQuestion.answered_at >= start, RoundQuestion.answered_at < end)
        .order_by(RoundQuestion.answered_at, RoundQuestion.id)
        .execution_options(yield_per=CHUNK_ROWS)
    )
    for row in db.session.execute(query):
        yield (
            iso_utc(row[0]),
            row[1],
            row[2] if row[2] is not None else "guest",
            *row[3:8],
            row[8],
            row[9],
            "true" if row[10] else "false",
        )


def answers_csv(period: Period) -> Iterator[str]:
    """The period's answers as CSV text, streamed in chunks."""
    return csv_chunks(ANSWER_COLUMNS, answer_rows(period))


def answers_filename(period: Period) -> str:
    """e.g. answers-2026-01-01-to-2026-01-31.csv."""
    return f"answers-{period.first.isoformat()}-to-{period.last.isoformat()}.csv"
