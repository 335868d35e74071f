"""The floor under the load targets: the least a card or a board refresh must do, timed.

    .venv/bin/python bench/floor.py                      # in-process, temporary SQLite
    .venv/bin/python bench/floor.py --database-url postgresql://postgres@127.0.0.1:5432/quizapp_bench

bench/load.py compares each page's requests/s with /healthz's. This script asks how far that
ratio can go on this stack at all: it adds bare routes to an app built like production's, each
doing one more of the steps the real pages cannot skip, and times them beside /healthz and the
real pages through Flask's test client in one process (rounds of each, interleaved, so the
machine's drift hits them all alike; the median round counts):

    session          read the guest's signed session cookie (every page of a round does)
    session + round  and fetch the round with its question on screen (find_round, one SELECT)
    session + row    the same row as a plain Core row on a bare engine connection (no ORM
                     session, no objects; autocommit on PostgreSQL, like the app's reads)
    session + write  fetch the round, then one UPDATE of it in a transaction, committed (what
                     any answer must do at least: on SQLite, BEGIN IMMEDIATE and a WAL write)
    user             load the signed-in user (Flask-Login's user loader, one SELECT)

The ratio printed is /healthz's time over the route's: the share of /healthz's requests/s the
route could reach if nothing else (server, network) cost anything. A target above a floor
route's ratio cannot be met by the page that needs more than that route does.

`bench/load.py --floor` sends the same routes through gunicorn and wrk (it serves
`floor_app()` from this file), so the floor is also measured the way the targets are.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, session
from flask_login import current_user

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _ok() -> Response:
    return Response("ok\n", mimetype="text/plain")


def add_floor_routes(app: Flask) -> None:
    """Bare routes, each doing one more step than the one before (registered before any request)."""
    from sqlalchemy import bindparam, select, update

    from quizapp.database import mark_write
    from quizapp.extensions import db
    from quizapp.models import Round
    from quizapp.services import rounds
    from quizapp.views.play import current_player

    bp = Blueprint("floor", __name__)
    row_query = select(Round.__table__).where(Round.public_id == bindparam("public_id"))

    @bp.get("/floor/session")
    def session_only() -> Response:
        session.get("guest_id")
        return _ok()

    @bp.get("/floor/round/<public_id>")
    def session_and_round(public_id: str) -> Response:
        rounds.find_round(public_id, current_player())
        return _ok()

    @bp.get("/floor/row/<public_id>")
    def session_and_row(public_id: str) -> Response:
        session.get("guest_id")
        # The engine the app's session reads through: in autocommit on PostgreSQL (a GET).
        with db.session.get_bind().connect() as connection:
            connection.execute(row_query, {"public_id": public_id}).first()
        return _ok()

    @bp.get("/floor/write/<public_id>")
    def session_and_write(public_id: str) -> Response:
        mark_write()
        round_ = rounds.find_round(public_id, current_player())
        touch = update(Round).where(Round.id == round_.id).values(position=Round.position)
        db.session.execute(touch)
        db.session.commit()
        return _ok()

    @bp.get("/floor/user")
    def user_only() -> Response:
        assert current_user.is_authenticated
        return _ok()

    app.register_blueprint(bp)


def floor_app() -> Flask:
    """The production app (configured from the environment, as wsgi.py's) plus the floor routes."""
    from quizapp import create_app

    app = create_app()
    add_floor_routes(app)
    return app


def floor_entries(cards: list[Any], viewers: list[Any]) -> dict[str, list[Any]]:
    """Requests for each floor route, with the sessions of the card and board requests."""
    from load_data import Entry

    def to(path: str, entries: list[Any], with_round: bool = False) -> list[Any]:
        return [
            Entry("GET", path + (e.path.rsplit("/", 1)[1] if with_round else ""), "", e.headers)
            for e in entries
        ]

    return {  # in the order of the module's docstring
        "session": to("/floor/session", cards),
        "session + round": to("/floor/round/", cards, True),
        "session + row": to("/floor/row/", cards, True),
        "session + write": to("/floor/write/", cards, True),
        "user (signed in)": to("/floor/user", viewers),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: a temporary SQLite)")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (15)")
    parser.add_argument("--requests", type=int, default=200, help="requests per route a round")
    args = parser.parse_args(argv)

    import load_data as data

    temp = Path(tempfile.mkdtemp(prefix="quizapp-floor-"))
    app, url = data.migrated_app(args.database_url, temp)
    add_floor_routes(app)
    tag = "floor-" + secrets.token_hex(3) + "-"
    template = data.guest_template(app)
    cards = data.card_entries(app, template, tag + "c", 8)
    viewers = data.board_entries(app, data.seed_board(app), "http://localhost")
    # a fresh round's question for every answer sent, warm-up included
    answers = data.answer_entries(
        app, template, tag + "a", (args.rounds + 4) * args.requests, "http://localhost"
    ).entries
    client = app.test_client(use_cookies=False)

    routes: list[tuple[str, list[Any]]] = [
        ("/healthz (baseline)", [data.Entry("GET", "/healthz")]),
        *floor_entries(cards, viewers).items(),
        ("question card GET", cards),
        ("answer POST (htmx)", answers),
        ("leaderboard fragment", viewers),
    ]

    def send(entry: Any) -> None:
        headers = [("User-Agent", data.USER_AGENT), *entry.headers]
        response = client.open(
            entry.path, method=entry.method, headers=headers, data=entry.body or None
        )
        if response.status_code != 200:
            raise SystemExit(f"{entry.method} {entry.path} answered {response.status_code}")

    sent = dict.fromkeys((name for name, _ in routes), 0)

    def send_some(name: str, entries: list[Any], count: int) -> None:
        # each list is walked on from where it stopped: no answer is sent twice
        for i in range(sent[name], sent[name] + count):
            send(entries[i % len(entries)])
        sent[name] += count

    for name, entries in routes:  # warm up: templates compiled, statements cached, pool filled
        send_some(name, entries, 4 * args.requests // 10)
    times: dict[str, list[float]] = {name: [] for name, _ in routes}
    for _ in range(args.rounds):
        for name, entries in routes:
            started = time.perf_counter()
            send_some(name, entries, args.requests)
            times[name].append((time.perf_counter() - started) / args.requests)

    label = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    base = statistics.median(times[routes[0][0]])
    print(f"\n{label}: median of {args.rounds} interleaved rounds of {args.requests} requests")
    print(f"{'route':<24}{'ms':>8}{'vs base':>10}")
    for name, _ in routes:
        ms = statistics.median(times[name])
        print(f"{name:<24}{1000 * ms:>8.3f}{100 * base / ms:>9.0f}%")
    if url.startswith("postgresql"):
        data.delete_rounds(app, tag, template)
    data.dispose(app)
    shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
