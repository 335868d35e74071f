"""Accounts: sign up, log in (claiming the browser's guest rounds), and admin rights."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Round, User
from . import boards

USERNAME_MIN = 3
USERNAME_MAX = 20
PASSWORD_MIN = 8
PASSWORD_MAX = 128
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_-]+")


class InvalidAccount(Exception):
    """The username or password breaks the rules; the message says which rule."""


class UsernameTaken(Exception):
    """Someone already has this username (in any letter case)."""


class UnknownUser(Exception):
    """No account has this username."""


class WrongCredentials(Exception):
    """The username or the password is wrong (deliberately not saying which)."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A player who just signed up or logged in, and how many guest rounds became theirs."""

    user: User
    claimed_rounds: int


@dataclass(frozen=True, slots=True)
class AdminCreated:
    user_id: int
    username: str


@dataclass(frozen=True, slots=True)
class AdminChanged:
    """An account's admin flag after promote/demote; `changed` is False if it already was."""

    username: str
    is_admin: bool
    changed: bool


def username_key(username: str) -> str:
    """The case-insensitive form stored in the unique `username_key` column."""
    return username.strip().lower()


def username_problem(username: str) -> str | None:
    """Why a username cannot be used, or None when it follows the rules."""
    if not USERNAME_MIN <= len(username) <= USERNAME_MAX:
        return f"Use {USERNAME_MIN} to {USERNAME_MAX} characters."
    if not USERNAME_PATTERN.fullmatch(username):
        return "Use only letters, digits, _ and -."
    return None


def password_problem(password: str) -> str | None:
    """Why a password cannot be used, or None when it is long enough."""
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters."
    return None


@cache
def _dummy_hash() -> str:
    """Checked when the username is unknown, so a miss costs as long as a wrong password."""
    return generate_password_hash("not-a-real-password")


def find_user(username: str) -> User | None:
    """The account with this username, whatever the letter case."""
    if "\x00" in username:  # no username holds a NUL byte, and PostgreSQL refuses one in a query
        return None
    query = select(User).where(User.username_key == username_key(username))
    user: User | None = db.session.scalar(query)
    return user


def _add_user(username: str, password: str, is_admin: bool, now: datetime) -> User:
    """Insert the account (flushed, not committed); UsernameTaken on a clash, races included."""
    problem = username_problem(username) or password_problem(password)
    if problem:
        raise InvalidAccount(problem)
    if find_user(username) is not None:
        raise UsernameTaken(username)
    user = User(
        username=username,
        username_key=username_key(username),
        password_hash=generate_password_hash(password),
        is_admin=is_admin,
        created_at=now,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as clash:  # another request took the name since our check
        db.session.rollback()
        raise UsernameTaken(username) from clash
    return user


def claim_guest_rounds(user_id: int, guest_id: str | None) -> int:
    """Give the guest's unowned rounds to the user (no commit); returns how many moved."""
    if not guest_id:
        return 0
    moved: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        update(Round)
        .where(Round.guest_id == guest_id, Round.user_id.is_(None))
        .values(user_id=user_id, guest_id=None)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount:
        boards.rebuild_user(user_id)
    return int(moved.rowcount or 0)


def _commit_sign_in(user: User, guest_id: str | None) -> SignedIn:
    claimed = claim_guest_rounds(user.id, guest_id)
    try:
        db.session.commit()
    except IntegrityError as clash:  # the unique username index, hit at commit
        db.session.rollback()
        raise UsernameTaken(user.username) from clash
    return SignedIn(user, claimed)


def sign_up(username: str, password: str, guest_id: str | None, now: datetime) -> SignedIn:
    """Create a player account and give it this browser's guest rounds, in one commit."""
    user = _add_user(username, password, is_admin=False, now=now)
    return _commit_sign_in(user, guest_id)


def log_in(username: str, password: str, guest_id: str | None) -> SignedIn:
    """Check the credentials and give the player this browser's guest rounds."""
    user = find_user(username) if len(username) <= USERNAME_MAX else None
    stored = user.password_hash if user is not None else _dummy_hash()
    right = len(password) <= PASSWORD_MAX and check_password_hash(stored, password)
    if user is None or not right:
        raise WrongCredentials(username)
    return _commit_sign_in(user, guest_id)


def create_admin(username: str, password: str, now: datetime) -> AdminCreated:
    """Create an admin account; UsernameTaken if the name is in use."""
    user = _add_user(username, password, is_admin=True, now=now)
    db.session.commit()
    return AdminCreated(user.id, user.username)


def set_admin(username: str, is_admin: bool) -> AdminChanged:
    """Grant or remove admin rights; UnknownUser if there is no such account."""
    user = find_user(username)
    if user is None:
        raise UnknownUser(username)
    changed = user.is_admin != is_admin
    user.is_admin = is_admin
    db.session.commit()
    return AdminChanged(user.username, is_admin, changed)


class WrongPassword(Exception):
    """The current password given to change it was wrong."""


def log_out_everywhere(user_id: int) -> None:
    """Void every session and remember cookie of the player by bumping their session version."""
    db.session.execute(
        update(User).where(User.id == user_id).values(session_version=User.session_version + 1)
    )
    db.session.commit()


def change_password(user_id: int, current: str, new: str) -> User:
    """Set a new password after checking the current one; every other session is voided."""
    user = db.session.get(User, user_id)
    if user is None:
        raise UnknownUser(str(user_id))
    if len(current) > PASSWORD_MAX or not check_password_hash(user.password_hash, current):
        raise WrongPassword(user.username)
    problem = password_problem(new)
    if problem:
        raise InvalidAccount(problem)
    user.password_hash = generate_password_hash(new)
    user.session_version += 1
    db.session.commit()
    return user
