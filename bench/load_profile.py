"""Where a question card GET and an answer POST spend their time, by library and by function.

    .venv/bin/python bench/load_profile.py                      # in-process, temporary SQLite
    .venv/bin/python bench/load_profile.py --database-url postgresql://postgres@127.0.0.1:5432/quizapp_bench
    .venv/bin/python bench/load_profile.py --collapsed /tmp/spy/*.txt   # py-spy samples from
                                                 # `bench/load.py --py-spy /tmp/spy` (gunicorn)

In-process mode builds the app with the production settings, prepares rounds and sessions the
way bench/load.py does, times the requests through Flask's test client (one at a time, so no
lock waits), then sends as many again while py-spy samples this process from outside (wall
time: waiting on the database counts; no tracing overhead skews many small calls). Each sample
is charged to the innermost frame that belongs to a known part: the database driver executing
a statement, BEGIN, COMMIT, the SQLAlchemy ORM and Core, Jinja2, Flask-WTF, the session
cookie, Flask-Login, Werkzeug and Flask, or the app's own code; standard-library frames are
charged to whoever called them. Needs py-spy (`.venv/bin/pip install py-spy`) and the right to
attach to a process (root, or ptrace allowed).

The file is not named profile.py: run as a script, bench/ comes first on sys.path and would
shadow the standard library's `profile` module, which cProfile imports.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

STDLIB = sysconfig.get_paths()["stdlib"]
ROOT = Path(__file__).resolve().parent.parent
CARD_ROUNDS = 8


def _rules(*pairs: tuple[str, str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name, re.compile(pattern)) for name, pattern in pairs)


# Work done on behalf of something, whatever it calls: tried on the whole stack, in this order.
# Signing the CSRF token is CSRF's cost, building a URL in a template is url_for's.
ON_BEHALF = _rules(
    ("DB: BEGIN (IMMEDIATE on SQLite: waits for the write lock)", r"database\.py:.*on_begin$"),
    (
        "DB: COMMIT (SQLite WAL write; PostgreSQL round trip and fsync)",
        r"sqlalchemy/engine/default\.py:.*do_commit$",
    ),
    ("DB: ROLLBACK at the end of the request", r"sqlalchemy/engine/default\.py:.*do_rollback$"),
    ("DB: connection checkout and pre-ping", r"sqlalchemy/pool/"),
    ("CSRF (Flask-WTF: check the token, sign it for the page)", r"flask_wtf/|wtforms/"),
    ("session cookie (open: verify and decode; save)", r"flask/sessions\.py:"),
    ("url_for (building URLs)", r"flask/helpers\.py:url_for$|werkzeug/routing/map\.py:.*build"),
)
# Otherwise the innermost frame that matches, tried in this order; a frame matching none (the
# standard library, built-ins) passes the sample on to its caller.
INNERMOST = _rules(
    (
        "DB: statements in the driver (SQLite's work; PostgreSQL's round trips)",
        r"sqlalchemy/engine/default\.py:.*do_execute|psycopg/|sqlite3",
    ),
    ("SQLAlchemy ORM and Core (Python)", r"sqlalchemy/"),
    ("Flask-SQLAlchemy session setup/teardown", r"flask_sqlalchemy/"),
    ("Jinja2 template rendering", r"jinja2/|templates/.*\.html:"),
    ("Flask-Login (current_user)", r"flask_login/"),
    # Not on behalf: Flask-Limiter's decorator wraps the whole view.
    ("Flask-Limiter (with memory://, a Timer thread per hit)", r"flask_limiter/|/limits/"),
    ("grading (rapidfuzz)", r"rapidfuzz/"),
    ("quizapp: game, services, views", r"quizapp/"),
    (
        "Werkzeug, Flask, gunicorn (request, routing, response, hooks)",
        r"werkzeug/|flask/|htmx_flask/|markupsafe/|blinker/|itsdangerous/|gunicorn/",
    ),
)
OTHER = "other (standard library, built-ins)"


def category(stack: Sequence[str]) -> str:
    """The part a sample is charged to; `stack` holds "file:function:line", outermost first."""
    places = [frame.rpartition(":")[0] for frame in stack]
    for name, rule in ON_BEHALF:
        if any(rule.search(place) for place in places):
            return name
    for place in reversed(places):
        for name, rule in INNERMOST:
            if rule.search(place):
                return name
    return OTHER


def short(frame: str, line: bool = False) -> str:
    """ "package/module.py:function" (with ":line" if asked) for the lists."""
    where, _, number = frame.rpartition(":")
    path, _, function = where.rpartition(":")
    for marker in ("site-packages/", f"{ROOT}/", STDLIB + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{function}" + (f":{number}" if line else "")


def _app_line(stack: Sequence[str]) -> str:
    """The innermost line of the app's own Python code on the stack (templates left out)."""
    for frame in reversed(stack):
        if f"{ROOT}/quizapp/" in frame:
            return short(frame, line=True)
    return "(outside quizapp: Flask, Werkzeug, extensions)"


def report(title: str, samples: Counter[tuple[str, ...]], total: float, top: int) -> str:
    """Percent of the time by category, by function (own time), and by line of the app."""
    by_category: Counter[str] = Counter()
    by_function: Counter[str] = Counter()
    by_app_line: Counter[str] = Counter()
    for stack, weight in samples.items():
        by_category[category(stack)] += weight
        by_function[short(stack[-1])] += weight
        by_app_line[_app_line(stack)] += weight
    lines = [title]
    for name, weight in by_category.most_common():
        lines.append(f"  {100 * weight / total:5.1f} %  {name}")
    lines.append(f"  top {top} functions by own time:")
    for name, weight in by_function.most_common(top):
        lines.append(f"  {100 * weight / total:5.1f} %  {name}")
    lines.append(f"  top {top} lines of the app, with everything they call:")
    for name, weight in by_app_line.most_common(top):
        lines.append(f"  {100 * weight / total:5.1f} %  {name}")
    return "\n".join(lines)


# --- in-process, sampled by py-spy ---------------------------------------------------------------


class SelfSampler:
    """py-spy recording this very process (wall time: --idle keeps samples of waits)."""

    def __init__(self, output: Path, rate: int) -> None:
        self.output = output
        command = [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(os.getpid())]
        command += ["--idle", "--full-filenames", "--format", "raw"]
        command += ["--rate", str(rate)]
        command += ["-o", str(output)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(1.0)  # py-spy attaches

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        _, errors = self.process.communicate(timeout=60)
        if not self.output.exists():
            raise SystemExit(f"py-spy wrote nothing: {errors.decode(errors='replace')}")


def _count_statements(app: Any) -> list[str]:
    """A list that grows by one for every statement sent to the database (BEGIN included)."""
    from sqlalchemy import event

    from quizapp.extensions import db

    sent: list[str] = []
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    @event.listens_for(engine, "commit")
    def count_commit(_conn: Any) -> None:
        sent.append("COMMIT")

    return sent


def in_process(args: argparse.Namespace) -> int:
    if not (Path(sys.executable).parent / "py-spy").exists():
        print("py-spy is missing: .venv/bin/pip install py-spy", file=sys.stderr)
        return 2
    import load_data as data

    temp = Path(tempfile.mkdtemp(prefix="quizapp-profile-"))
    app, url = data.migrated_app(args.database_url, temp)
    tag = "prof-" + secrets.token_hex(3) + "-"
    template = data.guest_template(app)
    cards = data.card_entries(app, template, tag + "c", CARD_ROUNDS)
    n = args.requests
    answers = data.answer_entries(app, template, tag + "a", 2 * n + 20, "http://localhost")
    client = app.test_client(use_cookies=False)
    statements = _count_statements(app)

    def send(entry: Any) -> None:
        response = client.open(
            entry.path,
            method=entry.method,
            headers=[("User-Agent", data.USER_AGENT), *entry.headers],
            data=entry.body or None,
        )
        if response.status_code >= 400:
            raise SystemExit(f"{entry.method} {entry.path} answered {response.status_code}")

    for entry in cards * 4 + answers.entries[:20]:  # warm up: templates compiled, pool filled
        send(entry)
    boards = data.board_entries(app, data.seed_board(app), "http://localhost")
    for entry in boards * 4:
        send(entry)
    label = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    scenarios = (
        ("healthz", "/healthz (baseline)", [data.Entry("GET", "/healthz")] * (2 * n)),
        ("card", "question card GET", [cards[i % len(cards)] for i in range(2 * n)]),
        ("answer", "answer POST (htmx)", answers.entries[20:]),
        ("board", "leaderboard fragment", [boards[i % len(boards)] for i in range(2 * n)]),
    )
    for key, title, entries in scenarios:
        if args.only and key not in args.only:
            continue
        timed, sampled = entries[:n], entries[n : 2 * n]
        started, cpu, sent = time.perf_counter(), time.process_time(), len(statements)
        for entry in timed:
            send(entry)
        per_request = (time.perf_counter() - started) / len(timed)
        cpu_per_request = (time.process_time() - cpu) / len(timed)
        timing = (
            f"{title} on {label}: {1000 * per_request:.2f} ms a request in-process, one at a"
            f" time ({1000 * cpu_per_request:.2f} ms of it CPU in this process;"
            f" {(len(statements) - sent) / len(timed):.1f} SQL statements; {n} requests)"
        )
        if args.time_only:
            print(timing)
            continue
        sampler = SelfSampler(temp / f"{key}.txt", args.rate)
        for entry in sampled:
            send(entry)
        sampler.stop()
        samples, _ = _spy_samples([str(temp / f"{key}.txt")])
        total = sum(samples.values())
        heading = (
            f"\n{timing}; where the time inside Flask.wsgi_app goes ({total} py-spy samples"
            f" of wall time):"
        )
        print(report(heading, samples, total, args.top))
    if url.startswith("postgresql"):
        data.delete_rounds(app, tag, template)
    data.dispose(app)
    if not args.keep:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


# --- py-spy collapsed stacks ---------------------------------------------------------------------

FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^()]*?)(?::(?P<line>-?\d+))?\)$")


def _spy_samples(paths: Iterable[str]) -> tuple[Counter[tuple[str, ...]], int]:
    """Samples inside request handling (Flask.wsgi_app) from py-spy's raw output, and the rest."""
    samples: Counter[tuple[str, ...]] = Counter()
    outside = 0
    for path in paths:
        for line in Path(path).read_text().splitlines():
            stack_text, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue
            stack = []
            for frame in stack_text.split(";"):
                match = FRAME.match(frame)
                if match:
                    stack.append(f"{match['file']}:{match['function']}:{match['line'] or 0}")
            if any("flask/app.py:" in f and ".wsgi_app:" in f for f in stack):
                samples[tuple(stack)] += int(count)
            else:
                outside += int(count)
    return samples, outside


def collapsed(args: argparse.Namespace) -> int:
    samples, outside = _spy_samples(args.collapsed)
    total = sum(samples.values())
    if not total:
        print("no samples inside Flask.wsgi_app in those files", file=sys.stderr)
        return 1
    heading = (
        f"py-spy, {', '.join(Path(p).name for p in args.collapsed)}: {total} samples of the"
        f" workers inside Flask.wsgi_app (threads py-spy saw running: waits inside C code, such"
        f" as psycopg's for the server or SQLite's busy-timeout sleeps, count; a worker idle in"
        f" accept() does not); {outside} samples outside requests (gunicorn, worker start-up)"
    )
    print(report(heading, samples, total, args.top))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--requests", type=int, default=400, help="requests timed and profiled")
    parser.add_argument("--rate", type=int, default=1000, help="py-spy samples a second (1000)")
    parser.add_argument("--top", type=int, default=12, help="functions listed (12)")
    parser.add_argument("--keep", action="store_true", help="keep the py-spy files")
    parser.add_argument(
        "--only", nargs="+", choices=("healthz", "card", "answer", "board"), help="these requests"
    )
    parser.add_argument("--time-only", action="store_true", help="time the requests, no py-spy")
    parser.add_argument("--collapsed", nargs="+", metavar="FILE", help="py-spy --format raw files")
    args = parser.parse_args(argv)
    return collapsed(args) if args.collapsed else in_process(args)


if __name__ == "__main__":
    sys.exit(main())
