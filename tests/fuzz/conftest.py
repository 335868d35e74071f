"""Fuzzing settings and fixtures: a bounded Hypothesis profile (reproducible in CI), counters.

Every fuzz test sets its own `max_examples` (20 to 100), so a run tries a fixed number of
examples; the end of the run lists how many each form endpoint received, per tier (forms,
big bodies, replays, next targets). `--hypothesis-show-statistics` adds every page and the
requests sent. Under `CI=true` the examples are derandomized (the same inputs on every run)
and nothing is written to the `.hypothesis` example database, so a CI failure reproduces
locally with `CI=true`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from flask import Flask
from form_fuzz_kit import EXAMPLES, REQUESTS
from hypothesis import HealthCheck, settings

from quizapp.bank import Catalog, load_catalog
from quizapp.config import PROJECT_ROOT
from quizapp.services.catalog import EXTENSION_KEY

SHIPPED = PROJECT_ROOT / "questions"

settings.register_profile(
    "fuzz",
    deadline=None,  # one example is a few requests; a slow shared machine must not fail it
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the app and its database are shared on purpose
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
    print_blob=True,
)
settings.register_profile(
    "ci", parent=settings.get_profile("fuzz"), derandomize=True, database=None
)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "fuzz")


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Cheap password hashes, so sign-up and log-in examples cost milliseconds, not 100 ms.

    Only the cost of the hash changes: what is checked, stored and refused stays the same.
    """
    from werkzeug import security

    from quizapp.services import accounts

    cheap = partial(security.generate_password_hash, method="pbkdf2:sha256:1")
    monkeypatch.setattr(security, "generate_password_hash", cheap)
    monkeypatch.setattr(accounts, "generate_password_hash", cheap, raising=False)
    dummy = cheap("not-a-real-password")
    monkeypatch.setattr(accounts, "_dummy_hash", lambda: dummy, raising=False)
    yield


@pytest.fixture(scope="session")
def _shipped_catalog() -> Catalog:
    """The shipped question banks, loaded once for every fuzz test (they are immutable)."""
    return load_catalog(SHIPPED)


@pytest.fixture
def shared_catalog(app: Flask, _shipped_catalog: Catalog) -> Flask:
    """The app with the banks already loaded: each test's own app would parse the YAML again."""
    assert Path(app.config["QUESTIONS_DIR"]) == SHIPPED
    app.extensions[EXTENSION_KEY] = _shipped_catalog
    return app


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The Hypothesis examples each form endpoint received, per fuzz test tier.

    Always for the POST endpoints; with --hypothesis-show-statistics for the pages too, and
    with the number of requests (a replay example posts the same form two or three times).
    """
    if not EXAMPLES:
        return
    write = terminalreporter.write_line
    posts = sorted({endpoint for endpoint, _ in EXAMPLES if endpoint.startswith("POST ")})
    tiers = sorted({tier for endpoint, tier in EXAMPLES if endpoint in posts})
    terminalreporter.section("fuzz examples per form endpoint")
    write("".join(f"{tier:>14}" for tier in [*tiers, "total"]) + "  endpoint")
    for endpoint in posts:
        counts = [EXAMPLES[endpoint, tier] for tier in tiers]
        write("".join(f"{n:>14}" for n in [*counts, sum(counts)]) + f"  {endpoint}")
    if not terminalreporter.config.getoption("hypothesis_show_statistics", False):
        return
    terminalreporter.section("fuzz examples (requests) per endpoint and tier")
    for (endpoint, tier), examples in sorted(EXAMPLES.items()):
        requests = REQUESTS[endpoint, tier]
        write(f"{examples:6d} ({requests:4d})  {endpoint}  [{tier}]")
