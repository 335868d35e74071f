"""The round being played: start, question card, answer, next, results."""

from __future__ import annotations

import random
import secrets

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from ..database import upgrade_to_write
from ..extensions import limiter
from ..game.scoring import Mode
from ..models import Round, utcnow
from ..services import rounds
from ..services.cards import card_view, summarize
from ..services.catalog import get_catalog
from ..services.numbers import small_number
from .htmx import page_or_fragment, respond_after_post, see_other

bp = Blueprint("play", __name__)


def current_player() -> rounds.Player:
    """The signed-in user or the guest this browser's session belongs to."""
    user_id = current_user.id if current_user.is_authenticated else None
    return rounds.Player(user_id, session.get("guest_id"))


def _owned_round(public_id: str) -> Round:
    try:
        return rounds.find_round(public_id, current_player())
    except rounds.RoundNotFound:
        abort(404)


def _position() -> int:
    index = small_number(request.form.get("position"))
    return -1 if index is None else index


def _card_response(round_: Round, error: str | None = None, status: int = 200) -> Response:
    """The play page (or its card fragment) for the round's current state."""
    item = rounds.current_item(round_)
    if item is None:
        return see_other(url_for("play.results", public_id=round_.public_id))
    now = utcnow()
    rounds.serve(item, now)
    card = card_view(get_catalog(), round_, item, now)
    response = page_or_fragment("play/round.html", "play/_card.html", card=card, error=error)
    response.status_code = status
    return response


@bp.post("/play")
@limiter.limit(lambda: current_app.config["START_RATE_LIMIT"])
def start() -> Response:
    """Start a round of the chosen quiz in the chosen mode (remembered for next time)."""
    mode = Mode.RELAXED if request.form.get("mode") == "relaxed" else Mode.TIMED
    session["mode"] = str(mode)
    session.setdefault("guest_id", secrets.token_urlsafe(16))
    config = current_app.config
    try:
        round_ = rounds.start_round(
            get_catalog(),
            current_player(),
            request.form.get("quiz", ""),
            mode,
            size=config["ROUND_SIZE"],
            time_limit=config["TIME_LIMIT"],
            recent_rounds=config["RECENT_ROUNDS"],
            rng=random.Random(secrets.randbits(64)),
            now=utcnow(),
        )
    except rounds.UnknownQuiz:
        abort(404)
    location = url_for("play.round_page", public_id=round_.public_id)
    return respond_after_post(location, lambda: _card_response(round_))


@bp.get("/play/<public_id>")
def round_page(public_id: str) -> Response:
    """The question on screen, or its feedback once answered; results when done."""
    round_ = _owned_round(public_id)
    item = rounds.current_item(round_)
    if item is not None and item.served_at is None:
        upgrade_to_write()  # the first view of a question records when it was served
    return _card_response(round_)


@bp.post("/play/<public_id>/answer")
@limiter.limit(lambda: current_app.config["ANSWER_RATE_LIMIT"])
def answer(public_id: str) -> Response:
    """Grade the answer once; a repeat or stale form just shows the current state."""
    round_ = _owned_round(public_id)
    location = url_for("play.round_page", public_id=public_id)
    try:
        rounds.submit_answer(
            get_catalog(),
            round_,
            _position(),
            request.form.getlist("choice"),
            request.form.get("text", ""),
            request.form.get("timeout") == "1",
            utcnow(),
            fast_floor=current_app.config["FAST_ANSWER_FLOOR"],
        )
    except rounds.InvalidAnswer as problem:
        return _card_response(round_, error=str(problem))
    return respond_after_post(location, lambda: _card_response(round_))


@bp.post("/play/<public_id>/next")
def next_question(public_id: str) -> Response:
    """Move on from an answered question."""
    round_ = _owned_round(public_id)
    rounds.advance(round_, _position(), utcnow())
    location = url_for("play.round_page", public_id=public_id)
    if rounds.current_item(round_) is None:
        return see_other(url_for("play.results", public_id=public_id))
    return respond_after_post(location, lambda: _card_response(round_))


@bp.get("/results/<public_id>")
def results(public_id: str) -> Response:
    """Score, accuracy, time, streak and a review of every question."""
    round_ = _owned_round(public_id)
    if rounds.current_item(round_) is not None:
        return see_other(url_for("play.round_page", public_id=public_id))
    user = current_user if current_user.is_authenticated else None
    summary = summarize(get_catalog(), round_, user)
    return make_response(render_template("play/results.html", summary=summary))
