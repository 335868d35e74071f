"""quizapp: a K-pop trivia game served by Flask and htmx."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from .config import (
    DEV_SECRET_KEY,
    PROJECT_ROOT,
    database_url_from_env,
    defaults,
    secure_cookies,
)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then FLASK_* env, then test_config."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    if url := database_url_from_env(dict(os.environ)):
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config.from_prefixed_env()
    if test_config:
        app.config.from_mapping(test_config)
    if app.config["PRODUCTION"] and app.config["SECRET_KEY"] == DEV_SECRET_KEY:
        raise RuntimeError("Refusing to start in production with the development SECRET_KEY.")
    if app.config["HTTPS"] is None:
        app.config["HTTPS"] = app.config["PRODUCTION"]
    secure_cookies(app.config)
    os.makedirs(app.instance_path, exist_ok=True)

    from . import assets, cli, extensions, security, views

    extensions.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    views.register(app)
    cli.register(app)
    return app
