"""Extension objects, created unbound and attached to the app in create_app."""

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy.orm import DeclarativeBase

from .config import PROJECT_ROOT
from .database import ReadAwareSession, guard_writes


class Base(DeclarativeBase):
    pass


# Objects stay loaded after a commit: a request commits once and then renders what it wrote,
# so expiring everything would only cost a reload of each object.
db = SQLAlchemy(
    model_class=Base,
    session_options={"expire_on_commit": False, "class_": ReadAwareSession},
)
guard_writes(ReadAwareSession)
migrate = Migrate()


class GuestFriendlyLoginManager(LoginManager):  # type: ignore[misc]
    """Flask-Login with "strong" session protection applied to signed-in sessions only.

    Flask-Login checks every non-empty session, so each guest response (a guest's session
    holds their guest id) would rewrite the session and clear the remember cookie.
    """

    def _session_protection_failed(self) -> bool:
        from flask import session

        return "_user_id" in session and bool(super()._session_protection_failed())


login_manager = GuestFriendlyLoginManager()
login_manager.session_protection = "strong"
csrf = CSRFProtect()
htmx = Htmx()
limiter = Limiter(key_func=get_remote_address)


def init_app(app: Flask) -> None:
    """Bind every extension to the app."""
    from . import models  # noqa: F401  (tables must be known to Flask-Migrate)
    from .database import engine_options, init_engine

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = engine_options(uri, app.config) | app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    with app.app_context():
        init_engine(app, db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.refresh_view = "auth.login"
    login_manager.needs_refresh_message = "Please log in again to continue."
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
