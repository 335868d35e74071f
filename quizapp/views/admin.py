"""The admin dashboard: leaderboards, players, hiding cheaters, audit log, exports, statistics."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    get_flashed_messages,
    make_response,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from ..database import use_transaction
from ..models import utcnow
from ..services import admin, charts, exports, stats
from ..services import boards as leaderboards
from ..services.catalog import get_catalog
from ..services.numbers import page_number
from ..services.quizzes import quiz_cards
from .htmx import is_htmx, page_or_fragment, respond_after_post, see_other

bp = Blueprint("admin", __name__, url_prefix="/admin")
BOARD_LIMIT = 50


@dataclass(frozen=True)
class BoardChoice:
    """The leaderboard picked by the filter form (board, quiz, mode, period)."""

    board: str
    quiz_id: str
    mode: str
    period: str

    @property
    def args(self) -> dict[str, str]:
        """The query string that picks this board again."""
        return {"board": self.board, "quiz": self.quiz_id, "mode": self.mode, "period": self.period}

    def load(self, now: datetime) -> leaderboards.Board:
        """The board's top rows; the period picks the weekly or all-time overall board."""
        kinds = leaderboards.BoardKind
        kind = kinds(self.board)
        if kind is kinds.OVERALL and self.period == "week":
            kind = kinds.WEEK
        # Quiz boards are all-time only (the board service keeps weekly totals, not weekly quizzes).
        quiz_id = self.quiz_id if kind is kinds.QUIZ else None
        return leaderboards.get_board(kind, self.mode, now=now, quiz_id=quiz_id, limit=BOARD_LIMIT)


def board_choice(args: Mapping[str, str]) -> BoardChoice:
    """Read the filters, falling back to a sensible board for anything unknown."""
    quizzes = [quiz.id for quiz in quiz_cards(get_catalog())]
    board = args.get("board", "")
    quiz_id = args.get("quiz", "")
    return BoardChoice(
        board=board if board in set(leaderboards.BoardKind) else "quiz",
        quiz_id=quiz_id if quiz_id in quizzes else quizzes[0],
        mode="relaxed" if args.get("mode") == "relaxed" else "timed",
        period="week" if args.get("period") == "week" else "all",
    )


def _board_options() -> dict[str, object]:
    return {"quizzes": quiz_cards(get_catalog()), "limit": BOARD_LIMIT}


@bp.before_request
def admins_only() -> Response | None:
    """Guests go to log in; signed-in players who are not admins get a friendly 403."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    if not current_user.is_admin:
        abort(403, description="This part of the site is for admins only.")
    return _fresh_enough()


def _fresh_enough() -> Response | None:
    """After ADMIN_IDLE_MINUTES without admin activity (or a remember-me visit), log in again."""
    now = int(time.time())
    idle = current_app.config["ADMIN_IDLE_MINUTES"] * 60
    if now - int(session.get("active_at", 0)) > idle:
        flash("For your safety, please log in again to use the admin pages.")
        target = request.full_path if request.method == "GET" else url_for("admin.index")
        return redirect(url_for("auth.login", next=target.rstrip("?"), reauth=1))
    session["active_at"] = now
    return None


def _page() -> int:
    return page_number(request.args.get("page"))


@bp.get("/")
def index() -> str:
    """The landing page: a few totals and a link to each part."""
    return render_template("admin/index.html", overview=admin.overview())


@bp.get("/players")
def players() -> str:
    """Players whose name contains the search text, a page at a time."""
    query = request.args.get("q", "")[:40]
    page = admin.search_players(query, _page())
    return render_template("admin/players.html", query=query, page=page)


def _player_response(
    user_id: int, message: str | None = None, error: str | None = None
) -> Response:
    try:
        detail = admin.player_detail(get_catalog(), user_id, _page())
    except admin.PlayerNotFound:
        abort(404)
    context = {"detail": detail, "player": detail.player, "message": message, "error": error}
    return page_or_fragment("admin/player.html", "admin/_visibility.html", **context)


@bp.get("/players/<id:user_id>")
def player(user_id: int) -> Response:
    """A player, their rounds, and the hide/unhide button."""
    # The newest message of this blueprint only: a plain hide then unhide flashes twice.
    messages = get_flashed_messages(category_filter=["admin"])
    return _player_response(user_id, message=messages[-1] if messages else None)


def _set_hidden(user_id: int, hidden: bool) -> Response:
    """Hide or unhide; PRG for plain forms, the new panel (or page) for htmx."""
    try:
        outcome = admin.set_player_hidden(current_user.id, user_id, hidden, utcnow())
    except admin.PlayerNotFound:
        abort(404)
    except admin.CannotHideSelf:
        return _player_response(user_id, error="You can't hide your own account.")
    name = outcome.player.username
    if not outcome.changed:
        message = f"{name} was already {'hidden' if hidden else 'visible'}; nothing changed."
    elif hidden:
        message = f"{name} is now hidden from every leaderboard."
    else:
        message = f"{name} is back on the leaderboards."
    if not is_htmx():
        flash(message, "admin")
    location = url_for("admin.player", user_id=user_id)
    return respond_after_post(location, lambda: _player_response(user_id, message=message))


@bp.post("/players/<id:user_id>/hide")
def hide(user_id: int) -> Response:
    """Hide a player from every leaderboard."""
    return _set_hidden(user_id, True)


@bp.post("/players/<id:user_id>/unhide")
def unhide(user_id: int) -> Response:
    """Show a hidden player on the leaderboards again."""
    return _set_hidden(user_id, False)


@bp.get("/rounds/<id:round_id>")
def round_detail(round_id: int) -> str:
    """One round's answers, with the prompts as they were served."""
    try:
        detail = admin.round_detail(get_catalog(), round_id)
    except admin.RoundNotFound:
        abort(404)
    return render_template("admin/round.html", detail=detail)


@bp.post("/rounds/<id:round_id>/void")
def void(round_id: int) -> Response:
    """Void a round: its points leave every leaderboard (audit-logged)."""
    try:
        outcome = admin.void_round(current_user.id, round_id, utcnow())
    except admin.RoundNotFound:
        abort(404)
    detail = admin.round_detail(get_catalog(), round_id)
    if not is_htmx():
        flash("Round voided." if outcome.changed else "That round was already void.")
        return see_other(url_for("admin.round_detail", round_id=round_id))
    return page_or_fragment(
        "admin/round.html", "admin/_void.html", detail=detail, voided_now=outcome.changed
    )


@bp.get("/suspicious")
def suspicious() -> str:
    """Rounds with several answers faster than anyone can read, for a human to judge."""
    page = admin.suspicious_rounds(get_catalog(), _page())
    return render_template("admin/suspicious.html", page=page, threshold=admin.SUSPICIOUS_FLAGS)


@bp.get("/audit")
def audit() -> str:
    """Every admin action, newest first."""
    return render_template("admin/audit.html", page=admin.audit_page(_page()))


@bp.get("/boards")
def boards() -> str:
    """Any leaderboard, picked with the filter form."""
    choice = board_choice(request.args)
    board = choice.load(utcnow())
    return render_template("admin/boards.html", choice=choice, board=board, **_board_options())


@bp.get("/boards.csv")
def board_csv() -> Response:
    """The leaderboard picked by the same filters, as CSV."""
    board = board_choice(request.args).load(utcnow())
    return _csv_download(exports.board_csv(board), exports.board_filename(board))


def _csv_download(body: object, filename: str) -> Response:
    response = current_app.response_class(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


def _exports_page(errors: dict[str, str], first: str, last: str) -> str:
    return render_template(
        "admin/exports.html",
        errors=errors,
        first=first,
        last=last,
        choice=board_choice({}),
        max_days=exports.MAX_PERIOD_DAYS,
        **_board_options(),
    )


@bp.get("/exports")
def exports_page() -> str:
    """The export forms: a leaderboard, or the answers of a period."""
    today = utcnow().date()
    return _exports_page({}, (today.replace(day=1)).isoformat(), today.isoformat())


@bp.get("/exports/answers.csv")
def answers_csv() -> Response | str:
    """Every answer within the period as CSV; the form again with the problem otherwise."""
    first, last = request.args.get("from", "")[:20], request.args.get("to", "")[:20]
    try:
        period = exports.parse_period(first, last)
    except exports.PeriodError as problem:
        return _exports_page({problem.field: problem.message}, first, last)
    use_transaction()  # the rows stream through a server-side cursor
    body = stream_with_context(exports.answers_csv(period))
    return _csv_download(body, exports.answers_filename(period))


@bp.get("/questions")
def questions() -> str:
    """Per-question statistics with the flags for authors, the most flagged first."""
    flagged_only = request.args.get("flagged") == "1"
    rows = stats.load_question_stats()
    shown = [row for row in rows if row.flags] if flagged_only else rows
    return render_template(
        "admin/questions.html", rows=shown, flagged_only=flagged_only, total=len(rows)
    )


@bp.get("/charts")
def charts_page() -> Response:
    """The score histogram (per mode) and plays per day, as inline SVG."""
    mode = "relaxed" if request.args.get("mode") == "relaxed" else "timed"
    scores, plays = charts.score_chart(mode), charts.plays_chart(utcnow())
    return make_response(render_template("admin/charts.html", mode=mode, charts=(scores, plays)))
