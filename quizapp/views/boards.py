"""The leaderboards page and its self-refreshing table."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, session
from flask_login import current_user

from ..game.scoring import Mode
from ..models import utcnow
from ..services import boards
from ..services.boards import BoardKind
from ..services.catalog import get_catalog
from ..services.quizzes import quiz_cards
from .htmx import page_or_fragment

bp = Blueprint("boards", __name__)

TABS = (
    (BoardKind.OVERALL, "Overall"),
    (BoardKind.WEEK, "This week"),
    (BoardKind.DAILY, "Daily"),
    (BoardKind.QUIZ, "By quiz"),
)


@bp.get("/leaderboards")
def page() -> Response:
    """One board (query args board, mode, quiz): the full page, or the table for htmx."""
    args = request.args
    kind = args.get("board", "")
    kind = BoardKind(kind) if kind in set(BoardKind) else BoardKind.OVERALL
    mode = args.get("mode") or session.get("mode", "timed")
    mode = mode if mode in set(Mode) else Mode.TIMED
    quizzes = quiz_cards(get_catalog())
    quiz_id = args.get("quiz") or quizzes[0].id
    if kind is BoardKind.QUIZ and quiz_id not in {quiz.id for quiz in quizzes}:
        abort(404)
    user_id = current_user.id if current_user.is_authenticated else None
    board = boards.get_board(
        kind,
        str(mode),
        now=utcnow(),
        quiz_id=quiz_id if kind is BoardKind.QUIZ else None,
        user_id=user_id,
    )
    return page_or_fragment(
        "boards/page.html",
        "boards/_table.html",
        board=board,
        tabs=TABS,
        quizzes=quizzes,
        modes=tuple(Mode),
        signed_in=user_id is not None,
    )
