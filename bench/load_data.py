"""Data for bench/load.py: the database, seeded players, rounds to play, and signed sessions.

Everything is made with the app's own code: the game's round drawing, the boards service for
the leaderboard rows, Flask's session serializer and Flask-WTF's CSRF tokens, so the
requests wrk sends are ones the app accepts from a real browser.
"""

from __future__ import annotations

import logging
import random
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Flask, session, url_for
from flask_wtf.csrf import generate_csrf
from werkzeug.security import generate_password_hash

from quizapp import create_app
from quizapp.bank import Question
from quizapp.config import defaults
from quizapp.extensions import db
from quizapp.game.rounds import draw_round, shuffle_choices
from quizapp.game.scoring import Mode
from quizapp.models import Round, RoundQuestion, User, utcnow
from quizapp.services import boards, rounds
from quizapp.services.catalog import get_catalog
from quizapp.services.quizzes import quiz_cards, quiz_pool

# A phone browser: the sessions are minted for this agent, and wrk sends it with every request.
USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Mobile Safari/537.36"
)
BOARD_PLAYERS = 500  # players with a finished ranked round, so the board has depth
VIEWERS = 8  # signed-in players, ranked outside the top 20, who watch the board
PASSWORD = "bench-password-1"


@dataclass(frozen=True)
class Entry:
    """One prepared HTTP request: a line of the list file that bench/load_list.lua walks."""

    method: str
    path: str
    body: str = ""
    headers: tuple[tuple[str, str], ...] = ()

    def line(self) -> str:
        fields = [self.method, self.path, self.body]
        headers = (("User-Agent", USER_AGENT), *self.headers)
        fields += [f"{name}: {value}" for name, value in headers]
        assert not any("\t" in f or "\n" in f for f in fields), fields
        return "\t".join(fields)


def write_list(path: str, entries: list[Entry]) -> None:
    """The list file for load_list.lua."""
    with open(path, "w", encoding="utf-8") as out:
        out.writelines(entry.line() + "\n" for entry in entries)


# --- the database ------------------------------------------------------------------------------


def ensure_postgres_database(url: str) -> bool:
    """Create the PostgreSQL database named in `url` if it is missing; True if it was created."""
    target = sa.make_url(url)
    admin = sa.create_engine(
        target.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 5},
    )
    try:
        with admin.connect() as conn:
            exists = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            )
            if exists:
                return False
            quoted = admin.dialect.identifier_preparer.quote(str(target.database))
            conn.exec_driver_sql(f"CREATE DATABASE {quoted}")
            return True
    finally:
        admin.dispose()


def postgres_answers(url: str) -> str | None:
    """None if PostgreSQL at `url`'s server answers, else the reason."""
    server = sa.make_url(url).set(database="postgres")
    engine = sa.create_engine(server, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return None
    except sa.exc.OperationalError as error:
        return str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    finally:
        engine.dispose()


def raised_rate_limits() -> dict[str, str]:
    """Every per-address rate limit of the app, raised out of reach.

    All of wrk's requests come from 127.0.0.1, where real players come from many addresses, so
    a limit meant for one player would refuse most of them. Raised rather than switched off, so
    Flask-Limiter still does its work (count and check) on every request it guards.
    """
    return {key: "1000000 per minute" for key in defaults("") if key.endswith("_RATE_LIMIT")}


def bench_app(url: str, secret_key: str) -> Flask:
    """The app as gunicorn builds it (same database, key and limits), for work in-process."""
    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret_key, "PRODUCTION": True}
    config["HTTPS"] = False  # plain HTTP on loopback, like the server it talks to
    return create_app(config | raised_rate_limits())


def migrated_app(url: str | None, temp: Path) -> tuple[Flask, str]:
    """A bench app on `url` (default: a new SQLite file in `temp`), migrated, banks loaded.

    Returns the app and the URL as SQLAlchemy spells it. A PostgreSQL database is created
    if missing. No request has been handled yet, so routes can still be added.
    """
    import flask_migrate

    from quizapp.config import database_url_from_env
    from quizapp.services.snapshots import load_banks

    url = url or f"sqlite:///{temp}/bench.sqlite"
    url = database_url_from_env({"DATABASE_URL": url}) or url
    if url.startswith("postgresql"):
        ensure_postgres_database(url)
    app = bench_app(url, secrets.token_hex(32))
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        flask_migrate.upgrade()
        load_banks(get_catalog())
    return app, url


# --- signed sessions ---------------------------------------------------------------------------


@contextmanager
def _browser(app: Flask) -> Iterator[None]:
    environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": USER_AGENT}
    with app.test_request_context("/", environ_base=environ):
        yield


def _csrf_from(page: str) -> str:
    """The CSRF token of a page's form (hidden input, either attribute order)."""
    found = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page)
    value = re.search(r'value="([^"]+)"', found.group(0)) if found else None
    if value is None:
        raise RuntimeError("no CSRF token on the page")
    return value.group(1)


def guest_template(app: Flask) -> dict[str, Any]:
    """The session a real guest browser carries once it has started a round and seen a card.

    Read back from the app itself (home page, start a round, view it), so whatever the app and
    its extensions keep in a guest's session is there, and later requests leave it unchanged.
    """
    client, headers = app.test_client(), {"User-Agent": USER_AGENT}
    token = _csrf_from(client.get("/", headers=headers).get_data(as_text=True))
    form = {"csrf_token": token, "quiz": "mixed", "mode": "relaxed"}
    started = client.post("/play", data=form, headers=headers)
    if started.status_code != 303:
        raise RuntimeError(f"starting a round answered {started.status_code}")
    client.get(started.headers["Location"], headers=headers)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return dict(app.session_interface.get_signing_serializer(app).loads(cookie.value))


def guest_session(
    app: Flask, template: dict[str, Any], guest_id: str, mode: str
) -> tuple[str, str]:
    """(Cookie header value, CSRF token) of another guest browser like the template's."""
    with _browser(app):
        session.update({k: v for k, v in template.items() if k != "csrf_token"})
        session["mode"] = mode
        session["guest_id"] = guest_id
        token = generate_csrf()
        signed = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return f"{app.config['SESSION_COOKIE_NAME']}={signed}", token


def login_session(app: Flask, username: str) -> str:
    """Cookie header value of a browser that logged in through the real /login form."""
    client, headers = app.test_client(), {"User-Agent": USER_AGENT}
    token = _csrf_from(client.get("/login", headers=headers).get_data(as_text=True))
    form = {"csrf_token": token, "username": username, "password": PASSWORD}
    response = client.post("/login", data=form, headers=headers)
    if response.status_code not in (302, 303):
        raise RuntimeError(f"logging {username} in answered {response.status_code}")
    client.get("/leaderboards", headers=headers)  # settle whatever the first page view sets
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return f"{cookie.key}={cookie.value}"


# --- the leaderboard -----------------------------------------------------------------------------


def seed_board(app: Flask) -> list[str]:
    """Players with finished ranked timed rounds (once per database); the viewers' usernames.

    The viewers sit in the middle of the overall board, so their board fragment also looks up
    their rank and neighbours: the most work a board refresh does.
    """
    names = [f"bench-{i:04d}" for i in range(BOARD_PLAYERS)]
    with app.app_context():
        seeded = sa.select(sa.func.count()).where(User.username_key.like("bench-%"))
        have = db.session.scalar(seeded)
        if have and have >= BOARD_PLAYERS:
            return _viewers(names)
        catalog = get_catalog()
        quizzes = [card.id for card in quiz_cards(catalog)]
        rng, now = random.Random(20241122), utcnow()
        password_hash = generate_password_hash(PASSWORD)
        users = [
            User(username=n, username_key=n, password_hash=password_hash, created_at=now)
            for n in names
        ]
        db.session.add_all(users)
        db.session.flush()
        finished = []
        for i, user in enumerate(users):
            at = now - timedelta(minutes=rng.randrange(1, 60 * 24 * 30))
            finished.append(
                Round(
                    public_id=secrets.token_urlsafe(12),
                    user_id=user.id,
                    quiz_id=rng.choice(quizzes),
                    mode=str(Mode.TIMED),
                    seed=i,
                    size=10,
                    position=10,
                    score=rng.randrange(500, 9500),
                    correct_count=rng.randrange(0, 11),
                    started_at=at - timedelta(minutes=3),
                    finished_at=at,
                )
            )
        db.session.add_all(finished)
        db.session.flush()
        for round_ in finished:
            boards.record_finished_round(round_, now)
        db.session.commit()
    return _viewers(names)


def _viewers(names: list[str]) -> list[str]:
    middle = len(names) // 2
    return names[middle : middle + VIEWERS]


def board_entries(app: Flask, viewers: list[str], base_url: str) -> list[Entry]:
    """The board table refresh htmx sends every 15 s (hx-get on #board, hx-trigger refresh)."""
    with app.test_request_context():
        path = url_for("boards.page", board="overall", mode="timed")
    entries = []
    for name in viewers:
        cookie = login_session(app, name)
        headers = (
            ("Cookie", cookie),
            ("HX-Request", "true"),
            ("HX-Trigger", "board"),
            ("HX-Target", "board"),
            ("HX-Current-URL", base_url + path),
        )
        entries.append(Entry("GET", path, "", headers))
    return entries


# --- rounds --------------------------------------------------------------------------------------


def card_entries(app: Flask, template: dict[str, Any], prefix: str, count: int) -> list[Entry]:
    """Full-page GETs of the question on screen in `count` timed rounds (started, served)."""
    entries = []
    with app.app_context():
        catalog, config = get_catalog(), app.config
        quizzes = [card.id for card in quiz_cards(catalog)]
        for i in range(count):
            guest_id = f"{prefix}{i:04d}"
            round_ = rounds.start_round(
                catalog,
                rounds.Player(None, guest_id),
                quizzes[i % len(quizzes)],
                Mode.TIMED,
                size=config["ROUND_SIZE"],
                time_limit=config["TIME_LIMIT"],
                recent_rounds=config["RECENT_ROUNDS"],
                rng=random.Random(i),
                now=utcnow(),
            )
            item = rounds.current_item(round_)
            assert item is not None
            rounds.serve(item, utcnow())
            cookie, _ = guest_session(app, template, guest_id, str(Mode.TIMED))
            entries.append(Entry("GET", f"/play/{round_.public_id}", "", (("Cookie", cookie),)))
    return entries


def home_entries(app: Flask, template: dict[str, Any], prefix: str, count: int) -> list[Entry]:
    """The home page for returning guests (with the session cookie of their earlier visits)."""
    entries = []
    for i in range(count):
        cookie, _ = guest_session(app, template, f"{prefix}{i:04d}", "timed")
        entries.append(Entry("GET", "/", "", (("Cookie", cookie),)))
    return entries


@dataclass(frozen=True)
class AnswerSet:
    """Rounds made for the answer scenario: their guest-id prefix and the requests."""

    prefix: str
    entries: list[Entry]


def answer_entries(
    app: Flask, template: dict[str, Any], prefix: str, count: int, base_url: str
) -> AnswerSet:
    """`count` relaxed rounds, first question served, and one htmx answer POST for each.

    Each entry answers a different round's question, so no request is a cheap repeat. Rounds
    are drawn with the game's own functions and inserted in bulk (start_round commits once per
    round, far too slow for thousands). Relaxed mode, because a timed answer arriving after the
    clock ran out is stored as "Time's up" without being graded: cheaper than a real answer.
    About half of the answers are right.
    """
    rng = random.Random(count)
    entries: list[Entry] = []
    with app.app_context():
        catalog, now = get_catalog(), utcnow()
        quizzes = [card.id for card in quiz_cards(catalog)]
        size = app.config["ROUND_SIZE"]
        plans = []
        for i in range(count):
            quiz_id = quizzes[i % len(quizzes)]
            seed = rng.getrandbits(63)
            draw_rng = random.Random(seed)
            questions = draw_round(quiz_pool(catalog, quiz_id) or (), size, draw_rng)
            orders = [list(shuffle_choices(q, draw_rng)) for q in questions]
            plans.append((f"{prefix}{i:06d}", quiz_id, seed, questions, orders))
        round_rows = [
            {
                "public_id": secrets.token_urlsafe(12),
                "guest_id": guest_id,
                "quiz_id": quiz_id,
                "mode": str(Mode.RELAXED),
                "seed": seed,
                "size": len(questions),
                "started_at": now,
            }
            for guest_id, quiz_id, seed, questions, _ in plans
        ]
        ids = (
            db.session.execute(
                sa.insert(Round).returning(Round.id, sort_by_parameter_order=True), round_rows
            )
            .scalars()
            .all()
        )
        item_rows = [
            {
                "round_id": round_id,
                "position": k,
                "question_id": q.id,
                "version": q.version,
                "choice_order": orders[k],
                "time_limit": None,
                "served_at": now if k == 0 else None,
            }
            for round_id, (_, _, _, questions, orders) in zip(ids, plans, strict=True)
            for k, q in enumerate(questions)
        ]
        db.session.execute(sa.insert(RoundQuestion), item_rows)
        db.session.commit()
    for row, (guest_id, _, _, questions, orders) in zip(round_rows, plans, strict=True):
        cookie, token = guest_session(app, template, guest_id, str(Mode.RELAXED))
        path = f"/play/{row['public_id']}"
        form = [("csrf_token", token), ("position", "0"), ("timeout", "")]
        form += _answer_fields(questions[0], orders[0], rng.random() < 0.5, rng)
        headers = (
            ("Cookie", cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("HX-Request", "true"),
            ("HX-Target", "card"),
            ("HX-Current-URL", base_url + path),
            ("X-CSRFToken", token),
        )
        entries.append(Entry("POST", path + "/answer", urlencode(form), headers))
    return AnswerSet(prefix, entries)


def _answer_fields(
    question: Question, order: list[str], right: bool, rng: random.Random
) -> list[tuple[str, str]]:
    """The form fields a player's tap or submit sends: choice positions, or typed text."""
    if question.type == "typed":
        return [("text", question.accepted[0] if right else "no idea")]
    correct = [i for i, text in enumerate(order) if text in question.correct]
    wrong = [i for i, text in enumerate(order) if text not in question.correct]
    if question.type == "multi":
        picks = correct if right or not wrong else sorted({*correct[:1], rng.choice(wrong)})
    else:
        picks = [correct[0] if right or not wrong else rng.choice(wrong)]
    return [("choice", str(i)) for i in picks]


def answered_counts(app: Flask, prefix: str) -> tuple[int, int]:
    """(questions answered, rounds with more than one answer) among the answer rounds."""
    with app.app_context():
        mine = sa.select(Round.id).where(Round.guest_id.like(prefix + "%"))
        answered = RoundQuestion.answered_at.is_not(None)
        total = db.session.scalar(
            sa.select(sa.func.count()).where(RoundQuestion.round_id.in_(mine), answered)
        )
        beyond_first = db.session.scalar(
            sa.select(sa.func.count()).where(
                RoundQuestion.round_id.in_(mine), answered, RoundQuestion.position != 0
            )
        )
    return int(total or 0), int(beyond_first or 0)


def dispose(app: Flask) -> None:
    """Close this process's database connections."""
    with app.app_context():
        db.engine.dispose()


def delete_rounds(app: Flask, prefix: str, template: dict[str, Any]) -> int:
    """Delete the rounds this run made (guest ids starting with `prefix`, and the template's)."""
    with app.app_context():
        mine = sa.or_(Round.guest_id.like(prefix + "%"), Round.guest_id == template["guest_id"])
        ids = sa.select(Round.id).where(mine)
        db.session.execute(sa.delete(RoundQuestion).where(RoundQuestion.round_id.in_(ids)))
        deleted = db.session.execute(sa.delete(Round).where(mine)).rowcount
        db.session.commit()
    return int(deleted)
