"""Command line: `flask bank check|coverage|load`."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .bank import Catalog, check
from .bank.model import Difficulty, QuestionType

THIN_SECTION = 4
bank_cli = AppGroup("bank", help="Check and load the YAML question banks.")


def _questions_dir() -> Path:
    return Path(current_app.config["QUESTIONS_DIR"])


def _load_or_exit(paths: tuple[Path, ...] = ()) -> Catalog:
    result = check(list(paths) or [_questions_dir()], _questions_dir())
    for problem in result.problems:
        click.echo(str(problem))
    if result.catalog is None:
        click.echo(f"{len(result.problems)} problem(s) found.", err=True)
        raise SystemExit(1)
    return result.catalog


@bank_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check_command(paths: tuple[Path, ...]) -> None:
    """Lint bank files (default: the questions folder); every problem as path:line: message."""
    catalog = _load_or_exit(paths)
    questions = list(catalog.questions.values())
    types = Counter(q.type for q in questions)
    levels = Counter(q.difficulty for q in questions)
    click.echo(f"OK: {len(catalog.banks)} banks, {len(questions)} questions")
    for bank in catalog.banks:
        click.echo(f"  {bank.id}: {len(bank.questions)} questions ({bank.path})")
    click.echo("  types: " + ", ".join(f"{t} {types[t]}" for t in QuestionType))
    click.echo("  difficulty: " + ", ".join(f"{d} {levels[d]}" for d in Difficulty))


@bank_cli.command("coverage")
def coverage_command() -> None:
    """Questions per source section; sections with fewer than 4 are flagged (exit 1)."""
    catalog = _load_or_exit()
    counts = Counter((q.source.document, q.source.section) for q in catalog.questions.values())
    thin = 0
    for document in catalog.documents.values():
        click.echo(document.title)
        for section in document.sections:
            count = counts[(document.id, section.id)]
            flag = "  <- thin" if count < THIN_SECTION else ""
            thin += count < THIN_SECTION
            click.echo(f"  {count:3d}  {section.title}{flag}")
    if thin:
        click.echo(f"{thin} section(s) have fewer than {THIN_SECTION} questions.", err=True)
        raise SystemExit(1)
    click.echo(f"Every section has at least {THIN_SECTION} questions.")


@bank_cli.command("load")
def load_command() -> None:
    """Record every current question version in the database (run by `make run`)."""
    from .services.snapshots import load_banks

    catalog = _load_or_exit()
    added = load_banks(catalog)
    click.echo(f"Loaded {len(catalog.questions)} questions ({added} new versions recorded).")


def register(app: Flask) -> None:
    """Add the command groups to the app."""
    app.cli.add_command(bank_cli)
    from .cli_users import user_cli

    app.cli.add_command(user_cli)
