"""The weight budget, measured by Chromium itself: bytes on the wire, headers included."""

from __future__ import annotations

from typing import Any

from conftest import new_page
from playing import answer_right, start
from playwright.sync_api import expect

COLD_CARD_BUDGET = 30_000
NEXT_CARD_BUDGET = 2_000


def record(page: Any) -> list[Any]:
    """Every request the page makes from now on (its sizes are read once it finished)."""
    finished: list[Any] = []
    page.on("requestfinished", lambda request: finished.append(request))
    return finished


def wire_bytes(request: Any) -> int:
    """What the response weighed on the wire: its headers and its (compressed) body."""
    sizes = request.sizes()
    # A response served from the cache reports a body of minus its headers: nothing travelled.
    return max(0, int(sizes["responseHeadersSize"] + sizes["responseBodySize"]))


def test_a_question_card_weighs_under_the_budget(serve: Any, browser: Any, request: Any) -> None:
    server = serve()
    starter = new_page(browser, request)
    start(starter, server, "mixed", "relaxed")
    # A new browser profile with the same cookie: nothing cached.
    page = new_page(browser, request, storage_state=starter.context.storage_state())
    cold = record(page)
    # The favicon may be asked for after the load event: wait for it, it counts too.
    with page.expect_request_finished(lambda r: "/favicon.svg" in r.url):
        page.goto(starter.url, wait_until="load")
    expect(page.get_by_test_id("question")).to_be_visible()
    kinds = sorted(r.resource_type for r in cold)
    assert kinds == ["document", "other", "script", "script", "stylesheet"], kinds
    assert all(r.response().headers.get("content-encoding") in ("br", "gzip") for r in cold)
    cold_total = sum(wire_bytes(r) for r in cold)
    assert cold_total < COLD_CARD_BUDGET, [(r.url, wire_bytes(r)) for r in cold]

    warm = record(page)
    page.goto(starter.url, wait_until="load")
    expect(page.get_by_test_id("question")).to_be_visible()
    travelled = [r.resource_type for r in warm if wire_bytes(r) > 0]
    assert travelled == ["document"]  # fingerprinted static files come from the cache

    answer_right(server, page)
    swaps = record(page)
    page.get_by_test_id("next").click()
    expect(page.get_by_test_id("progress")).to_have_text("2 / 10")
    (next_card,) = [r for r in swaps if r.method == "POST"]
    assert next_card.url.endswith("/next")
    assert wire_bytes(next_card) < NEXT_CARD_BUDGET
    assert page.errors == []
