"""Engine tuning: SQLite pragmas and write locks on connect, a sized PostgreSQL pool."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

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


def upgrade_to_write() -> None:
    """End the current read transaction; the next one takes the write lock (on SQLite).

    For a GET that finds out it must write: SQLite refuses to turn a read transaction whose
    snapshot is stale into a write one, so the read ends first.
    """
    from .extensions import db

    db.session.rollback()
    mark_write()


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

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write_lock() else "BEGIN")


def init_engine(app: Flask, engine: Engine) -> None:
    """Attach the per-database tuning to the app's engine (no connection is opened here)."""
    if engine.dialect.name == "sqlite":
        tune_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
