"""Keyboard users see where they are, screen readers hear what matters, and the checks bite."""

from __future__ import annotations

from typing import Any

from checks import page_problems
from playing import answer_right, start
from playwright.sync_api import expect
from sqlalchemy import update

from quizapp.extensions import db
from quizapp.models import RoundQuestion

FOCUSED = """
() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const ring = element.matches('input[type="radio"], input[type="checkbox"]')
    ? element.closest("label") || element : element;
  const style = getComputedStyle(ring);
  const box = ring.getBoundingClientRect();
  return {
    name: (element.innerText || element.value || element.name || element.id).trim().slice(0, 40),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    onScreen: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
  };
}
"""


def tab_through(page: Any, limit: int = 60) -> tuple[int, list[str]]:
    """Tab until focus leaves the page; count the stops and name those shown badly."""
    stops, unseen = 0, []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break
        stops += 1
        if not (focused["outline"] and focused["onScreen"]):
            unseen.append(str(focused))
    return stops, unseen


def test_the_skip_link_and_a_visible_focus_ring_on_every_stop(serve: Any, page: Any) -> None:
    server = serve()
    page.goto(server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0 and box["height"] >= 44
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator('input[name="mode"]:checked')).to_be_focused()  # main's first stop

    page.goto(server.url + "/")
    stops, unseen = tab_through(page)
    assert unseen == []
    assert stops >= 11  # skip link, brand, 3 links, mode, daily (2), 4 quizzes

    start(page, server, "mixed", "timed")
    expect(page.locator("#card")).to_be_focused()
    stops, unseen = tab_through(page)
    assert unseen == [] and stops >= 2
    assert page.errors == []


LISTEN = """
() => {
  window.heard = [];
  const region = document.getElementById("announcer");
  new MutationObserver(() => region.textContent && window.heard.push(region.textContent))
    .observe(region, {childList: true, characterData: true, subtree: true});
  return region.getAttribute("aria-live");
}
"""


def test_feedback_is_announced_and_the_clock_sparingly(serve: Any, page: Any) -> None:
    server = serve()
    start(page, server, "mixed", "timed")
    assert page.evaluate(LISTEN) == "polite"
    answer_right(server, page)
    expect(page.get_by_test_id("next")).to_be_focused()
    page.get_by_test_id("next").click()
    expect(page.get_by_test_id("progress")).to_have_text("2 / 10")
    expect(page.locator("#card")).to_be_focused()
    heard = page.evaluate("window.heard")
    assert len(heard) == 1 and heard[0].startswith("Right!"), heard

    with server.app.app_context():  # a short clock for the second question
        db.session.execute(
            update(RoundQuestion).where(RoundQuestion.position == 1).values(time_limit=6)
        )
        db.session.commit()
    page.reload()
    page.evaluate(LISTEN)
    expect(page.get_by_test_id("feedback")).to_have_attribute(
        "data-result", "timeout", timeout=10_000
    )
    expect(page.locator("#announcer")).to_contain_text("Time's up")
    heard = page.evaluate("window.heard")
    # Five seconds left is said once; not four, three, two, one.
    assert heard[0] == "5 seconds left" and len(heard) == 2, heard
    assert page.errors == []


def test_the_checks_catch_a_broken_page(serve: Any, page: Any) -> None:
    server = serve()
    page.goto(server.url + "/")
    # Break the page the ways the checks look for (through the DevTools protocol, not the CSP).
    page.evaluate(
        """() => {
        const main = document.querySelector("main");
        main.insertAdjacentHTML("beforeend", '<button id="tiny">x</button><p id="faint">faint</p>');
        main.insertAdjacentHTML("beforeend", '<div id="wide"></div><img src="/x.png">');
        Object.assign(document.getElementById("tiny").style, {minHeight: "0", padding: "0"});
        Object.assign(document.getElementById("faint").style, {color: "#eee", background: "#fff"});
        Object.assign(document.getElementById("wide").style, {width: "500px", height: "1px"});
        console.error("boom");
    }"""
    )
    problems = "\n".join(page_problems(page))
    assert 'tap target under 44 px at 360 px: button "x"' in problems
    assert "color-contrast" in problems
    assert "image-alt" in problems
    assert "scrolls sideways" in problems
    assert "console error" in problems and "boom" in problems
