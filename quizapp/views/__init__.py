"""Blueprints and error pages."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from ..form_parsing import FormRequest
from . import admin, auth, boards, daily, health, main, play, profile


def _error_page(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    return render_template("errors/error.html", code=code, error=error), code


def register(app: Flask) -> None:
    """Attach every blueprint and the friendly error pages; forms parsed by FormRequest."""
    app.request_class = FormRequest
    for module in (main, play, auth, profile, boards, daily, admin, health):
        app.register_blueprint(module.bp)
    app.register_error_handler(HTTPException, _error_page)
