"""Engine tuning: SQLite pragmas and write locks on connect, a sized PostgreSQL pool.

Requests that only read (GET, HEAD and OPTIONS that have not called `mark_write`) run their
statements without a transaction: on SQLite no BEGIN, on PostgreSQL in autocommit, so neither
BEGIN nor the ROLLBACK that ends the request costs a round trip. Each statement still sees
committed data only (PostgreSQL's default READ COMMITTED gave a fresh snapshot per statement
anyway). A request that writes declares it first (`mark_write`, or `upgrade_to_write` half
way through a GET) and gets a real transaction; a write attempted while reading only raises
`WriteWhileReading`, so a forgotten declaration shows up in the tests.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from typing import Any

from flask import Flask, g, has_request_context, request
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import ORMExecuteState

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def engine_options(uri: str, config: dict[str, Any]) -> dict[str, Any]:
    """Pool settings for the database in use (PostgreSQL gets a sized, pre-pinged pool)."""
    if uri.startswith("postgresql"):
        return {
            "pool_size": config["DB_POOL_SIZE"],
            "max_overflow": config["DB_MAX_OVERFLOW"],
            "pool_pre_ping": True,
            "pool_recycle": 1800,
        }
    return {}


def mark_write() -> None:
    """Declare that this request writes, so SQLite takes the write lock when it begins."""
    g.db_write = True


def use_transaction() -> None:
    """Read inside one transaction (a server-side cursor needs one), without the write lock."""
    g.db_transaction = True


def upgrade_to_write() -> None:
    """End the current read transaction; the next one takes the write lock (on SQLite).

    For a GET that finds out it must write: SQLite refuses to turn a read transaction whose
    snapshot is stale into a write one, so the read ends first.
    """
    from .extensions import db

    db.session.rollback()
    mark_write()


class WriteWhileReading(RuntimeError):
    """A request that reads only (a GET that did not call mark_write) tried to write."""


def reads_only() -> bool:
    """True inside a GET, HEAD or OPTIONS request that has not declared that it writes."""
    if not has_request_context() or request.method not in SAFE_METHODS:
        return False
    return not (g.get("db_write") or g.get("db_transaction"))


def _wants_write_lock() -> bool:
    if not has_request_context():
        return False
    return request.method not in SAFE_METHODS or bool(g.get("db_write"))


def tune_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, synchronous=NORMAL, busy_timeout and foreign keys on every new SQLite connection.

    SQLite refuses to upgrade a read transaction whose snapshot is stale (SQLITE_BUSY_SNAPSHOT,
    no waiting), so a request that will write begins with BEGIN IMMEDIATE and waits its turn.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    queue = WriterQueue.beside(engine)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        if reads_only():
            return  # each statement is its own read transaction; nothing to roll back
        if not _wants_write_lock():
            connection.exec_driver_sql("BEGIN")
            return
        if queue:
            queue.wait_turn(connection.connection)
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class WriterQueue:
    """Requests that write to one SQLite file take turns on an OS lock, handed over at once.

    SQLite's own busy handler polls, sleeping up to 100 ms between tries, so under load a
    writer keeps waiting long after the lock is free. An exclusive `flock` on a file beside
    the database, taken just before BEGIN IMMEDIATE and dropped right after COMMIT or
    ROLLBACK, wakes the next writer the moment the turn is free, across threads and processes
    (each transaction opens the file on its own). The kernel drops the lock of a process that
    dies; a worker stuck holding it is killed by gunicorn's timeout. Writers that do not queue
    (the command line) still meet SQLite's lock and its busy_timeout.
    """

    def __init__(self, path: str, dialect: Any) -> None:
        self.path = path
        self.held: dict[int, int] = {}  # id(DBAPI connection) -> the descriptor holding it
        commit, rollback = dialect.do_commit, dialect.do_rollback

        def do_commit(dbapi_connection: Any) -> None:
            try:
                commit(dbapi_connection)
            finally:
                self.done(dbapi_connection)

        def do_rollback(dbapi_connection: Any) -> None:
            try:
                rollback(dbapi_connection)
            finally:
                self.done(dbapi_connection)

        dialect.do_commit, dialect.do_rollback = do_commit, do_rollback

    @classmethod
    def beside(cls, engine: Engine) -> WriterQueue | None:
        """A queue for the engine's database file; None for an in-memory database."""
        database = engine.url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return cls(database + "-writers.lock", engine.dialect)

    @staticmethod
    def _key(connection: Any) -> int:
        return id(getattr(connection, "dbapi_connection", connection))

    def wait_turn(self, connection: Any) -> None:
        key = self._key(connection)
        if key in self.held:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self.held[key] = fd

    def done(self, connection: Any) -> None:
        fd = self.held.pop(self._key(connection), None)
        if fd is not None:
            os.close(fd)  # closing the descriptor releases the lock


class ReadAwareSession(Session):
    """Flask-SQLAlchemy's session, in autocommit on PostgreSQL while a request reads only."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        engine = super().get_bind(*args, **kwargs)
        if isinstance(engine, Engine) and engine.dialect.name == "postgresql" and reads_only():
            return _autocommit(engine)
        return engine


_autocommit_engines: dict[int, tuple[Engine, Engine]] = {}


def _autocommit(engine: Engine) -> Engine:
    """The engine's autocommit twin (same pool; the isolation level is reset on return)."""
    known = _autocommit_engines.get(id(engine))
    if known is None or known[0] is not engine:
        known = (engine, engine.execution_options(isolation_level="AUTOCOMMIT"))
        _autocommit_engines[id(engine)] = known
    return known[1]


def guard_writes(session_class: type[Session]) -> None:
    """Refuse writes (ORM flushes and INSERT/UPDATE/DELETE) while the request reads only."""

    def refuse(what: str) -> None:
        raise WriteWhileReading(
            f"{what} in a {request.method} request that did not call mark_write()"
        )

    @event.listens_for(session_class, "do_orm_execute")
    def on_execute(state: ORMExecuteState) -> None:
        if (state.is_insert or state.is_update or state.is_delete) and reads_only():
            refuse(type(state.statement).__name__.upper())

    @event.listens_for(session_class, "before_flush")
    def on_flush(session: Session, _context: object, _instances: object) -> None:
        if (session.new or session.dirty or session.deleted) and reads_only():
            refuse("a flush")


def init_engine(app: Flask, engine: Engine) -> None:
    """Attach the per-database tuning to the app's engine (no connection is opened here)."""
    if engine.dialect.name == "sqlite":
        tune_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
