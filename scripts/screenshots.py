"""Screenshots of the game on a 360 px phone, light and dark, into screenshots/ (git-ignored).

    .venv/bin/python scripts/screenshots.py      # or: make screenshots

Serves the app on a free local port with a temporary SQLite database, seeds a few players
over HTTP so the leaderboard has rows, then plays a timed round in Debian's Chromium as a
new player and saves: home, question, feedback, results and leaderboard, each as
`<name>-light.png` and `<name>-dark.png` (full page, 360 px wide, device scale 2).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser"), str(ROOT / "tests")]

from conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, chromium_path  # noqa: E402
from live_server import serve_app  # noqa: E402
from playing import (  # noqa: E402
    answer_right,
    http_play,
    http_sign_up,
    play_to_results,
    sign_up,
    start,
)
from playwright.sync_api import expect, sync_playwright  # noqa: E402

SEEDS = [("hobi_fan", 9), ("lightstick", 7), ("soshi4ever", 5), ("dalgona", 3)]


def shoot(page: Any, folder: Path, name: str, full_page: bool) -> None:
    """Save the page in the light and the dark scheme."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        path = folder / f"{name}-{scheme}.png"
        page.screenshot(path=str(path), full_page=full_page, animations="disabled")
        print(f"saved {path}")


def quiet() -> None:
    """Keep the output to the results: no migration or request log lines."""
    logging.disable(logging.INFO)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--width", type=int, default=360)
    parser.add_argument("--fold", action="store_true", help="only the first screen, not the page")
    args = parser.parse_args()
    executable = chromium_path()
    if executable is None:
        print(f"Chromium not found at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite:///{Path(tmp) / 'screens.sqlite'}"
        quiet()
        server = serve_app(
            {"SECRET_KEY": "screenshots", "SQLALCHEMY_DATABASE_URI": database}
            | {"RATELIMIT_ENABLED": False}
        )
        try:
            for username, right in SEEDS:
                http_play(server, *http_sign_up(server, username), "mixed", "timed", right=right)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable, headless=True, args=CHROMIUM_ARGS
                )
                viewport = {"width": args.width, "height": PHONE["viewport"]["height"]}
                # Reduced motion: the timer bar shows its current length, not a transition's end.
                context = browser.new_context(
                    **{**PHONE, "viewport": viewport}, reduced_motion="reduce"
                )
                page = context.new_page()
                sign_up(page, server, "minji")
                page.goto(server.url + "/")
                shoot(page, args.out, "home", not args.fold)
                start(page, server, "mixed", "timed")
                shoot(page, args.out, "question", not args.fold)
                answer_right(server, page)
                shoot(page, args.out, "feedback", not args.fold)
                page.get_by_test_id("next").click()
                expect(page.get_by_test_id("progress")).to_have_text("2 / 10")
                play_to_results(server, page)
                shoot(page, args.out, "results", not args.fold)
                page.goto(server.url + "/leaderboards?board=overall&mode=timed")
                expect(page.get_by_test_id("leaderboard-row").first).to_be_visible()
                shoot(page, args.out, "leaderboard", not args.fold)
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
