"""Time the leaderboards (top 20 + "your rank") on 10k, 100k and 1M finished rounds.

    .venv/bin/python bench/boards.py                      # a temporary SQLite file
    .venv/bin/python bench/boards.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/quizapp_b

The database's tables are dropped and refilled: never point this at data you want to keep.
Each size is loaded from scratch with bulk inserts (rounds, then the aggregate rows computed
with the app's own folding rule, so they match what playing those rounds would have stored,
then the per-band counts with the app's own recount), then each board is read for a player in
the middle of it, several times; the median is shown.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, text

from quizapp import create_app
from quizapp.extensions import db
from quizapp.services import boards
from quizapp.services.boards import BoardKind

NOW = datetime(2026, 11, 25, 12, 0)
QUIZZES = ("faq-2024", "milestones-2024", "social-media", "mixed")
DAYS = 56  # rounds spread over eight weeks
SIZES = (10_000, 100_000, 1_000_000)
RUNS = 9
# Timed scores are spread out; relaxed ones take 11 values (0 to 10 right x 750), so a relaxed
# board is long runs of ties, ordered by who got there first.
MODES = ("timed", "relaxed")
ROUND_COLUMNS = (
    "id, public_id, user_id, quiz_id, mode, seed, size, position, score, correct_count, streak, "
    "best_streak, is_ranked, flagged_count, started_at, finished_at"
)
BEST_COLUMNS = "period, quiz_id, mode, user_id, round_id, score, reached_at, hidden"
TOTAL_COLUMNS = "period, mode, user_id, total, reached_at, hidden"


def fake_rounds(count: int, players: int, rng: random.Random) -> list[tuple[Any, ...]]:
    """Finished rounds, oldest first: 10 % daily challenges (a quarter of them today)."""
    rows = []
    for _ in range(count):
        daily = rng.random() < 0.1
        if daily and rng.random() < 0.25:
            finished = NOW - timedelta(seconds=rng.randrange(12 * 3600))  # today, before noon
        else:
            finished = NOW - timedelta(seconds=rng.randrange(DAYS * 86_400))
        quiz = boards.daily_quiz_id(finished.date()) if daily else rng.choice(QUIZZES)
        mode = "timed" if rng.random() < 0.7 else "relaxed"
        correct = rng.randint(0, 10)
        score = correct * rng.randint(500, 1100) if mode == "timed" else correct * 750
        ranked = rng.random() > 0.03
        rows.append((rng.randint(1, players), quiz, mode, score, correct, ranked, finished))
    rows.sort(key=lambda row: row[-1])
    return [(i, *row) for i, row in enumerate(rows, 1)]


def aggregates(
    rounds: Sequence[tuple[Any, ...]], hidden: set[int]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """best_scores and total_scores rows for these rounds (oldest first), in closed form.

    A best is the first round to reach the top score; a total is the sum of the bests, last
    changed when its latest non-zero best was reached (check_consistency compares this with
    what the app's own incremental rule stores).
    """
    bests: dict[tuple[str, str, str, int], tuple[int, int, datetime]] = {}
    for round_id, user, quiz, mode, score, _correct, ranked, finished in rounds:
        if not ranked:
            continue
        periods = ("all",) if boards.is_daily(quiz) else ("all", boards.period_of(finished))
        for period in periods:
            old = bests.get((period, quiz, mode, user))
            if old is None or score > old[0]:  # oldest first: a tie keeps the earlier round
                bests[(period, quiz, mode, user)] = (score, round_id, finished)
    totals: dict[tuple[str, str, int], tuple[int, datetime, datetime | None]] = {}
    for (period, quiz, mode, user), (score, _round_id, reached) in bests.items():
        if boards.is_daily(quiz):
            continue
        total, first, changed = totals.get((period, mode, user), (0, reached, None))
        if score > 0 and (changed is None or reached > changed):
            changed = reached
        totals[(period, mode, user)] = (total + score, min(first, reached), changed)
    best_rows = sorted(
        (period, quiz, mode, user, round_id, score, reached, user in hidden)
        for (period, quiz, mode, user), (score, round_id, reached) in bests.items()
    )
    total_rows = sorted(
        (period, mode, user, total, changed or first, user in hidden)
        for (period, mode, user), (total, first, changed) in totals.items()
    )
    return best_rows, total_rows


def round_rows(rounds: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for round_id, user, quiz, mode, score, correct, ranked, finished in rounds:
        started = finished - timedelta(minutes=3)
        yield (round_id, f"r{round_id}", user, quiz, mode, round_id, 10, 10, score, correct,
               0, min(correct, 5), ranked, 0, started, finished)  # fmt: skip


def bulk_insert(table: str, columns: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """COPY on PostgreSQL, executemany on SQLite, in the current transaction."""
    connection = db.session.connection().connection.dbapi_connection
    assert connection is not None
    cursor = connection.cursor()
    if db.engine.dialect.name == "postgresql":
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns.split(","))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", map(sqlite_row, rows)
        )


def sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Times written the way SQLAlchemy writes them, so that they compare as it expects."""
    return tuple(v.isoformat(" ", "microseconds") if isinstance(v, datetime) else v for v in row)


def load(size: int, rng: random.Random) -> tuple[int, float]:
    """Empty the tables and fill them with `size` rounds; (players, seconds taken)."""
    started = time.perf_counter()
    players = max(1_000, size // 10)
    db.session.remove()  # no transaction may outlive the tables it read
    db.drop_all()
    db.create_all()
    hidden = set(rng.sample(range(1, players + 1), players // 200))  # 0.5 % hidden cheats
    users = ((i, f"player{i}", f"player{i}", "-", False, i in hidden, 0, NOW)
             for i in range(1, players + 1))  # fmt: skip
    columns = "id, username, username_key, password_hash, is_admin, is_hidden, session_version"
    bulk_insert("users", columns + ", created_at", users)
    rounds = fake_rounds(size, players, rng)
    # Building an index once after the load is far quicker than growing it row by row.
    tables = [db.metadata.tables[name] for name in ("rounds", "best_scores", "total_scores")]
    indexes = [index for table in tables for index in table.indexes]
    for index in indexes:
        index.drop(db.session.connection())
    bulk_insert("rounds", ROUND_COLUMNS, round_rows(rounds))
    best_rows, total_rows = aggregates(rounds, hidden)
    bulk_insert("best_scores", BEST_COLUMNS, best_rows)
    bulk_insert("total_scores", TOTAL_COLUMNS, total_rows)
    for index in indexes:
        index.create(db.session.connection())
    boards.recount_boards()
    db.session.commit()
    analyze()
    return players, time.perf_counter() - started


def tune_sqlite() -> None:
    """A bulk load needs neither durability nor SQLite's default 2 MB page cache."""

    @event.listens_for(db.engine, "connect")
    def on_connect(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.execute("PRAGMA synchronous = OFF")
        dbapi_connection.execute("PRAGMA cache_size = -400000")

    db.engine.dispose()


def analyze() -> None:
    """Fresh planner statistics (and, on PostgreSQL, a visibility map for index-only scans)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def middle_player(board: boards.Board) -> tuple[int, int]:
    """A visible player halfway down the board, and their rank in a full sort of it."""
    if board.kind in (BoardKind.QUIZ, BoardKind.DAILY):
        table, value = "best_scores", "score"
        where = "period = :period AND quiz_id = :quiz AND mode = :mode AND NOT hidden"
    else:
        table, value = "total_scores", "total"
        where = "period = :period AND mode = :mode AND NOT hidden"
    args = {"period": board.period, "quiz": board.quiz_id, "mode": board.mode}
    count = db.session.scalar(text(f"SELECT count(*) FROM {table} WHERE {where}"), args)
    query = (
        f"SELECT user_id FROM {table} WHERE {where} "
        f"ORDER BY {value} DESC, reached_at, user_id LIMIT 1 OFFSET :offset"
    )
    offset = (count or 0) // 2
    return int(db.session.scalar(text(query), args | {"offset": offset})), offset + 1


def median_ms(read: Callable[[], object]) -> float:
    """Median wall time of `read`, each run in a fresh transaction as a request would be."""
    timings = []
    for _ in range(RUNS + 1):  # the first run only warms caches
        db.session.rollback()
        started = time.perf_counter()
        read()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings[1:])


def time_board(kind: BoardKind, mode: str, quiz_id: str | None) -> tuple[float, float, int]:
    """(ms for top 20 + my rank, ms for top 20 alone, rank) for a player halfway down."""
    board = boards.get_board(kind, mode, now=NOW, quiz_id=quiz_id)
    user_id, rank = middle_player(board)
    mine = boards.get_board(kind, mode, now=NOW, quiz_id=quiz_id, user_id=user_id)
    assert mine.me is not None and len(mine.around_me) == 5 and len(mine.rows) == 20
    assert mine.me.rank == rank, f"{kind} board: rank {mine.me.rank}, sorted position {rank}"
    neighbours = [row.rank for row in mine.around_me]
    assert neighbours == list(range(rank - 2, rank + 3)), f"{kind} board around me: {neighbours}"
    with_me = median_ms(
        lambda: boards.get_board(kind, mode, now=NOW, quiz_id=quiz_id, user_id=user_id)
    )
    alone = median_ms(lambda: boards.get_board(kind, mode, now=NOW, quiz_id=quiz_id))
    return with_me, alone, mine.me.rank


def check_consistency(rng: random.Random, players: int) -> None:
    """The bulk-built rows equal what rebuild_user computes from the rounds, for a sample;
    taking the player's rows out of the counts and putting them back leaves them as they were.
    """
    counts_before = band_counts()
    for user_id in rng.sample(range(1, players + 1), 5):
        before = snapshot(user_id)
        boards.rebuild_user(user_id)
        after = snapshot(user_id)
        assert after == before, f"aggregates differ for user {user_id}: {before ^ after}"
        counts_after = band_counts()
        assert counts_after == counts_before, f"band counts differ after rebuilding {user_id}"
        db.session.rollback()


def band_counts() -> dict[tuple[Any, ...], int]:
    rows = db.session.execute(text("SELECT period, quiz_id, mode, bucket, n FROM board_counts"))
    return {tuple(r[:4]): r[4] for r in rows if r[4]}


def snapshot(user_id: int) -> set[tuple[Any, ...]]:
    args = {"user": user_id}
    best = db.session.execute(
        text(f"SELECT {BEST_COLUMNS} FROM best_scores WHERE user_id = :user"), args
    )
    total = db.session.execute(
        text(f"SELECT {TOTAL_COLUMNS} FROM total_scores WHERE user_id = :user"), args
    )
    return {tuple(r) for r in best} | {tuple(r) for r in total}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/boards-bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    header = f"{'rounds':>9} {'players':>8} {'load s':>7} {'mode':>8}"
    header += "".join(f" {kind:>23}" for kind in ("quiz", "overall", "week", "daily"))
    print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
    print(f"median of {RUNS} runs, in ms: top 20 + my rank with 2 above and 2 below for a player")
    print("halfway down the board / top 20 alone [that player's rank]")
    print(header)
    rng = random.Random(2026)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            tune_sqlite()
        for size in SIZES:
            players, load_seconds = load(size, rng)
            check_consistency(rng, players)
            for mode in MODES:
                cells = []
                for kind, quiz in (
                    (BoardKind.QUIZ, "social-media"),
                    (BoardKind.OVERALL, None),
                    (BoardKind.WEEK, None),
                    (BoardKind.DAILY, None),
                ):
                    with_me, alone, rank = time_board(kind, mode, quiz)
                    cells.append(f"{with_me:6.2f} / {alone:5.2f} [{rank:>6}]")
                start = f"{size:>9} {players:>8} {load_seconds:>7.1f} {mode:>8}"
                print(start + " " + " ".join(cells), flush=True)
                load_seconds = 0.0
        db.session.remove()
        db.drop_all()


if __name__ == "__main__":
    main()
