"""The app served over real HTTP from a thread, and a small cookie-keeping HTTP player."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import flask_migrate
from flask import Flask
from werkzeug.serving import make_server

from quizapp import create_app
from quizapp.extensions import db
from quizapp.services.catalog import get_catalog
from quizapp.services.snapshots import load_banks

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class LiveServer:
    """Werkzeug's threaded server on a free loopback port, in a daemon thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop serving and release the database connections."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
        with self.app.app_context():
            db.engine.dispose()


def serve_app(config: dict[str, Any], migrate: bool = True) -> LiveServer:
    """Create an app with `config`, migrate its database, load the banks and serve it."""
    app = create_app(config)
    if migrate:
        with app.app_context():
            flask_migrate.upgrade()
            load_banks(get_catalog())
    return LiveServer(app)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class HttpResult:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class HttpPlayer:
    """A browser stand-in: keeps cookies, reads the CSRF token, never follows redirects."""

    base: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def _open(self, request: urllib.request.Request) -> HttpResult:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        try:
            with opener.open(request, timeout=30) as response:
                return HttpResult(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            with error:  # it holds the connection: left to the garbage collector, a ResourceWarning
                body = error.read().decode(errors="replace")
                return HttpResult(error.code, dict(error.headers), body)

    def get(self, path: str) -> HttpResult:
        return self._open(urllib.request.Request(self.base + path))

    def token(self) -> str:
        match = TOKEN.search(self.get("/").body)
        assert match, "no CSRF token on the home page"
        return match.group(1)

    def post(
        self, path: str, data: dict[str, Any], token: str, headers: dict[str, str] | None = None
    ) -> HttpResult:
        body = urllib.parse.urlencode({"csrf_token": token, **data}, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        return self._open(request)

    def copy(self) -> HttpPlayer:
        """Another connection with the same cookies (the same browser, another tab)."""
        twin = HttpPlayer(self.base)
        for cookie in self.jar:
            twin.jar.set_cookie(cookie)
        return twin


class GunicornServer:
    """The production server (gunicorn.conf.py) as real processes on a free loopback port."""

    def __init__(
        self, database_url: str, workers: int = 2, env: dict[str, str] | None = None
    ) -> None:
        import os
        import socket
        import sys
        from pathlib import Path

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.root = Path(__file__).resolve().parent.parent
        self.command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
        self.env = {
            **os.environ,
            "FLASK_SQLALCHEMY_DATABASE_URI": database_url,
            "FLASK_SECRET_KEY": "gunicorn-tests",
            "FLASK_PRODUCTION": "true",
            "FLASK_HTTPS": "false",  # plain HTTP on loopback: no Secure cookies
            "FLASK_RATELIMIT_ENABLED": "false",
            "WEB_CONCURRENCY": str(workers),
            "BIND": f"127.0.0.1:{self.port}",
            **(env or {}),
        }
        self.process: Any = None

    def start(self, timeout: float = 20) -> GunicornServer:
        """Start the master and wait until /readyz answers 200."""
        import subprocess
        import time

        self.process = subprocess.Popen(
            self.command,
            cwd=self.root,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if HttpPlayer(self.url).get("/readyz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not become ready")

    def worker_pids(self) -> list[int]:
        """The worker processes' ids (children of the master)."""
        from pathlib import Path

        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def kill_worker(self) -> int:
        """SIGKILL one worker; the master starts a new one."""
        import os
        import signal

        victim = self.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def kill_all(self) -> None:
        """SIGKILL the master and every worker at once, as a machine crash would."""
        import os
        import signal

        for pid in [*self.worker_pids(), self.process.pid]:
            os.kill(pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), then make sure it is gone."""
        import subprocess

        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
