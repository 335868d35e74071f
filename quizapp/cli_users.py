"""Command line: `flask user create-admin|promote|demote NAME`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .models import utcnow
from .services import accounts

user_cli = AppGroup("user", help="Create admins and change who is one.")


def _checked_password(value: str) -> str:
    """click value_proc: a password that breaks the rules is refused and asked again."""
    problem = accounts.password_problem(value)
    if problem:
        raise click.BadParameter(problem)
    return value


@user_cli.command("create-admin")
@click.argument("name")
def create_admin_command(name: str) -> None:
    """Create an admin (password asked twice, hidden)."""
    problem = accounts.username_problem(name)
    if problem:
        raise click.ClickException(f"{name!r} can't be a username: {problem}")
    if accounts.find_user(name) is not None:
        raise click.ClickException(f"The user {name!r} already exists.")
    password = click.prompt(
        "Password", hide_input=True, confirmation_prompt=True, value_proc=_checked_password
    )
    try:
        created = accounts.create_admin(name, password, utcnow())
    except accounts.UsernameTaken as taken:
        raise click.ClickException(f"The user {name!r} already exists.") from taken
    click.echo(f"Created the admin {created.username!r}.")


def _set_admin(name: str, is_admin: bool) -> None:
    try:
        outcome = accounts.set_admin(name, is_admin)
    except accounts.UnknownUser as unknown:
        raise click.ClickException(f"There is no user called {name!r}.") from unknown
    messages = {
        (True, True): "is now an admin",
        (True, False): "was already an admin",
        (False, True): "is no longer an admin",
        (False, False): "was not an admin",
    }
    click.echo(f"{outcome.username!r} {messages[(outcome.is_admin, outcome.changed)]}.")


@user_cli.command("promote")
@click.argument("name")
def promote_command(name: str) -> None:
    """Make a user an admin (name in any case)."""
    _set_admin(name, True)


@user_cli.command("demote")
@click.argument("name")
def demote_command(name: str) -> None:
    """Take admin rights away (name in any case)."""
    _set_admin(name, False)
