"""The home page: the quiz catalogue."""

from __future__ import annotations

from flask import Blueprint, render_template, session

from ..services.catalog import get_catalog
from ..services.quizzes import quiz_cards

bp = Blueprint("main", __name__)


@bp.get("/")
def home() -> str:
    """Every quiz as a card, with the mode the player last chose."""
    cards = quiz_cards(get_catalog())
    return render_template("main/home.html", cards=cards, mode=session.get("mode", "timed"))
