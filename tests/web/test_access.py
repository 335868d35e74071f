"""Who may do what: every registered route x every kind of visitor, as one table.

A route added to the app without a row here fails `test_every_route_is_in_the_table`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from user_factory import log_in_as, make_user
from web_helpers import Player

ROLES = ("guest", "player", "owner", "other", "admin")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

OPEN = dict.fromkeys(ROLES, 200)
SIGNED_IN = {"guest": 302, "player": 200, "owner": 200, "other": 200, "admin": 200}
ADMIN = {"guest": 302, "player": 403, "owner": 403, "other": 403, "admin": 200}
ADMIN_POST = {**ADMIN, "admin": 303}
OWNER_ONLY = {"guest": 404, "player": 404, "owner": 200, "other": 404, "admin": 404}
REDIRECT = dict.fromkeys(ROLES, 303)

# (rule, method) -> (form data, expected status per role)
TABLE: dict[tuple[str, str], tuple[dict[str, str], dict[str, int]]] = {
    ("/", "GET"): ({}, OPEN),
    ("/healthz", "GET"): ({}, OPEN),
    ("/readyz", "GET"): ({}, OPEN),
    ("/static/<path:filename>", "GET"): ({}, OPEN),
    ("/leaderboards", "GET"): ({}, OPEN),
    ("/daily", "GET"): ({}, OPEN),
    ("/daily", "POST"): ({"mode": "relaxed"}, REDIRECT),
    ("/login", "GET"): ({}, {**OPEN, "player": 302, "owner": 302, "other": 302, "admin": 302}),
    ("/login", "POST"): ({"username": "nobody", "password": "wrong-password"}, OPEN),
    ("/signup", "GET"): ({}, {**OPEN, "player": 302, "owner": 302, "other": 302, "admin": 302}),
    ("/signup", "POST"): ({"username": "x"}, OPEN),  # invalid: the form comes back
    ("/logout", "POST"): ({}, REDIRECT),
    ("/profile", "GET"): ({}, SIGNED_IN),
    ("/account/password", "GET"): ({}, SIGNED_IN),
    ("/account/password", "POST"): ({}, SIGNED_IN),  # empty: the form comes back
    ("/account/logout-everywhere", "POST"): ({}, {**REDIRECT, "guest": 302}),
    ("/play", "POST"): ({"quiz": "faq-2024", "mode": "timed"}, REDIRECT),
    ("/play/<public_id>", "GET"): ({}, OWNER_ONLY),
    ("/play/<public_id>/answer", "POST"): ({"position": "0"}, OWNER_ONLY),  # "pick an answer"
    ("/play/<public_id>/next", "POST"): ({"position": "0"}, {**OWNER_ONLY, "owner": 303}),
    ("/results/<public_id>", "GET"): ({}, {**OWNER_ONLY, "owner": 303}),  # not finished yet
    ("/admin/", "GET"): ({}, ADMIN),
    ("/admin/boards", "GET"): ({}, ADMIN),
    ("/admin/boards.csv", "GET"): ({}, ADMIN),
    ("/admin/players", "GET"): ({}, ADMIN),
    ("/admin/players/<id:user_id>", "GET"): ({}, ADMIN),
    ("/admin/players/<id:user_id>/hide", "POST"): ({}, ADMIN_POST),
    ("/admin/players/<id:user_id>/unhide", "POST"): ({}, ADMIN_POST),
    ("/admin/rounds/<id:round_id>", "GET"): ({}, ADMIN),
    ("/admin/rounds/<id:round_id>/void", "POST"): ({}, ADMIN_POST),
    ("/admin/suspicious", "GET"): ({}, ADMIN),
    ("/admin/questions", "GET"): ({}, ADMIN),
    ("/admin/charts", "GET"): ({}, ADMIN),
    ("/admin/exports", "GET"): ({}, ADMIN),
    ("/admin/exports/answers.csv", "GET"): ({}, ADMIN),
    ("/admin/audit", "GET"): ({}, ADMIN),
}


@dataclass
class World:
    clients: dict[str, FlaskClient]
    public_id: str
    round_id: int
    other_id: int

    def url(self, rule: str) -> str:
        return (
            rule.replace("<public_id>", self.public_id)
            .replace("<id:user_id>", str(self.other_id))
            .replace("<id:round_id>", str(self.round_id))
            .replace("<path:filename>", "css/app.css")
        )


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        ids = {role: make_user(role, admin=role == "admin") for role in ROLES if role != "guest"}
    clients = {role: app.test_client() for role in ROLES}
    for role, user_id in ids.items():
        log_in_as(clients[role], user_id)
    owner = Player(app, clients["owner"])
    owner.start(quiz="social-media", mode="timed")
    clients["owner"].get(owner.url)  # the first question is served
    return World(clients, owner.round_id, owner.round().id, ids["other"])


def test_every_route_is_in_the_table(app: Flask) -> None:
    routes = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    assert routes - TABLE.keys() == set(), "add the new routes to TABLE"
    assert TABLE.keys() - routes == set(), "TABLE lists routes that no longer exist"


@pytest.mark.parametrize(("rule", "method"), list(TABLE), ids=[f"{m} {r}" for r, m in TABLE])
def test_access(world: World, rule: str, method: str) -> None:
    data, expected = TABLE[(rule, method)]
    seen = {}
    for role in ROLES:
        client = world.clients[role]
        if method == "GET":
            with client.get(world.url(rule)) as response:
                seen[role] = response.status_code
        else:
            token = TOKEN.search(client.get("/").get_data(as_text=True))
            assert token
            response = client.post(world.url(rule), data={**data, "csrf_token": token.group(1)})
            seen[role] = response.status_code
    assert seen == expected
