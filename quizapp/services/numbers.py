"""Numbers read from URLs and forms: short ASCII decimals, anything else refused."""

from __future__ import annotations

MAX_DIGITS = 6


def small_number(text: str | None) -> int | None:
    """A short ASCII decimal ("0" to "999999") as an int; None for anything else.

    `str.isdigit()` alone also accepts "²" and "٣", which `int()` refuses, and 5,000-digit
    numbers, which `int()` refuses too.
    """
    if text and text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS:
        return int(text)
    return None


def page_number(text: str | None) -> int:
    """The page asked for in a query string; 1 for anything that is not a positive number."""
    return max(small_number(text) or 1, 1)
