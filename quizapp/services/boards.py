"""Leaderboards: maintained best scores and totals, read with indexed range scans."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, bindparam, delete, false, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import DateTime, Integer

from ..extensions import db
from ..game.scoring import Mode
from ..models import BestScore, Round, TotalScore, User
from .catalog import get_catalog
from .quizzes import quiz_title

ALL_TIME = "all"
DAILY_PREFIX = "daily-"
NEIGHBOURS = 2  # players shown above and below "you" when you are outside the top


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
    """A board table's four reads, built once; values arrive as bound parameters."""

    top: Select[Any]
    me: Select[Any]
    above: Select[Any]
    below: Select[Any]


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

    def first(*where: Any, limit: Any, upwards: bool = False) -> Select[Any]:
        """The first `limit` rows in board order (reversed: upwards), names joined afterwards:
        the sort may have to read a long run of equal scores, and only these rows need one."""
        value = t.c.score if per_quiz else t.c.total
        picked = (
            select(t.c.user_id, value.label("value"), t.c.reached_at)
            .where(*board(t), *where)
            .order_by(*order(value, t.c.reached_at, t.c.user_id, upwards))
            .limit(limit)
            .subquery()
        )
        c = picked.c
        return (
            select(c.user_id, users.c.username, c.value, c.reached_at)
            .join_from(picked, users, users.c.id == c.user_id)
            .order_by(*order(c.value, c.reached_at, c.user_id, upwards))
        )

    value, at, uid = (t.c.score if per_quiz else t.c.total), t.c.reached_at, t.c.user_id
    me = t.alias("me")
    mine = me.c.score if per_quiz else me.c.total
    # Rank = 1 + visible rows strictly ahead: three index range counts (an OR would scan more).
    ahead_of_me = (
        count(value > mine)
        + count(value == mine, at < me.c.reached_at)
        + count(value == mine, at == me.c.reached_at, uid < me.c.user_id)
    )
    score, user = bindparam("score", type_=Integer), bindparam("user", type_=Integer)
    moment = bindparam("at", type_=DateTime)
    earlier = or_(at < moment, and_(at == moment, uid < user))
    later = or_(at > moment, and_(at == moment, uid > user))
    # Each side is one index range read outwards from the player (>= / <= bound the range).
    ahead = and_(value >= score, or_(value > score, earlier))
    behind = and_(value <= score, or_(value < score, later))
    return _Queries(
        top=first(limit=bindparam("limit")),
        me=rows(me, me.c.user_id == bindparam("user")).add_columns(ahead_of_me),
        above=first(ahead, limit=NEIGHBOURS, upwards=True),
        below=first(behind, limit=NEIGHBOURS),
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
    above = db.session.execute(queries.above, around).all()
    below = db.session.execute(queries.below, around).all()
    return me, (
        *(_row(me.rank - i, r) for i, r in reversed(list(enumerate(above, 1)))),
        me,
        *(_row(me.rank + i, r) for i, r in enumerate(below, 1)),
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
    """Fold a just-finished round into the player's bests and totals (no commit)."""
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
    best_rows = select(b.c.period, b.c.quiz_id, b.c.score, b.c.round_id, b.c.reached_at)
    bests = {(r[0], r[1]): (r[2], r[3], r[4]) for r in db.session.execute(best_rows.where(*mine))}
    total_rows = select(t.c.period, t.c.total, t.c.reached_at).where(
        t.c.user_id == user_id, t.c.mode == mode, t.c.period.in_(periods)
    )
    totals = {r[0]: (r[1], r[2]) for r in db.session.execute(total_rows)}
    new: _State = (dict(bests), dict(totals))
    _fold(new, round_.id, quiz_id, round_.score, finished_at)
    _write(user_id, mode, hidden, (bests, totals), new)


def _write(user_id: int, mode: str, hidden: bool, old: _State, new: _State) -> None:
    """Upsert the rows of one player in one mode that differ between `old` and `new`."""
    base = {"user_id": user_id, "mode": mode, "hidden": hidden}
    bests = [
        base | {"period": p, "quiz_id": q, "score": s, "round_id": r, "reached_at": at}
        for (p, q), (s, r, at) in new[0].items()
        if old[0].get((p, q)) != (s, r, at)
    ]
    totals = [
        base | {"period": p, "total": total, "reached_at": at}
        for p, (total, at) in new[1].items()
        if old[1].get(p) != (total, at)
    ]
    _upsert(BestScore, bests, ("period", "quiz_id", "mode", "user_id"))
    _upsert(TotalScore, totals, ("period", "mode", "user_id"))


def _upsert(model: Any, rows: list[dict[str, Any]], key: tuple[str, ...]) -> None:
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
    changes = {name: statement.excluded[name] for name in rows[0] if name not in key}
    db.session.execute(statement.on_conflict_do_update(index_elements=key, set_=changes), rows)


def rebuild_user(user_id: int) -> None:
    """Recompute every aggregate row of one player from their rounds (no commit)."""
    hidden = _lock_player(user_id)
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
        _write(user_id, mode, hidden, ({}, {}), state)


def set_hidden(user_id: int, hidden: bool) -> None:
    """Mirror the player's hidden flag into their aggregate rows (no commit)."""
    _lock_player(user_id)
    for model in (BestScore, TotalScore):
        db.session.execute(update(model).where(model.user_id == user_id).values(hidden=hidden))
