"""The one place that reads htmx request headers and decides page versus fragment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, make_response, redirect, render_template, request


def wants_fragment() -> bool:
    """True for an htmx swap; False for plain, boosted and history-restore requests."""
    headers = request.headers
    if headers.get("HX-Request") != "true":
        return False
    return (
        headers.get("HX-Boosted") != "true" and headers.get("HX-History-Restore-Request") != "true"
    )


def is_htmx() -> bool:
    """True for any request made by htmx (boosted included)."""
    return request.headers.get("HX-Request") == "true"


def page_or_fragment(page: str, fragment: str, **context: Any) -> Response:
    """Render the full page, or only its fragment for an htmx swap; varies on HX-Request."""
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context))
    response.headers.add("Vary", "HX-Request")
    return response


def see_other(location: str) -> Response:
    """After a POST: 303 for plain and boosted forms, HX-Redirect for an htmx swap."""
    if wants_fragment():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)


def respond_after_post(location: str, render: Callable[[], Response]) -> Response:
    """Post/Redirect/Get without htmx; with htmx, the new state at once (URL set to location)."""
    if not is_htmx():
        return redirect(location, code=303)
    response = render()
    if not wants_fragment() and response.status_code == 200:
        response.headers["HX-Push-Url"] = location
    return response
