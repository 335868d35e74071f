"""What every page must pass on a phone: no sideways scroll, 44 px targets, no error, axe clean."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

NARROWEST = 320
MIN_TARGET = 44
BLOCKING_IMPACTS = {"serious", "critical"}
DARK_RULES = ["color-contrast", "link-in-text-block"]

# Visible things a finger can hit; a checkbox or radio counts as the label wrapped around it.
SMALL_TARGETS = """
(minimum) => {
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary';
  const small = [];
  for (const element of document.querySelectorAll(selector)) {
    const target = element.matches('input[type="checkbox"], input[type="radio"]')
      ? element.closest("label") || element : element;
    const box = target.getBoundingClientRect();
    const style = getComputedStyle(target);
    if (box.width === 0 || box.height === 0 || style.visibility === "hidden") continue;
    if (box.right <= 0 || box.bottom <= 0) continue;  // parked off screen (the skip link)
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
      const name = (target.innerText || target.value || target.name || "").trim().slice(0, 40);
      const size = `${box.width.toFixed(0)}x${box.height.toFixed(0)}`;
      small.push(`${target.tagName.toLowerCase()} "${name}" ${size}`);
    }
  }
  return small;
}
"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

_axe = Axe()


def axe_violations(page: Any, rules: list[str] | None = None) -> list[str]:
    """Serious and critical axe-core violations on the page as it is, one line each."""
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    results = _axe.run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def page_problems(page: Any) -> list[str]:
    """Everything wrong with the page on screen: light and dark, at its width and at 320 px."""
    seen = len(page.errors)
    problems = [f"console error: {error}" for error in page.errors]
    page.emulate_media(color_scheme="light")
    problems += [f"axe, light: {violation}" for violation in axe_violations(page)]
    # Only colours change in the dark scheme: its contrast is what needs checking again.
    # Reduced motion makes the switch instant: axe must not read colours mid-transition.
    page.emulate_media(color_scheme="dark", reduced_motion="reduce")
    problems += [f"axe, dark: {v}" for v in axe_violations(page, DARK_RULES)]
    page.emulate_media(color_scheme="light", reduced_motion="no-preference")
    size = page.viewport_size
    for width in sorted({size["width"], NARROWEST}):
        page.set_viewport_size({"width": width, "height": size["height"]})
        if (overflow := page.evaluate(OVERFLOW)) > 0:
            problems.append(f"scrolls sideways by {overflow} px at {width} px")
        small = page.evaluate(SMALL_TARGETS, MIN_TARGET)
        problems += [f"tap target under {MIN_TARGET} px at {width} px: {s}" for s in small]
    page.set_viewport_size(size)
    problems += [f"console error while checking: {error}" for error in page.errors[seen:]]
    return problems


def assert_page_ok(page: Any, where: str) -> None:
    """Fail with every problem found on the page, naming where the player was."""
    problems = page_problems(page)
    assert not problems, f"{where} ({page.url}):\n  " + "\n  ".join(problems)
