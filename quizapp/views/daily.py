"""The daily challenge: its page, its start route, and the helpers its card and share call."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, session, url_for

from ..game.scoring import Mode
from ..models import utcnow
from ..services import daily
from ..services.catalog import get_catalog
from .htmx import respond_after_post
from .play import _card_response as card_response
from .play import current_player

bp = Blueprint("daily", __name__)


@bp.get("/daily")
def page() -> str:
    """Today's challenge: what it is, whether your ranked go is used, and a start button."""
    return render_template("daily/page.html", mode=session.get("mode", "timed"))


@bp.post("/daily")
def start() -> Response:
    """Start today's challenge in the chosen mode (ranked the first time today, else practice)."""
    mode = Mode.RELAXED if request.form.get("mode") == "relaxed" else Mode.TIMED
    session["mode"] = str(mode)
    session.setdefault("guest_id", secrets.token_urlsafe(16))
    time_limit = current_app.config["TIME_LIMIT"]
    round_ = daily.start_daily(get_catalog(), current_player(), mode, time_limit, utcnow())
    location = url_for("play.round_page", public_id=round_.public_id)
    return respond_after_post(location, lambda: card_response(round_))


def _status() -> daily.DailyStatus:
    return daily.daily_status(get_catalog(), current_player(), utcnow())


def _share(summary: Any) -> daily.DailyShare | None:
    url = url_for("daily.page", _external=True)
    return daily.share_for(get_catalog(), summary.round_id, url, utcnow())


@bp.app_context_processor
def template_helpers() -> dict[str, Any]:
    """`daily_status()` for the daily card, `daily_share(summary)` for the results page."""
    # Functions, not values: only the templates that show the card or the share pay the query.
    return {"daily_status": _status, "daily_share": _share}
