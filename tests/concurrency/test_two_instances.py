"""Two app servers on one database: a round, a log-in and the rate limits cross between them."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from live_server import GunicornServer, HttpPlayer
from test_answers import right_answer
from user_factory import make_user

REDIS_URL = os.environ.get("QUIZAPP_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} does not answer: {error}")
        pytest.skip(f"Redis at {REDIS_URL} does not answer: start it to run this test")


@pytest.fixture
def pair(app: Flask, database_url: str) -> Iterator[tuple[GunicornServer, GunicornServer]]:
    """Two gunicorn instances, same database and secret key, limits shared in Redis."""
    redis_or_skip()
    env = {
        "FLASK_RATELIMIT_ENABLED": "true",
        "FLASK_RATELIMIT_STORAGE_URI": REDIS_URL,
        "FLASK_RATELIMIT_KEY_PREFIX": f"test-{secrets.token_hex(6)}",
        "FLASK_LOGIN_RATE_LIMIT": "4 per minute",
    }
    first = GunicornServer(database_url, workers=1, env=env).start()
    second = GunicornServer(database_url, workers=1, env=env).start()
    yield first, second
    first.stop()
    second.stop()


def test_a_round_started_on_one_server_finishes_on_the_other(
    app: Flask, pair: tuple[GunicornServer, GunicornServer]
) -> None:
    first, second = pair
    on_first = HttpPlayer(first.url)
    token = on_first.token()
    started = on_first.post("/play", {"quiz": "faq-2024", "mode": "relaxed"}, token)
    assert started.status == 303
    public_id = started.headers["Location"].rsplit("/", 1)[1]
    on_second = on_first.copy()
    on_second.base = second.url
    for position in range(10):
        server = on_first if position % 2 else on_second  # alternate between the two
        assert server.get(f"/play/{public_id}").status == 200
        assert (
            server.post(f"/play/{public_id}/answer", right_answer(app, public_id), token).status
            == 303
        )
        assert server.post(f"/play/{public_id}/next", {"position": position}, token).status == 303
    results = on_second.get(f"/results/{public_id}")
    assert results.status == 200 and "10 / 10 (100%)" in results.body


def test_a_log_in_on_one_server_holds_on_the_other(
    app: Flask, pair: tuple[GunicornServer, GunicornServer]
) -> None:
    with app.app_context():
        make_user("mina")
    first, second = pair
    browser = HttpPlayer(first.url)
    logged = browser.post(
        "/login", {"username": "mina", "password": "correct-horse"}, browser.token()
    )
    assert logged.status == 303
    other = browser.copy()
    other.base = second.url
    profile = other.get("/profile")
    assert profile.status == 200 and "mina" in profile.body


def test_rate_limits_are_shared_through_redis(
    pair: tuple[GunicornServer, GunicornServer],
) -> None:
    first, second = pair
    statuses = []
    for server in (first, second, first, second, first):
        browser = HttpPlayer(server.url)
        wrong = {"username": "nobody", "password": "wrong-password"}
        statuses.append(browser.post("/login", wrong, browser.token()).status)
    assert statuses == [200, 200, 200, 200, 429]  # 4 a minute in all, not 4 per server
