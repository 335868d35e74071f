"""Load benchmark: the production gunicorn setup under wrk, on SQLite and on PostgreSQL.

    .venv/bin/python bench/load.py                                   # SQLite, then PostgreSQL
    .venv/bin/python bench/load.py --database-url sqlite --duration 5
    .venv/bin/python bench/load.py --database-url postgresql://postgres@127.0.0.1:5432/quizapp_bench

For each database: migrate and load the banks (`flask --app wsgi db upgrade`, `bank load`),
prepare players, rounds and signed sessions, start `gunicorn -c gunicorn.conf.py wsgi:app` on a
free loopback port with FLASK_PRODUCTION=true and a generated secret key, wait for /readyz,
warm the workers up, then run each scenario with wrk for the same time and print a table.
"sqlite" (the default first run) is a fresh file in a temporary folder; the PostgreSQL database
is created if missing and reused otherwise (this run's rounds are deleted at the end).
wrk must be installed (`apt-get install -y wrk`); this script installs nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = Path(__file__).resolve().parent / "load_list.lua"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/quizapp_bench"
HOME_GUESTS = CARD_ROUNDS = 8


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    target: str = ""  # the goal, as shown in the table
    min_ratio: float | None = None  # of the baseline's requests/s
    max_p99_ms: float | None = None


SCENARIOS = (
    Scenario("healthz", "/healthz (baseline)"),
    Scenario("home", "home page /"),
    Scenario("card", "question card GET", ">= 45 %", 0.45),
    Scenario("answer", "answer POST (htmx)", ">= 25 %, p99 < 100 ms", 0.25, 100.0),
    Scenario("board", "leaderboard fragment", ">= 45 %", 0.45),
)


@dataclass
class Row:
    scenario: Scenario
    result: dict[str, Any] | None = None  # wrk's BENCH_RESULT line
    restarts: int = 0  # gunicorn workers booted during the run (max_requests recycling)
    cpu_seconds: float = 0.0  # CPU gunicorn used during the run
    missing: str = ""  # why the scenario could not run

    @property
    def rps(self) -> float:
        assert self.result
        return self.result["requests"] / (self.result["duration_us"] / 1e6)

    @property
    def errors(self) -> int:
        assert self.result
        e = self.result["errors"]
        return e["status"] + e["connect"] + e["read"] + e["write"] + e["timeout"]

    @property
    def cpu_ms(self) -> float:
        """gunicorn's CPU time per completed request, in ms."""
        assert self.result
        return 1000 * self.cpu_seconds / max(self.result["requests"], 1)

    def ms(self, percentile: str) -> float:
        assert self.result
        return self.result["latency_us"][percentile] / 1000


@dataclass
class DatabaseRun:
    label: str
    url: str
    workers: int = 0
    load: str = ""  # the machine's load average when the scenarios started
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    consistent: bool = True  # every 2xx/3xx answer stored once, nothing else stored


# --- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def app_env(url: str, secret_key: str, port: int, workers: int | None) -> dict[str, str]:
    """Production's environment: FLASK_PRODUCTION, a real secret key, the database URL."""
    # Plus the per-address rate limits raised out of reach: see load_data.raised_rate_limits.
    from load_data import raised_rate_limits

    env = dict(os.environ)
    for name in ("DATABASE_URL", "FLASK_SQLALCHEMY_DATABASE_URI", "ACCESS_LOG", "PORT"):
        env.pop(name, None)
    env |= {
        "FLASK_PRODUCTION": "true",
        "FLASK_HTTPS": "false",  # plain HTTP on loopback: no Secure cookies, no HSTS
        "FLASK_SECRET_KEY": secret_key,
        "BIND": f"127.0.0.1:{port}",
        "LOG_LEVEL": "info",
    }
    if url.startswith("sqlite"):
        env["FLASK_SQLALCHEMY_DATABASE_URI"] = url
    else:
        env["DATABASE_URL"] = url
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    env |= {f"FLASK_{key}": value for key, value in raised_rate_limits().items()}
    return env


def flask_cli(env: dict[str, str], *args: str) -> None:
    command = [str(BIN / "flask"), "--app", "wsgi", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"`flask {' '.join(args)}` failed:\n{done.stdout}{done.stderr}")


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py wsgi:app`, its log in a file, stopped with SIGTERM."""

    def __init__(self, env: dict[str, str], log_path: Path, floor: bool = False) -> None:
        self.log_path = log_path
        self.log = open(log_path, "w")  # noqa: SIM115  (closed in stop())
        command = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"]
        if floor:  # the same app plus bench/floor.py's bare routes
            command[-1:] = ["--pythonpath", str(LUA.parent), "floor:floor_app()"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def cpu_seconds(self) -> float:
        """CPU time gunicorn has used: the master, its workers, and the workers it has reaped."""
        master = self.process.pid
        try:
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        except OSError:
            return math.nan  # not Linux: no CPU column
        ticks = sum(_cpu_ticks(pid) for pid in children) + _cpu_ticks(str(master), reaped=True)
        return ticks / os.sysconf("SC_CLK_TCK")

    def boots(self) -> int:
        """Worker boots so far (the first N, then one per recycled worker)."""
        return self.log_path.read_text(errors="replace").count("Booting worker with pid")

    def wait_ready(self, base: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; its log:\n{self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn not ready after {timeout:.0f} s; log: {self.log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _cpu_ticks(pid: str, reaped: bool = False) -> int:
    """User + system time of a process (and of its reaped children) from /proc, in ticks."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:  # exited since it was listed
        return 0
    utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
    return utime + stime + (cutime + cstime if reaped else 0)


def fetch(base: str, entry: Any) -> tuple[int, dict[str, str], str]:
    """Send one prepared entry with urllib (no redirects followed)."""
    from load_data import USER_AGENT

    headers = dict(entry.headers) | {"User-Agent": USER_AGENT}
    data = entry.body.encode() if entry.body else None
    request = urllib.request.Request(base + entry.path, data, headers, method=entry.method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode(errors="replace")


def run_wrk(base: str, list_path: Path, mode: str, seconds: int, args: argparse.Namespace) -> dict:
    """One wrk run over a list file; wrk's done() line as a dict."""
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        f"--timeout={args.timeout}s",
        "-s",
        str(LUA),
        base,
        "--",
        str(list_path),
        mode,
        str(args.threads),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return dict(json.loads(line.removeprefix("BENCH_RESULT ")))
    raise SystemExit(f"wrk printed no result:\n{done.stdout}{done.stderr}")


class PySpy:
    """Optional: py-spy sampling every gunicorn worker during one scenario (collapsed stacks)."""

    def __init__(self, directory: str | None, pid: int, name: str, seconds: int) -> None:
        self.process = None
        if directory:
            output = Path(directory) / f"{name}.txt"
            command = [str(BIN / "py-spy"), "record", "--pid", str(pid), "--subprocesses"]
            command += ["--format", "raw", "--rate", "250", "--nonblocking", "--full-filenames"]
            command += ["--duration", str(seconds), "-o", str(output)]
            self.process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )

    def wait(self) -> None:
        if self.process:
            self.process.wait(timeout=60)


# --- one database --------------------------------------------------------------------------------


def run_database(url_arg: str, args: argparse.Namespace) -> DatabaseRun:
    import load_data as data

    from quizapp.config import database_url_from_env

    temp = Path(tempfile.mkdtemp(prefix="quizapp-bench-"))
    if url_arg == "sqlite":
        url, label = f"sqlite:///{temp}/bench.sqlite", "SQLite"
    else:
        url = database_url_from_env({"DATABASE_URL": url_arg}) or url_arg
        label = "PostgreSQL" if url.startswith("postgresql") else url.split(":", 1)[0]
    shown = sa.make_url(url).render_as_string(hide_password=True)
    run = DatabaseRun(label, shown)
    print(f"\n== {label}: {shown}", flush=True)
    if url.startswith("postgresql") and data.ensure_postgres_database(url):
        print("   created the database")
    secret_key, port = secrets.token_hex(32), free_port()
    base = f"http://127.0.0.1:{port}"
    env = app_env(url_arg if url_arg != "sqlite" else url, secret_key, port, args.workers)
    print("   migrating and loading the banks", flush=True)
    flask_cli(env, "db", "upgrade")
    flask_cli(env, "bank", "load")

    app = data.bench_app(url, secret_key)
    tag = "bench-" + secrets.token_hex(3) + "-"
    print("   seeding the leaderboard and signing sessions", flush=True)
    viewers = data.seed_board(app)
    template = data.guest_template(app)
    lists: dict[str, list[data.Entry]] = {
        "healthz": [data.Entry("GET", "/healthz")],
        "home": data.home_entries(app, template, tag + "h", HOME_GUESTS),
        "card": data.card_entries(app, template, tag + "c", CARD_ROUNDS),
    }
    has_board = "boards.page" in app.view_functions
    if has_board:
        lists["board"] = data.board_entries(app, viewers, base)
    scenarios = SCENARIOS
    if args.floor:  # bare routes doing only what the pages cannot skip (bench/floor.py)
        from floor import floor_entries

        floors = floor_entries(lists["card"], lists.get("board", []))
        for i, (name, entries) in enumerate(floors.items(), 1):
            scenarios += (Scenario(f"floor-{i}", f"floor: {name}"),)
            lists[f"floor-{i}"] = entries
    for key, entries in lists.items():
        data.write_list(str(temp / f"{key}.list"), entries)
    data.dispose(app)

    server = Gunicorn(env, temp / "gunicorn.log", floor=args.floor)
    try:
        server.wait_ready(base)
        _check_entries(base, lists)
        print(f"   warming up ({args.warmup} s per page)", flush=True)
        for key in ("home", "card", "board"):
            if key in lists:
                run_wrk(base, temp / f"{key}.list", "cycle", args.warmup, args)
        run.workers = len(set(_worker_pids(server.log_path)))
        run.load = " ".join(f"{n:.2f}" for n in os.getloadavg())
        for scenario in scenarios:
            row = Row(scenario)
            run.rows.append(row)
            if scenario.key == "board" and not has_board:
                row.missing = "not available: the app has no /leaderboards route"
                continue
            mode = "cycle"
            if scenario.key == "answer":
                answers = _prepare_answers(app, template, tag, run, base, temp, args)
                mode = "once"
            print(f"   {scenario.title}: {args.duration} s", flush=True)
            boots, cpu = server.boots(), server.cpu_seconds()
            spy = PySpy(args.py_spy, server.process.pid, f"{label}-{scenario.key}", args.duration)
            row.result = run_wrk(base, temp / f"{scenario.key}.list", mode, args.duration, args)
            spy.wait()
            row.restarts = server.boots() - boots
            row.cpu_seconds = server.cpu_seconds() - cpu
            if scenario.key == "answer":
                note, run.consistent = _check_answers(app, answers, row)
                run.notes.append(note)
    finally:
        server.stop()
    if url.startswith("postgresql"):
        data.delete_rounds(app, tag, template)
    data.dispose(app)
    if args.keep:
        print(f"   kept {temp}")
    else:
        shutil.rmtree(temp, ignore_errors=True)
    return run


def _worker_pids(log_path: Path) -> list[str]:
    text = log_path.read_text(errors="replace")
    return [line.rsplit(" ", 1)[-1] for line in text.splitlines() if "Booting worker" in line]


def _check_entries(base: str, lists: dict[str, list[Any]]) -> None:
    """Each kind of prepared request works as a browser's would, before wrk sends thousands."""
    expect = {"home": "<html", "card": "data-answer-form", "board": 'id="board"'}
    for key, marker in expect.items():
        if key not in lists:
            continue
        status, headers, body = fetch(base, lists[key][0])
        if status != 200 or marker not in body:
            raise SystemExit(f"the prepared {key} request answered {status} without {marker!r}")
        if key == "board" and "<html" in body:
            raise SystemExit("the leaderboard refresh got the whole page, not the fragment")
        if "Set-Cookie" in headers:
            print(f"   note: the {key} response sets a cookie (the session changed)")


def _prepare_answers(
    app: Any, template: Any, tag: str, run: DatabaseRun, base: str, temp: Path, args: Any
) -> Any:
    """Enough fresh rounds for the answer run: twice the card's rate for the duration."""
    import load_data as data

    card = next(r for r in run.rows if r.scenario.key == "card")
    count = args.answers or max(500, int(card.rps * args.duration * 2) + 200)
    started = time.monotonic()
    answers = data.answer_entries(app, template, tag + "a", count, base)
    data.write_list(str(temp / "answer.list"), answers.entries)
    data.dispose(app)
    first = answers.entries[0]  # its card, as the player saw it (a GET changes nothing now)
    card_path = first.path.removesuffix("/answer")
    status, _, body = fetch(base, data.Entry("GET", card_path, "", first.headers[:1]))
    if status != 200 or "data-answer-form" not in body:
        raise SystemExit(f"a prepared answer round's card answered {status}")
    print(f"   prepared {count} rounds to answer in {time.monotonic() - started:.1f} s")
    return answers


def _check_answers(app: Any, answers: Any, row: Row) -> tuple[str, bool]:
    """Every 2xx/3xx answer response is an answer stored once; nothing else was stored."""
    import load_data as data

    assert row.result
    stored, beyond_first = data.answered_counts(app, answers.prefix)
    ok = sum(n for code, n in row.result["statuses"].items() if 200 <= int(code) < 400)
    issued, completed = row.result["issued"], row.result["requests"]
    cut_off = issued - completed
    good = ok <= stored <= ok + cut_off and beyond_first == 0
    note = (
        f"answer POST: {len(answers.entries)} fresh questions prepared, {issued} sent"
        + (f", LIST RAN OUT on {row.result['ran_out']} thread(s)" if row.result["ran_out"] else "")
        + f"; {ok} answered 2xx/3xx, {cut_off} still in flight when wrk stopped;"
        + f" {stored} answers stored in the database"
        + (f" (= {ok} + {stored - ok} of those in flight)" if stored != ok else "")
        + (": consistent, none lost, none twice" if good else ": MISMATCH")
    )
    return note, good


# --- the table -----------------------------------------------------------------------------------


def table(run: DatabaseRun, args: argparse.Namespace) -> str:
    """The results of one database as a fixed-width table, with its notes."""
    lines = [
        f"{run.label} ({run.url})",
        f"gunicorn -c gunicorn.conf.py: {run.workers} sync workers; wrk {args.threads} threads,"
        f" {args.connections} connections, {args.duration} s a scenario, timeout {args.timeout} s;"
        f" {os.cpu_count()} CPUs, load average {run.load} before the first scenario",
        "",
        f"{'scenario':<24}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'vs base':>9}{'cpu ms':>8}{'restarts':>10}  target",
    ]
    base = run.rows[0] if run.rows and run.rows[0].result else None
    for row in run.rows:
        s = row.scenario
        if row.missing or not row.result:
            lines.append(f"{s.title:<24}  {row.missing or 'not run'}")
            continue
        ratio = row.rps / base.rps if base else 0.0
        verdict = ""
        if s.target:
            misses = []
            if s.min_ratio is not None and ratio < s.min_ratio:
                misses.append("rate")
            if s.max_p99_ms is not None and row.ms("p99") >= s.max_p99_ms:
                misses.append("p99")
            if row.errors:
                misses.append("errors")
            verdict = f"{s.target}: " + (
                "met" if not misses else "NOT met (" + ", ".join(misses) + ")"
            )
        elif row.errors:
            verdict = "NOT met (errors)"
        lines.append(
            f"{s.title:<24}{row.rps:>9.1f}{row.ms('p50'):>9.1f}{row.ms('p99'):>9.1f}"
            f"{row.errors:>8}{ratio:>8.0%} {row.cpu_ms:>7.2f}{row.restarts:>10}  {verdict}"
        )
    for row in run.rows:
        if row.result and row.errors:
            e, codes = row.result["errors"], row.result["statuses"]
            bad = {c: n for c, n in codes.items() if int(c) >= 400}
            lines.append(f"  errors in {row.scenario.title}: statuses {bad}, sockets {e}")
    lines += ["  " + note for note in run.notes]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        help='one database only: "sqlite" (a fresh temporary file) or a PostgreSQL URL;'
        f" default: SQLite, then {DEFAULT_PG}",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario (10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page (2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=10, help="wrk connections (10)")
    parser.add_argument("--timeout", type=int, default=2, help="wrk request timeout, s (2)")
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (default: the config's)")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also run bench/floor.py's bare routes (the least each page must do) under wrk",
    )
    parser.add_argument("--answers", type=int, help="rounds to prepare for the answer run")
    parser.add_argument("--py-spy", metavar="DIR", help="also record py-spy samples into DIR")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    if not shutil.which("wrk"):
        print(
            "wrk is not installed. Install it with `apt-get install -y wrk` (Debian; run"
            " `apt-get update` first on a fresh machine), or run `make bench` as root.",
            file=sys.stderr,
        )
        return 2
    if args.py_spy and not (BIN / "py-spy").exists():
        print(f"--py-spy needs py-spy: {BIN / 'pip'} install py-spy", file=sys.stderr)
        return 2
    import load_data as data

    targets = [args.database_url] if args.database_url else ["sqlite", DEFAULT_PG]
    runs = []
    started = time.monotonic()
    for target in targets:
        if target != "sqlite" and target.startswith("postgres"):
            reason = data.postgres_answers(target.replace("postgres://", "postgresql://", 1))
            if reason:
                print(f"\nPostgreSQL at {target} does not answer ({reason}).", file=sys.stderr)
                if args.database_url:
                    return 1
                print("SKIPPED the PostgreSQL run; start it or pass --database-url.")
                continue
        runs.append(run_database(target, args))
        print("\n" + table(runs[-1], args), flush=True)
    print(f"\n== Results ({time.monotonic() - started:.0f} s in all)")
    for run in runs:
        print("\n" + table(run, args))
    # The targets are only reported; a lost or doubled answer is a failure.
    return 0 if all(run.consistent for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
