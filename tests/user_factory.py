"""Players for tests: create one in the database, sign a test client in as one.

A module of its own (not conftest.py) so that any test folder can import it unambiguously.
"""

from __future__ import annotations

import time

from flask.testing import FlaskClient
from flask_login.utils import _create_identifier

from quizapp.extensions import db
from quizapp.models import User


def make_user(username: str, password: str = "correct-horse", *, admin: bool = False) -> int:
    """Create a player (inside an app context) and return their id."""
    from werkzeug.security import generate_password_hash

    user = User(
        username=username,
        username_key=username.lower(),
        password_hash=generate_password_hash(password),
        is_admin=admin,
    )
    db.session.add(user)
    db.session.commit()
    return user.id


def log_in_as(client: FlaskClient, user_id: int) -> None:
    """Sign the client's session in as a user, exactly as a log-in through the form would."""
    app = client.application
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None, f"no user {user_id}"
        login_id = user.get_id()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()  # what "strong" session protection compares
    with client.session_transaction() as session:
        session["_user_id"] = login_id
        session["_fresh"] = True
        session["_id"] = identifier
        session["active_at"] = int(time.time())
