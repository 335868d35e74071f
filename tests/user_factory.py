"""Players for tests: create one in the database, sign a test client in as one.

A module of its own (not conftest.py) so that any test folder can import it unambiguously.
"""

from __future__ import annotations

from flask.testing import FlaskClient

from quizapp.extensions import db


def make_user(username: str, password: str = "correct-horse", *, admin: bool = False) -> int:
    """Create a player (inside an app context) and return their id."""
    from werkzeug.security import generate_password_hash

    from quizapp.models import User

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
    """Sign the client's session in as a user, the way Flask-Login stores it."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
