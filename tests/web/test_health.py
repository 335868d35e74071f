"""Liveness and readiness probes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient


def test_healthz_is_a_constant_answer(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"


def test_readyz_reports_database_and_banks(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "database": "ok", "banks": "ok: 110 questions"}


def test_readyz_is_503_when_the_banks_are_broken(app: Flask, tmp_path: Path) -> None:
    shutil.copy(Path(app.config["QUESTIONS_DIR"]) / "sources.yaml", tmp_path)
    (tmp_path / "bad.yaml").write_text("id: [unclosed\n")
    app.config["QUESTIONS_DIR"] = str(tmp_path)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["banks"] == "error: 1 problem(s)"
    assert response.json["database"] == "ok"


def test_readyz_is_503_when_the_database_is_unreachable(make_app: Callable[..., Flask]) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["database"].startswith("error: ")
    assert response.json["status"] == "not ready"
