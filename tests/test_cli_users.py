"""`flask user create-admin|promote|demote`: prompts, rules, messages and exit codes."""

from __future__ import annotations

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.extensions import db
from quizapp.models import User

PASSWORD = "s3cret-enough"


def run(app: Flask, *args: str, input: str | None = None) -> Result:
    return app.test_cli_runner().invoke(args=["user", *args], input=input)


def stored(app: Flask, username_key: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username_key == username_key))
        if user is not None:
            db.session.expunge(user)
        return user


def is_admin(app: Flask, username_key: str) -> bool:
    user = stored(app, username_key)
    assert user is not None
    return bool(user.is_admin)


def add_user(app: Flask, username: str, admin: bool = False) -> None:
    with app.app_context():
        db.session.add(
            User(
                username=username,
                username_key=username.lower(),
                password_hash=generate_password_hash(PASSWORD),
                is_admin=admin,
            )
        )
        db.session.commit()


def test_create_admin_asks_the_password_twice(app: Flask) -> None:
    result = run(app, "create-admin", "Boss_1", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Created the admin 'Boss_1'." in result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    user = stored(app, "boss_1")
    assert user is not None and user.is_admin and user.username == "Boss_1"
    assert check_password_hash(user.password_hash, PASSWORD)


def test_create_admin_asks_again_when_the_two_entries_differ(app: Flask) -> None:
    typed = f"{PASSWORD}\nsomething-else\n{PASSWORD}\n{PASSWORD}\n"
    result = run(app, "create-admin", "boss", input=typed)
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    user = stored(app, "boss")
    assert user is not None and check_password_hash(user.password_hash, PASSWORD)


def test_create_admin_refuses_a_short_password_and_asks_again(app: Flask) -> None:
    result = run(app, "create-admin", "boss", input=f"short\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Use at least 8 characters." in result.output


def test_create_admin_with_only_a_short_password_creates_nothing(app: Flask) -> None:
    result = run(app, "create-admin", "boss", input="short\nshort\n")
    assert result.exit_code == 1
    assert "Use at least 8 characters." in result.output
    assert stored(app, "boss") is None


@pytest.mark.parametrize("name", ["ab", "bad name", "x" * 21, "boss!"])
def test_create_admin_refuses_a_bad_username(app: Flask, name: str) -> None:
    result = run(app, "create-admin", name, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 1
    assert "can't be a username" in result.output
    with app.app_context():
        assert db.session.scalars(select(User)).all() == []


def test_create_admin_for_an_existing_user_says_so(app: Flask) -> None:
    add_user(app, "Boss")
    result = run(app, "create-admin", "BOSS", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 1
    assert "already exists" in result.output and "Password" not in result.output
    user = stored(app, "boss")
    assert user is not None and not user.is_admin


def test_promote_and_demote_ignore_the_letter_case(app: Flask) -> None:
    add_user(app, "Suga")
    result = run(app, "promote", "SUGA")
    assert result.exit_code == 0 and "'Suga' is now an admin." in result.output
    assert is_admin(app, "suga")
    result = run(app, "promote", "suga")
    assert result.exit_code == 0 and "was already an admin" in result.output
    result = run(app, "demote", "sUgA")
    assert result.exit_code == 0 and "'Suga' is no longer an admin." in result.output
    assert not is_admin(app, "suga")
    result = run(app, "demote", "suga")
    assert result.exit_code == 0 and "'Suga' was not an admin." in result.output


@pytest.mark.parametrize("command", ["promote", "demote"])
def test_promote_or_demote_an_unknown_user_fails(app: Flask, command: str) -> None:
    add_user(app, "Suga")
    result = run(app, command, "nobody")
    assert result.exit_code == 1
    assert "There is no user called 'nobody'." in result.output
