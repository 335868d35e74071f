"""Bytes on the wire for the home page and a question card, cold and warm, and an htmx swap.

    .venv/bin/python scripts/weight.py      # or: make weight

Serves the app on a free local port with a temporary SQLite database and fetches pages the
way a browser does (`Accept-Encoding: gzip, deflate, br, zstd`, cookies kept). A byte count
is what the server sent: status line, headers and the body as compressed on the wire.

- cold: an empty cache, so the HTML and every file it links (CSS, scripts, favicon);
- warm: static URLs carry a content hash and are cached for a year (`immutable`), so a
  browser that has them fetches the HTML only;
- answer / next question: the htmx fragments that replace the card.

Exits with status 1 when a question card cold is 30 KB or more, or the next question 2 KB
or more.
"""

from __future__ import annotations

import gzip
import http.client
import logging
import re
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import brotli  # noqa: E402
from live_server import TOKEN, serve_app  # noqa: E402

COLD_CARD_BUDGET = 30_000
NEXT_CARD_BUDGET = 2_000
LINKED = re.compile(r'<(?:link|script)\b[^>]*?(?:href|src)="(/static/[^"]+)"')
BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate, br, zstd",
    "User-Agent": "quizapp-weight/1.0",
}


@dataclass
class Fetched:
    """One response as it came over the wire."""

    path: str
    status: int
    headers: dict[str, str]
    header_bytes: int
    body: bytes

    @property
    def encoding(self) -> str:
        return self.headers.get("Content-Encoding", "none")

    @property
    def total(self) -> int:
        return self.header_bytes + len(self.body)


@dataclass
class Browser:
    """Just enough of a browser: one connection per request, a cookie jar of one site."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def fetch(
        self, method: str, path: str, form: dict[str, str] | None = None, **headers: str
    ) -> Fetched:
        """One request; form fields make it a urlencoded POST body."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        sent = {**BROWSER_HEADERS, **headers}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()  # http.client leaves Content-Encoding alone: wire bytes
        connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        status_line = f"HTTP/1.1 {response.status} {response.reason}\r\n"
        lines = "".join(f"{k}: {v}\r\n" for k, v in response.headers.items())
        header_bytes = len((status_line + lines + "\r\n").encode("latin-1"))
        return Fetched(path, response.status, dict(response.headers), header_bytes, data)


def decoded(fetched: Fetched) -> str:
    """The body as text, whatever it was compressed with."""
    if fetched.encoding == "br":
        return str(brotli.decompress(fetched.body).decode())
    if fetched.encoding == "gzip":
        return gzip.decompress(fetched.body).decode()
    return fetched.body.decode()


def with_assets(browser: Browser, path: str) -> list[Fetched]:
    """A page and every static file it links: what an empty cache downloads."""
    page = browser.fetch("GET", path)
    assert page.status == 200, (path, page.status)
    return [page] + [browser.fetch("GET", asset) for asset in LINKED.findall(decoded(page))]


def report(title: str, fetched: list[Fetched]) -> int:
    """Print one line per response and the total; returns the total."""
    total = sum(f.total for f in fetched)
    print(f"\n{title}: {total:,} bytes in {len(fetched)} response(s)")
    for f in fetched:
        body = f"{len(f.body):>6,} body ({f.encoding})"
        print(f"  {f.total:>7,} = {f.header_bytes:>4} headers + {body}  {f.path}")
    return total


def quiet() -> None:
    """Keep the output to the results: no migration or request log lines."""
    logging.disable(logging.INFO)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        config = {
            "SECRET_KEY": "weight",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'weight.sqlite'}",
            "RATELIMIT_ENABLED": False,
        }
        quiet()
        server = serve_app(config)
        try:
            parts = urllib.parse.urlsplit(server.url)
            browser = Browser(parts.hostname or "127.0.0.1", parts.port or 80)
            home = with_assets(browser, "/")
            token = TOKEN.search(decoded(home[0]))
            assert token, "no CSRF token on the home page"
            csrf = {"csrf_token": token[1]}
            report("Home page, cold (empty cache)", home)
            report("Home page, warm (static files cached)", home[:1])

            started = browser.fetch("POST", "/play", {**csrf, "quiz": "mixed", "mode": "relaxed"})
            card_path = started.headers["Location"]
            card = with_assets(browser, card_path)
            cold = report("Question card, cold (empty cache)", card)
            report("Question card, warm (static files cached)", card[:1])

            htmx = {"HX-Request": "true", "HX-Target": "card"}
            # A choice and a text: the card's question type reads the one it needs.
            answer = {**csrf, "position": "0", "choice": "0", "text": "a guess"}
            answered = browser.fetch("POST", card_path + "/answer", answer, **htmx)
            report("Answer (htmx fragment: the feedback)", [answered])
            moved = browser.fetch("POST", card_path + "/next", {**csrf, "position": "0"}, **htmx)
            assert moved.status == 200 and b"HX-Redirect" not in moved.body, moved.status
            next_card = report("Next question (htmx fragment: the new card)", [moved])
        finally:
            server.stop()
    within = cold < COLD_CARD_BUDGET and next_card < NEXT_CARD_BUDGET
    print(
        f"\nBudget: question card cold under {COLD_CARD_BUDGET:,} bytes (it is {cold:,}), "
        f"next question under {NEXT_CARD_BUDGET:,} (it is {next_card:,}): "
        + ("within budget" if within else "OVER BUDGET")
    )
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
