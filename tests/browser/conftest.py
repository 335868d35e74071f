"""Browser tier: Playwright drives Debian's Chromium against the app on a free local port."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import LiveServer, serve_app

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


def chromium_path() -> str | None:
    """Debian's Chromium (or QUIZAPP_CHROMIUM), else any `chromium` on the PATH, else None."""
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session; a missing browser skips locally, fails in CI."""
    executable = chromium_path()
    if executable is None:
        message = (
            f"Chromium not found at {CHROMIUM}: install Debian's chromium to run the browser tier"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start a server with optional config overrides: `serve(TIME_LIMIT=3)`."""
    servers: list[LiveServer] = []

    def start(**config: Any) -> LiveServer:
        url = f"sqlite:///{tmp_path / f'browser{len(servers)}.sqlite'}"
        base = {"SECRET_KEY": "browser-tests", "SQLALCHEMY_DATABASE_URI": url}
        servers.append(serve_app({**base, "RATELIMIT_ENABLED": False, **config}))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.skipped and os.environ.get("CI") == "true" and not hasattr(report, "wasxfail"):
        # CI must prove the UI in a real browser: a skipped browser test is a failed one.
        report.outcome = "failed"
        report.longrepr = f"browser test skipped under CI=true: {report.longrepr}"
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
    request.addfinalizer(context.close)
    return watch(page, request)


def watch(page: Any, request: pytest.FixtureRequest) -> Any:
    """Lend a page (from new_page) to one more test: errors start afresh, a failure is pictured."""
    page.errors.clear()

    def picture_a_failure() -> None:
        if request.node.stash.get(_FAILED, False):
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)

    request.addfinalizer(picture_a_failure)
    return page


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Any:
    """A phone page (360x740, touch, scale 2) with JavaScript on."""
    return new_page(browser, request)
