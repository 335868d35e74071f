"""Blueprints and error pages."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from ..form_parsing import FormRequest
from . import admin, auth, boards, daily, health, main, play, profile

MAX_ID = 2**31 - 1  # ids are 32-bit integer columns; PostgreSQL refuses to compare a larger one


class IdConverter(IntegerConverter):
    """`<id:name>`: a row id, 1 to MAX_ID; any other number matches no route (a 404)."""

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def _error_page(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    return render_template("errors/error.html", code=code, error=error), code


def register(app: Flask) -> None:
    """Attach every blueprint and the friendly error pages; forms parsed by FormRequest."""
    app.request_class = FormRequest
    app.url_map.converters["id"] = IdConverter
    for module in (main, play, auth, profile, boards, daily, admin, health):
        app.register_blueprint(module.bp)
    app.register_error_handler(HTTPException, _error_page)
