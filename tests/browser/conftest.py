"""Browser tier: Playwright drives Debian's Chromium against the app on a free local port."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from werkzeug.serving import make_server

from quizapp import create_app
from quizapp.extensions import db
from quizapp.services.catalog import get_catalog
from quizapp.services.snapshots import load_banks

CHROMIUM = os.environ.get("QUIZAPP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session; a missing browser skips locally, fails in CI."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        message = (
            f"Chromium not found at {CHROMIUM}: install Debian's chromium to run the browser tier"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class LiveServer:
    """The app served by werkzeug in a thread, on its own SQLite database."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
        with self.app.app_context():
            db.engine.dispose()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start a server with optional config overrides: `serve(TIME_LIMIT=3)`."""
    servers: list[LiveServer] = []

    def start(**config: Any) -> LiveServer:
        url = f"sqlite:///{tmp_path / f'browser{len(servers)}.sqlite'}"
        app = create_app(
            {
                "SECRET_KEY": "browser-tests",
                "SQLALCHEMY_DATABASE_URI": url,
                "RATELIMIT_ENABLED": False,
                **config,
            }
        )
        with app.app_context():
            flask_migrate.upgrade()
            load_banks(get_catalog())
        server = LiveServer(app).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash.setdefault(_FAILED, report.failed)
    return report


_FAILED = pytest.StashKey[bool]()


def new_page(browser: Any, request: pytest.FixtureRequest, **options: Any) -> Any:
    """A fresh phone-sized context and page that records console errors and failed requests."""
    context = browser.new_context(**{**PHONE, **options})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))

    def finish() -> None:
        if request.node.stash.get(_FAILED, False):
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        context.close()

    request.addfinalizer(finish)
    return page


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Any:
    """A phone page (360x740, touch, scale 2) with JavaScript on."""
    return new_page(browser, request)
