"""Sign up, log in and log out; a guest's rounds become the player's on the way in."""

from __future__ import annotations

import secrets
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    get_flashed_messages,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user, user_logged_in
from werkzeug.exceptions import TooManyRequests

from ..extensions import limiter
from ..forms import ChangePasswordForm, LoginForm, SignupForm
from ..models import User, utcnow
from ..services import accounts
from .htmx import is_htmx, page_or_fragment, see_other

bp = Blueprint("auth", __name__)
WRONG_CREDENTIALS = "Wrong username or password."
PAGES = {
    "auth.login": ("auth/login.html", "auth/_login_form.html", LoginForm),
    "auth.signup": ("auth/signup.html", "auth/_signup_form.html", SignupForm),
}


def safe_next(target: str | None) -> str | None:
    """The `next` target if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers read "\" as "/" and drop tabs and newlines, so "/\evil.com" is "//evil.com".
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _next_param() -> str | None:
    return safe_next(request.args.get("next"))


def _form_page(form: LoginForm | SignupForm, **context: object) -> Response:
    """The log-in or sign-up page (or its form fragment) for the current endpoint."""
    page, fragment, _ = PAGES[str(request.endpoint)]
    return page_or_fragment(page, fragment, form=form, next=_next_param(), **context)


def _signed_in(user: User, remember: bool = False) -> Response:
    login_user(user, remember=remember)
    return see_other(_next_param() or url_for("main.home"))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
def signup() -> Response:
    """Create an account; this browser's guest rounds come along."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_next_param() or url_for("main.home"))
    form = SignupForm()
    if form.validate_on_submit():
        guest_id = session.get("guest_id")
        try:
            outcome = accounts.sign_up(form.username.data, form.password.data, guest_id, utcnow())
        except accounts.UsernameTaken:
            form.username.errors.append("That username is taken. Try another one.")
        else:
            return _signed_in(outcome.user)
    return _form_page(form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login() -> Response:
    """Log in; "remember me" keeps the player signed in after the browser closes."""
    # ?reauth=1: a signed-in admin must log in again after being idle (see views/admin.py).
    if current_user.is_authenticated and request.method == "GET" and not request.args.get("reauth"):
        return redirect(_next_param() or url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        guest_id = session.get("guest_id")
        try:
            outcome = accounts.log_in(form.username.data, form.password.data, guest_id)
        except accounts.WrongCredentials:
            return _form_page(form, form_error=WRONG_CREDENTIALS)
        return _signed_in(outcome.user, remember=bool(form.remember.data))
    return _form_page(form, notices=get_flashed_messages())


@bp.post("/logout")
def logout() -> Response:
    """Log out; the browser becomes a new guest so later guest rounds stay apart."""
    logout_user()
    session["guest_id"] = secrets.token_urlsafe(16)
    return see_other(url_for("main.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Response:
    """Change the password; other devices are logged out, this one stays signed in."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.change_password(current_user.id, form.current.data, form.password.data)
        except accounts.WrongPassword:
            form.current.errors.append("That is not your current password.")
        else:
            login_user(user)  # the new session version keeps this browser signed in
            flash("Your password is changed. Other devices have been logged out.")
            return see_other(url_for("profile.me"))
    return make_response(render_template("account/password.html", form=form))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere() -> Response:
    """Void every session and remember-me cookie of this account, this one included."""
    accounts.log_out_everywhere(current_user.id)
    logout_user()
    session["guest_id"] = secrets.token_urlsafe(16)
    flash("You are logged out on every device.")
    return see_other(url_for("auth.login"))


@user_logged_in.connect
def _mark_active(sender: object, user: User) -> None:
    """Remember when the player last proved who they are (admin pages want it recent)."""
    session["active_at"] = int(time.time())


def _wait_words() -> str:
    """How long until the breached limit resets, in words ("40 seconds", "3 minutes")."""
    current = limiter.current_limit
    seconds = max(1, int(current.reset_at - time.time())) if current else 60
    if seconds < 90:
        return f"{seconds} second{'s' if seconds > 1 else ''}"
    return f"{-(-seconds // 60)} minutes"


@bp.errorhandler(TooManyRequests)
def too_many_tries(error: TooManyRequests) -> Response:
    """Friendly 429 page; htmx gets the form back with the message (it does not swap 4xx)."""
    wait = _wait_words()
    if is_htmx() and request.endpoint in PAGES:
        message = f"Too many tries from your connection. Please wait {wait} and try again."
        return _form_page(PAGES[str(request.endpoint)][2](), form_error=message)
    page = render_template("errors/error.html", code=429, error=error, retry_after=wait)
    return make_response(page, 429)
