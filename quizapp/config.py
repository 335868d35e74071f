"""Default settings; every one can be overridden by instance/config.py or a FLASK_* variable."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-change-me"


def defaults(instance_path: str) -> dict[str, Any]:
    """The built-in configuration, before instance config and environment."""
    return {
        "SECRET_KEY": DEV_SECRET_KEY,
        "PRODUCTION": False,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "quizapp.sqlite"),
        "QUESTIONS_DIR": str(PROJECT_ROOT / "questions"),
        "ROUND_SIZE": 10,
        "TIME_LIMIT": 20,
        "RECENT_ROUNDS": 3,
        "DB_POOL_SIZE": 5,
        "DB_MAX_OVERFLOW": 5,
        "SQLITE_BUSY_TIMEOUT_MS": 5000,
        "RATELIMIT_ENABLED": True,  # explicit: Flask-Limiter would inherit a previous app's value
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
        "SIGNUP_RATE_LIMIT": "5 per minute;20 per hour",
        "RATELIMIT_HEADERS_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "HTTPS": None,  # None: follows PRODUCTION (Secure cookies, __Host- names, HSTS)
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=14),
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "ADMIN_IDLE_MINUTES": 15,
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "MAX_FORM_MEMORY_SIZE": 16 * 1024,
        "START_RATE_LIMIT": "30 per minute;300 per hour",
        "ANSWER_RATE_LIMIT": "120 per minute",
        "FAST_ANSWER_FLOOR": 0.8,
    }


def database_url_from_env(environ: dict[str, str]) -> str | None:
    """DATABASE_URL as SQLAlchemy wants it (postgres:// becomes postgresql+psycopg://)."""
    url = environ.get("DATABASE_URL")
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secure_cookies(config: dict[str, Any]) -> None:
    """Over HTTPS: Secure cookies with the __Host- prefix (no Domain, Path=/)."""
    if config["HTTPS"]:
        config["SESSION_COOKIE_SECURE"] = True
        config["SESSION_COOKIE_NAME"] = "__Host-session"
        config["REMEMBER_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_NAME"] = "__Host-remember"
