"""The signed-in player's profile: history, bests, weakest sections and daily streak."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ..models import utcnow
from ..services.catalog import get_catalog
from ..services.numbers import page_number
from ..services.profile import load_profile

bp = Blueprint("profile", __name__)


@bp.get("/profile")
@login_required
def me() -> str:
    """Your rounds (10 a page, newest first), bests per quiz and mode, accuracy and streak."""
    profile = load_profile(
        get_catalog(), current_user.id, page_number(request.args.get("page")), utcnow()
    )
    return render_template("profile/me.html", user=current_user, profile=profile)
