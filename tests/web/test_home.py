"""The home page catalogue and the friendly error pages."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from quizapp.services.catalog import get_catalog


def test_home_lists_every_bank_and_mixed(app: Flask, client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    with app.app_context():
        catalog = get_catalog()
    cards = re.findall(r'data-testid="quiz-card" data-quiz="([^"]+)"', html)
    assert cards == [b.id for b in catalog.banks] + ["mixed"]
    for bank in catalog.banks:
        assert bank.title in html
        assert f"{len(bank.questions)} questions" in html
    assert f"{len(catalog.questions)} questions" in html
    assert html.count('data-testid="start-round"') == len(cards)


def test_base_template_is_phone_ready_and_loads_pinned_htmx(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "/static/vendor/htmx-2.0.11.min.js" in html
    assert "unpkg" not in html and "cdn" not in html.lower()
    with client.get("/static/vendor/htmx-2.0.11.min.js") as script:
        assert script.status_code == 200
        assert b'version:"2.0.11"' in script.data


def test_unknown_page_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "We can't find that page" in html
    assert "Back to the quizzes" in html


def test_a_crash_is_a_friendly_500(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaboom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong on our side" in html
    assert "kaboom" not in html
