"""Leaderboards: maintained best scores, totals and band counts, read with indexed range scans."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Select,
    bindparam,
    delete,
    false,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import DateTime, Integer

from ..extensions import db
from ..game.scoring import Mode
from ..models import BestScore, BoardCount, Round, TotalScore, User
from .catalog import get_catalog
from .quizzes import quiz_title

ALL_TIME = "all"
DAILY_PREFIX = "daily-"
NEIGHBOURS = 2  # players shown above and below "you" when you are outside the top
# board_counts keeps the number of visible players per board and band of BUCKET_WIDTH points;
# the totals boards are counted under this quiz id. Changing the width needs a recount.
BUCKET_WIDTH = 100
TOTAL_BOARD = "*"
_WIDTH = literal_column(str(BUCKET_WIDTH), Integer)  # inline: PostgreSQL groups by it


class BoardKind(StrEnum):
    QUIZ = "quiz"
    OVERALL = "overall"
    WEEK = "week"
    DAILY = "daily"


class UnknownBoard(ValueError):
    """No such board: an unknown kind or mode, or a quiz board without a quiz."""


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One player's line on a board."""

    rank: int
    user_id: int
    username: str
    score: int
    reached_at: datetime


@dataclass(frozen=True, slots=True)
class Board:
    """The top of a board, plus the asking player's neighbourhood when they are further down."""

    kind: BoardKind
    mode: str
    quiz_id: str | None
    period: str
    title: str
    rows: tuple[BoardRow, ...]
    me: BoardRow | None
    around_me: tuple[BoardRow, ...]


def period_of(moment: datetime) -> str:
    """The ISO week of a moment, e.g. "2026-W47"."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def daily_quiz_id(day: date) -> str:
    """The quiz id of one day's daily challenge, e.g. "daily-2026-11-22"."""
    return f"{DAILY_PREFIX}{day.isoformat()}"


def is_daily(quiz_id: str) -> bool:
    """True for a daily-challenge quiz id (those never count towards totals)."""
    return quiz_id.startswith(DAILY_PREFIX)


@dataclass(frozen=True, slots=True)
class _Queries:
    """A board table's three reads, built once; values arrive as bound parameters."""

    top: Select[Any]
    me: Select[Any]
    near: Select[Any]  # up to NEIGHBOURS rows on each side of the player, in one statement


@functools.cache
def _queries(per_quiz: bool) -> _Queries:
    """The reads of best_scores (per quiz boards) or of total_scores (sums over quizzes)."""
    t: Any = (BestScore if per_quiz else TotalScore).__table__
    users: Any = User.__table__

    def board(table: Any) -> list[Any]:
        keys = ["period", "mode", *(["quiz_id"] if per_quiz else [])]
        return [table.c[k] == bindparam(k) for k in keys] + [table.c.hidden == false()]

    def rows(table: Any, *where: Any) -> Select[Any]:
        value = table.c.score if per_quiz else table.c.total
        columns = (table.c.user_id, users.c.username, value, table.c.reached_at)
        joined = select(*columns).join_from(table, users, users.c.id == table.c.user_id)
        return joined.where(*board(table), *where)

    def count(*where: Any) -> Any:
        return select(func.count()).select_from(t).where(*board(t), *where).scalar_subquery()

    def order(value: Any, at: Any, uid: Any, upwards: bool) -> tuple[Any, ...]:
        return (
            (value.asc(), at.desc(), uid.desc()) if upwards else (value.desc(), at.asc(), uid.asc())
        )

    def picked(*where: Any, limit: Any, upwards: bool = False) -> Any:
        """The first `limit` rows in board order (reversed: upwards), without names: the sort
        may have to read a long run of equal scores, and only the rows kept need a name."""
        value = t.c.score if per_quiz else t.c.total
        return (
            select(t.c.user_id, value.label("value"), t.c.reached_at)
            .where(*board(t), *where)
            .order_by(*order(value, t.c.reached_at, t.c.user_id, upwards))
            .limit(limit)
            .subquery()
        )

    def named(rows: Any) -> Select[Any]:
        """Rows of `picked` (or a union of them) with their names, in board order."""
        c = rows.c
        return (
            select(c.user_id, users.c.username, c.value, c.reached_at)
            .join_from(rows, users, users.c.id == c.user_id)
            .order_by(*order(c.value, c.reached_at, c.user_id, upwards=False))
        )

    value, at, uid = (t.c.score if per_quiz else t.c.total), t.c.reached_at, t.c.user_id
    me = t.alias("me")
    mine = me.c.score if per_quiz else me.c.total
    counts: Any = BoardCount.__table__
    bucket = mine // _WIDTH
    bands_above = (
        select(func.coalesce(func.sum(counts.c.n), 0))
        .where(
            counts.c.period == bindparam("period"),
            counts.c.quiz_id == (bindparam("quiz_id") if per_quiz else literal(TOTAL_BOARD)),
            counts.c.mode == bindparam("mode"),
            counts.c.bucket > bucket,
        )
        .scalar_subquery()
    )
    # Rank = 1 + visible rows strictly ahead: the counts of the bands above the player's, then
    # index range counts inside the player's band only (an OR would scan more).
    ahead_of_me = (
        bands_above
        + count(value > mine, value < (bucket + 1) * _WIDTH)
        + count(value == mine, at < me.c.reached_at)
        + count(value == mine, at == me.c.reached_at, uid < me.c.user_id)
    )
    score, user = bindparam("score", type_=Integer), bindparam("user", type_=Integer)
    moment = bindparam("at", type_=DateTime)
    # The board index is (..., value DESC, reached_at, user_id). The neighbours are four short
    # walks of it from the player: backwards (above) and forwards (below), first through the
    # players tied with them, then into the other scores. Each reads a few index entries
    # however long the run of equal scores (<= and >= bound the range, the OR only filters).
    tied_earlier = (value == score, at <= moment, or_(at < moment, uid < user))
    tied_later = (value == score, at >= moment, or_(at > moment, uid > user))
    sides = [  # (rows, whether they are ahead of the player)
        (picked(*tied_earlier, limit=NEIGHBOURS, upwards=True), 1),
        (picked(value > score, limit=NEIGHBOURS, upwards=True), 1),
        (picked(*tied_later, limit=NEIGHBOURS), 0),
        (picked(value < score, limit=NEIGHBOURS), 0),
    ]
    tagged = [select(*rows.c, literal(side, Integer).label("ahead")) for rows, side in sides]
    near = union_all(*tagged).subquery()
    return _Queries(
        top=named(picked(limit=bindparam("limit", type_=Integer))),
        me=rows(me, me.c.user_id == bindparam("user")).add_columns(ahead_of_me),
        near=named(near).add_columns(near.c.ahead),
    )


def _row(rank: int, row: Any) -> BoardRow:
    return BoardRow(rank, int(row[0]), str(row[1]), int(row[2]), row[3])


def _me(
    queries: _Queries, keys: dict[str, Any], rows: tuple[BoardRow, ...], user_id: int | None
) -> tuple[BoardRow | None, tuple[BoardRow, ...]]:
    """The asking player's row, and their neighbours when they are below the top rows."""
    mine = next((r for r in rows if r.user_id == user_id), None)
    if mine is not None or user_id is None:
        return mine, ()
    found = db.session.execute(queries.me, keys | {"user": user_id}).first()
    if found is None:
        return None, ()
    me = _row(1 + int(found[4]), found)
    around = keys | {"score": me.score, "at": me.reached_at, "user": me.user_id}
    # In board order: up to 2 x NEIGHBOURS players ahead of the player, then as many behind.
    near = db.session.execute(queries.near, around).all()
    ahead = [r for r in near if r.ahead][-NEIGHBOURS:]
    behind = [r for r in near if not r.ahead][:NEIGHBOURS]
    return me, (
        *(_row(me.rank - len(ahead) + i, r) for i, r in enumerate(ahead)),
        me,
        *(_row(me.rank + i, r) for i, r in enumerate(behind, 1)),
    )


def get_board(
    kind: BoardKind,
    mode: str,
    *,
    now: datetime,
    quiz_id: str | None = None,
    user_id: int | None = None,
    limit: int = 20,
) -> Board:
    """The board's top `limit` rows and the asking player's rank (UnknownBoard if no such board)."""
    if kind not in set(BoardKind) or mode not in set(Mode):
        raise UnknownBoard(f"no {kind!r} board in {mode!r} mode")
    kind = BoardKind(kind)
    if kind is BoardKind.DAILY and not (quiz_id and is_daily(quiz_id)):
        quiz_id = daily_quiz_id(now.date())
    elif kind is BoardKind.QUIZ and not quiz_id:
        raise UnknownBoard("a quiz board needs a quiz")
    elif kind in (BoardKind.OVERALL, BoardKind.WEEK):
        quiz_id = None
    period = period_of(now) if kind is BoardKind.WEEK else ALL_TIME
    per_quiz = kind in (BoardKind.QUIZ, BoardKind.DAILY)
    queries = _queries(per_quiz)
    keys = {"period": period, "mode": mode} | ({"quiz_id": quiz_id} if per_quiz else {})
    found = db.session.execute(queries.top, keys | {"limit": limit})
    rows = tuple(_row(i, r) for i, r in enumerate(found, 1))
    me, around = _me(queries, keys, rows, user_id)
    titles = {BoardKind.OVERALL: "Overall", BoardKind.WEEK: f"This week ({period})"}
    title = titles.get(kind) or quiz_title(get_catalog(), quiz_id or "")
    return Board(kind, mode, quiz_id, period, title, rows, me, around)


# --- maintaining the aggregates ------------------------------------------------------------------

# One player's rows in one mode: bests by (period, quiz_id) as (score, round_id, reached_at),
# totals by period as (total, reached_at).
_Bests = dict[tuple[str, str], tuple[int, int, datetime]]
_Totals = dict[str, tuple[int, datetime]]
_State = tuple[_Bests, _Totals]
# A board is (period, quiz_id or TOTAL_BOARD, mode); a band of it adds the bucket.
_BoardKey = tuple[str, str, str]
_Band = tuple[str, str, str, int]


def bucket_of(value: int) -> int:
    """The band of a score or total in board_counts (scores are never negative)."""
    return value // BUCKET_WIDTH


def _periods(quiz_id: str, finished_at: datetime) -> tuple[str, ...]:
    # A daily challenge has its own board only; a week row for it would never be read.
    return (ALL_TIME,) if is_daily(quiz_id) else (ALL_TIME, period_of(finished_at))


def _fold(state: _State, round_id: int, quiz_id: str, score: int, finished_at: datetime) -> None:
    """Apply one finished ranked round to a player's bests and totals in its mode (pure)."""
    bests, totals = state
    periods = _periods(quiz_id, finished_at)
    for period in periods:
        old = bests.get((period, quiz_id))
        # A tie keeps whoever got there first.
        if old is None or (score, old[2]) > (old[0], finished_at):
            bests[(period, quiz_id)] = (score, round_id, finished_at)
    for period in periods if not is_daily(quiz_id) else ():
        # Summing the bests (not adding the round) is what makes replaying one quiz useless.
        total = sum(b[0] for (p, q), b in bests.items() if p == period and not is_daily(q))
        if period not in totals or totals[period][0] != total:
            totals[period] = (total, finished_at)


def _lock_player(user_id: int) -> bool:
    """Lock the player's row until commit so their board writes queue up; their hidden flag."""
    # FOR NO KEY UPDATE (key_share) still lets other transactions insert rounds for them.
    query = select(User.is_hidden).where(User.id == user_id).with_for_update(key_share=True)
    return bool(db.session.scalar(query))


def record_finished_round(round_: Round, now: datetime) -> None:
    """Fold a just-finished round into the player's bests, totals and board counts (no commit)."""
    user_id, mode, quiz_id = round_.user_id, round_.mode, round_.quiz_id
    if user_id is None or not round_.is_ranked or round_.voided_at is not None:
        return
    hidden = _lock_player(user_id)
    finished_at = round_.finished_at or now
    periods = _periods(quiz_id, finished_at)
    b, t = BestScore.__table__, TotalScore.__table__
    # The rows this round can change: its quiz's bests, and the bests its totals add up.
    others = or_(b.c.quiz_id == quiz_id, b.c.quiz_id.not_like(f"{DAILY_PREFIX}%"))
    mine = (b.c.user_id == user_id, b.c.mode == mode, b.c.period.in_(periods), others)
    best_rows = select(b.c.period, b.c.quiz_id, b.c.score, b.c.round_id, b.c.reached_at, b.c.hidden)
    total_rows = select(t.c.period, t.c.total, t.c.reached_at, t.c.hidden).where(
        t.c.user_id == user_id, t.c.mode == mode, t.c.period.in_(periods)
    )
    bests: _Bests = {}
    totals: _Totals = {}
    shown: set[tuple[str, str]] = set()  # the rows counted on their boards now
    for period, quiz, score, round_id, at, was_hidden in db.session.execute(best_rows.where(*mine)):
        bests[(period, quiz)] = (score, round_id, at)
        if not was_hidden:
            shown.add((period, quiz))
    for period, total, at, was_hidden in db.session.execute(total_rows):
        totals[period] = (total, at)
        if not was_hidden:
            shown.add((period, TOTAL_BOARD))
    new: _State = (dict(bests), dict(totals))
    _fold(new, round_.id, quiz_id, round_.score, finished_at)
    moves: Counter[_Band] = Counter()
    _write(user_id, mode, hidden, (bests, totals), new, shown, moves)
    _shift_counts(moves)


def _write(
    user_id: int,
    mode: str,
    hidden: bool,
    old: _State,
    new: _State,
    shown: set[tuple[str, str]],
    moves: Counter[_Band],
) -> None:
    """Upsert the rows of one player in one mode that differ between `old` and `new`.

    `shown` holds the (period, quiz_id or TOTAL_BOARD) of the old rows counted on their boards;
    how each rewritten row moves between bands is added to `moves`.
    """
    base = {"user_id": user_id, "mode": mode, "hidden": hidden}
    bests, totals = [], []
    for (p, q), (s, r, at) in new[0].items():
        before = old[0].get((p, q))
        if before != (s, r, at):
            bests.append(
                base | {"period": p, "quiz_id": q, "score": s, "round_id": r, "reached_at": at}
            )
            counted = before[0] if before is not None and (p, q) in shown else None
            _tally(moves, (p, q, mode), counted, None if hidden else s)
    for p, (total, at) in new[1].items():
        was = old[1].get(p)
        if was != (total, at):
            totals.append(base | {"period": p, "total": total, "reached_at": at})
            counted = was[0] if was is not None and (p, TOTAL_BOARD) in shown else None
            _tally(moves, (p, TOTAL_BOARD, mode), counted, None if hidden else total)
    _upsert(BestScore, bests, ("period", "quiz_id", "mode", "user_id"))
    _upsert(TotalScore, totals, ("period", "mode", "user_id"))


def _tally(moves: Counter[_Band], board: _BoardKey, before: int | None, after: int | None) -> None:
    """Move one row out of the band of `before` into the band of `after` (None: not counted)."""
    if before is not None:
        moves[(*board, bucket_of(before))] -= 1
    if after is not None:
        moves[(*board, bucket_of(after))] += 1


def _shift_counts(moves: Counter[_Band]) -> None:
    """Apply band count changes as atomic increments (n = n + change), in key order.

    Other writers may change the same bands at the same time: an increment cannot lose an
    update, and as every writer locks count rows in the same order, no two can each hold a row
    the other waits for (a deadlock). Call it once per transaction, after the player's rows.
    Rows deleted by a foreign-key cascade (a user or round deleted in SQL) are not counted
    out; recount_boards() repairs the counts after such a deletion.
    """
    rows = [
        {"period": p, "quiz_id": q, "mode": m, "bucket": b, "n": n}
        for (p, q, m, b), n in sorted(moves.items())
        if n
    ]
    _upsert(BoardCount, rows, ("period", "quiz_id", "mode", "bucket"), adding=True)


def _upsert(
    model: Any, rows: list[dict[str, Any]], key: tuple[str, ...], *, adding: bool = False
) -> None:
    """Insert the rows, or on a key clash set their other columns (or add to them)."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
    table = model.__table__
    changes = {
        name: table.c[name] + statement.excluded[name] if adding else statement.excluded[name]
        for name in rows[0]
        if name not in key
    }
    db.session.execute(statement.on_conflict_do_update(index_elements=key, set_=changes), rows)


def _rows_of(user_id: int, hidden: bool) -> Iterable[tuple[_BoardKey, int]]:
    """The player's aggregate rows whose hidden flag is `hidden`, as (board, score or total)."""
    b, t = BestScore.__table__, TotalScore.__table__
    query = union_all(
        select(b.c.period, b.c.quiz_id, b.c.mode, b.c.score).where(
            b.c.user_id == user_id, b.c.hidden == hidden
        ),
        select(t.c.period, literal(TOTAL_BOARD), t.c.mode, t.c.total).where(
            t.c.user_id == user_id, t.c.hidden == hidden
        ),
    )
    return [((p, q, m), int(value)) for p, q, m, value in db.session.execute(query)]


def rebuild_user(user_id: int) -> None:
    """Recompute every aggregate row of one player from their rounds, counts included (no
    commit)."""
    hidden = _lock_player(user_id)
    moves: Counter[_Band] = Counter()
    for board, value in _rows_of(user_id, hidden=False):
        _tally(moves, board, value, None)
    for model in (BestScore, TotalScore):
        db.session.execute(delete(model).where(model.user_id == user_id))
    counted = (Round.finished_at.is_not(None), Round.is_ranked.is_(True), Round.voided_at.is_(None))
    query = (
        select(Round.mode, Round.id, Round.quiz_id, Round.score, Round.finished_at)
        .where(Round.user_id == user_id, *counted)
        .order_by(Round.finished_at, Round.id)
    )
    by_mode: dict[str, _State] = {}
    for mode, round_id, quiz_id, score, finished_at in db.session.execute(query):
        assert finished_at is not None  # selected above
        _fold(by_mode.setdefault(mode, ({}, {})), round_id, quiz_id, score, finished_at)
    for mode, state in by_mode.items():
        _write(user_id, mode, hidden, ({}, {}), state, set(), moves)
    _shift_counts(moves)


def set_hidden(user_id: int, hidden: bool) -> None:
    """Mirror the player's hidden flag into their aggregate rows and the counts (no commit)."""
    _lock_player(user_id)
    moves: Counter[_Band] = Counter()
    for board, value in _rows_of(user_id, hidden=not hidden):
        # Hiding takes the row out of its band; showing it again puts it back.
        _tally(moves, board, value if hidden else None, None if hidden else value)
    for model in (BestScore, TotalScore):
        db.session.execute(update(model).where(model.user_id == user_id).values(hidden=hidden))
    _shift_counts(moves)


def recount_boards() -> None:
    """Refill board_counts from best_scores and total_scores (no commit).

    For a bulk load or a repair; the app itself keeps the counts up to date as it writes.
    """
    b, t = BestScore.__table__, TotalScore.__table__
    best_band, total_band = b.c.score // _WIDTH, t.c.total // _WIDTH
    bests = (
        select(b.c.period, b.c.quiz_id, b.c.mode, best_band, func.count())
        .where(b.c.hidden == false())
        .group_by(b.c.period, b.c.quiz_id, b.c.mode, best_band)
    )
    totals = (
        select(t.c.period, literal(TOTAL_BOARD), t.c.mode, total_band, func.count())
        .where(t.c.hidden == false())
        .group_by(t.c.period, t.c.mode, total_band)
    )
    columns = ["period", "quiz_id", "mode", "bucket", "n"]
    db.session.execute(delete(BoardCount))
    db.session.execute(insert(BoardCount).from_select(columns, union_all(bests, totals)))
