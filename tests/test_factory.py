"""The app factory and where configuration comes from."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp import create_app
from quizapp.config import DEV_SECRET_KEY, database_url_from_env


def test_defaults_use_sqlite_in_the_instance_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("FLASK_SQLALCHEMY_DATABASE_URI", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(
        Path(app.instance_path) / "quizapp.sqlite"
    )
    assert app.config["ROUND_SIZE"] == 10


def test_env_overrides_defaults_and_test_config_overrides_env(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FLASK_ROUND_SIZE", "7")
    monkeypatch.setenv("FLASK_SQLALCHEMY_DATABASE_URI", "sqlite:///from-env.sqlite")
    assert create_app().config["ROUND_SIZE"] == 7
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///from-env.sqlite"
    assert create_app({"ROUND_SIZE": 3}).config["ROUND_SIZE"] == 3


def test_instance_config_sits_between_defaults_and_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config.py").write_text("ROUND_SIZE = 5\nTIME_LIMIT = 30\n")
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.setenv("FLASK_TIME_LIMIT", "25")
    app = create_app()
    assert app.instance_path == str(tmp_path)
    assert (app.config["ROUND_SIZE"], app.config["TIME_LIMIT"]) == (5, 25)


def test_database_url_is_translated_for_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (
        database_url_from_env({"DATABASE_URL": "postgres://u@h/db"})
        == "postgresql+psycopg://u@h/db"
    )
    assert database_url_from_env({}) is None
    monkeypatch.delenv("FLASK_SQLALCHEMY_DATABASE_URI", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    uri = create_app().config["SQLALCHEMY_DATABASE_URI"]
    assert uri == "postgresql+psycopg://postgres@127.0.0.1/test"


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(RuntimeError, match="development SECRET_KEY"):
        create_app({"PRODUCTION": True, "SECRET_KEY": DEV_SECRET_KEY})
    assert create_app({"PRODUCTION": True, "SECRET_KEY": "a-real-secret"}).config["PRODUCTION"]
