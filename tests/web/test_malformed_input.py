"""Malformed input that once answered 500: odd digits, huge ids, NUL bytes, uploads and JSON.

Each case was found by the fuzz tests in tests/fuzz/ and is pinned here with the smallest
input that showed it (several only failed on PostgreSQL, which refuses NUL bytes in text and
integers over 32 bits).
"""

from __future__ import annotations

import io
import json
from typing import IO, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from user_factory import log_in_as, make_user
from web_helpers import Player

from quizapp.extensions import db
from quizapp.form_parsing import FormRequest
from quizapp.models import AuditEntry, Round, RoundQuestion, User
from quizapp.services import exports

SUPERSCRIPT_TWO = "\u00b2"  # str.isdigit() says yes, int() says no
HUGE = "9" * 5000  # more digits than int() converts
TOO_BIG_FOR_AN_ID = ["2147483648", "99999999999999999999999"]


@pytest.fixture
def player(app: Flask, client: FlaskClient) -> Player:
    return Player(app, client)


def answered(app: Flask) -> int:
    with app.app_context():
        query = select(func.count()).where(RoundQuestion.answered_at.is_not(None))
        return int(db.session.scalar(query) or 0)


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


# --- the round ----------------------------------------------------------------------------------


@pytest.mark.parametrize("position", [SUPERSCRIPT_TWO, HUGE, "\uff10"])
def test_an_odd_position_is_a_stale_form_not_a_crash(player: Player, position: str) -> None:
    player.start(mode="relaxed")
    player.client.get(player.url)
    data = {**player.right_answer(), "position": position}
    assert player.answer(data).status_code == 303
    assert player.next(position).status_code == 303
    assert answered(player.app) == 0 and player.round().position == 0


def test_an_odd_choice_is_refused_with_a_message(app: Flask, player: Player) -> None:
    app.config["ROUND_SIZE"] = 40
    player.start(quiz="social-media", mode="relaxed")
    html = ""
    for position in range(player.round().size):  # the first question with choices
        html = player.client.get(player.url).get_data(as_text=True)
        if 'data-testid="answer-input"' not in html:
            break
        player.answer(player.right_answer())
        player.next(position)
    item = player.item()
    for choice in (SUPERSCRIPT_TWO, HUGE, "\u0663"):  # the last one is an Arabic-Indic 3
        response = player.answer({"position": item.position, "choice": [choice]}, "htmx")
        assert response.status_code == 200
        assert "not part of this question" in response.get_data(as_text=True)
    assert player.item().answered_at is None


@pytest.mark.parametrize("path", ["/play/a%00b", "/results/a%00b", "/play/" + "x" * 40])
def test_a_round_id_no_round_can_have_is_404(player: Player, path: str) -> None:
    token = player.token()
    assert player.client.get(path).status_code == 404
    if path.startswith("/play/"):
        for action in ("answer", "next"):
            data = {"csrf_token": token, "position": "0"}
            assert player.client.post(f"{path}/{action}", data=data).status_code == 404


# --- admin --------------------------------------------------------------------------------------


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> dict[str, int]:
    with app.app_context():
        ids = {"admin": make_user("Boss", admin=True), "mina": make_user("Mina")}
    log_in_as(client, ids["admin"])
    return ids


@pytest.mark.parametrize(
    "path", ["/admin/players", "/admin/audit", "/admin/suspicious", "/admin/players/{mina}"]
)
def test_an_odd_page_number_is_page_one(
    client: FlaskClient, admin: dict[str, int], path: str
) -> None:
    url = path.format(**admin)
    for page in (SUPERSCRIPT_TWO, "\u0663", HUGE):
        assert client.get(url, query_string={"page": page}).status_code == 200


@pytest.mark.parametrize("number", TOO_BIG_FOR_AN_ID)
def test_an_id_too_big_for_the_database_is_404(
    app: Flask, client: FlaskClient, admin: dict[str, int], number: str
) -> None:
    token = Player(app, client).token()
    assert client.get(f"/admin/players/{number}").status_code == 404
    assert client.get(f"/admin/rounds/{number}").status_code == 404
    for action in ("players/{n}/hide", "players/{n}/unhide", "rounds/{n}/void"):
        url = "/admin/" + action.format(n=number)
        assert client.post(url, data={"csrf_token": token}).status_code == 404
    assert count(app, AuditEntry) == 0


def test_a_search_with_a_nul_byte_finds_nobody(client: FlaskClient, admin: dict[str, int]) -> None:
    response = client.get("/admin/players", query_string={"q": "Mi\x00na"})
    assert response.status_code == 200
    assert f'/admin/players/{admin["mina"]}"' not in response.get_data(as_text=True)
    assert f'/admin/players/{admin["mina"]}"' in client.get("/admin/players?q=mi").get_data(
        as_text=True
    )


def test_the_last_possible_day_is_refused_with_a_message(
    client: FlaskClient, admin: dict[str, int]
) -> None:
    period = {"from": "9999-12-31", "to": "9999-12-31"}
    response = client.get("/admin/exports/answers.csv", query_string=period)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "before 9999-12-31" in response.get_data(as_text=True)
    with pytest.raises(exports.PeriodError):
        exports.parse_period("9999-12-30", "9999-12-31")


# --- accounts -----------------------------------------------------------------------------------


def test_a_username_with_a_nul_byte_is_wrong_credentials(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_user("Mina")
    token = Player(app, client).token()
    data = {"csrf_token": token, "username": "Mi\x00na", "password": "correct-horse"}
    response = client.post("/login", data=data)
    assert response.status_code == 200
    # The same answer as any wrong log-in: one alert for the form, not a username error.
    assert 'data-testid="form-error">Wrong username or password' in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302


def test_a_username_with_a_nul_byte_cannot_sign_up(app: Flask, client: FlaskClient) -> None:
    token = Player(app, client).token()
    data = {"csrf_token": token, "username": "Mi\x00na", "password": "p" * 9, "confirm": "p" * 9}
    response = client.post("/signup", data=data)
    assert response.status_code == 200
    assert "Use only letters, digits, _ and -." in response.get_data(as_text=True)
    assert count(app, User) == 0


@pytest.mark.parametrize("path", ["/signup", "/login"])
def test_an_uploaded_file_is_not_a_username(app: Flask, client: FlaskClient, path: str) -> None:
    with app.app_context():
        make_user("Mina")
    token = Player(app, client).token()
    data = {
        "csrf_token": token,
        "username": (io.BytesIO(b"Newbie"), "name.txt"),
        "password": "correct-horse",
        "confirm": "correct-horse",
    }
    response = client.post(path, data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert count(app, User) == 1 and client.get("/profile").status_code == 302


@pytest.mark.parametrize("document", [False, " ", 5, [1, 2], {"username": 7, "password": []}])
@pytest.mark.parametrize("path", ["/signup", "/login"])
def test_a_json_body_is_not_a_form(
    app: Flask, client: FlaskClient, path: str, document: object
) -> None:
    token = Player(app, client).token()
    response = client.post(
        path,
        data=json.dumps(document),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert count(app, User) == 0 and count(app, Round) == 0


# --- multipart ----------------------------------------------------------------------------------

NAMELESS_PARTS = [
    b"Content-Disposition: form-data",
    b'Content-Disposition: form-data; name="\\"',  # an unterminated name is no name
    b'Content-Disposition: form-data; filename="x.txt"\r\nContent-Type: text/plain',
]


def multipart_body(*parts: bytes) -> bytes:
    return b"".join(b"--B\r\n" + part + b"\r\n" for part in parts) + b"--B--\r\n"


@pytest.mark.parametrize("part", NAMELESS_PARTS)
def test_a_form_part_without_a_name_is_not_a_crash(
    app: Flask, client: FlaskClient, part: bytes
) -> None:
    """Werkzeug filed a nameless part under the key None, and the CSRF check then raised."""
    body = multipart_body(part + b"\r\n\r\nv")
    response = client.post("/play", data=body, content_type="multipart/form-data; boundary=B")
    assert response.status_code == 400  # no CSRF token: refused, as any other form without one
    assert count(app, Round) == 0


@pytest.mark.parametrize("part", NAMELESS_PARTS)
def test_a_form_part_without_a_name_is_ignored(
    app: Flask, client: FlaskClient, part: bytes
) -> None:
    token = Player(app, client).token()
    body = multipart_body(
        part + b"\r\n\r\nsocial-media",
        b'Content-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode(),
        b'Content-Disposition: form-data; name="quiz"\r\n\r\nsocial-media',
    )
    response = client.post("/play", data=body, content_type="multipart/form-data; boundary=B")
    assert response.status_code == 303
    assert count(app, Round) == 1


def test_the_uploads_of_a_form_that_cannot_be_read_are_closed(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Werkzeug gave up on the form at a broken part and left the upload before it open."""
    opened: list[IO[bytes]] = []
    make_stream = FormRequest._get_file_stream

    def spy(request: FormRequest, *args: Any, **kwargs: Any) -> IO[bytes]:
        opened.append(make_stream(request, *args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(FormRequest, "_get_file_stream", spy)
    token = Player(app, client).token()
    body = multipart_body(
        b'Content-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode(),
        b'Content-Disposition: form-data; name="a"; filename="a.txt"\r\n\r\nupload',
        b"Content-Type: text/plain\r\n\r\nno Content-Disposition: the form is unreadable",
    )
    response = client.post("/play", data=body, content_type="multipart/form-data; boundary=B")
    assert response.status_code == 400  # read as an empty form: no CSRF token
    assert len(opened) == 1 and opened[0].closed
    assert count(app, Round) == 0
