"""Liveness and readiness probes for load balancers and process managers."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from ..bank import BankError
from ..extensions import csrf, db, limiter
from ..services.catalog import get_catalog

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz() -> Response:
    """The process is up (a constant answer: no database, no banks)."""
    return Response("ok\n", mimetype="text/plain")


@bp.get("/readyz")
@limiter.exempt
def readyz() -> tuple[Response, int]:
    """The database answers and the banks are loaded; 503 with the reason otherwise."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:  # any driver error means "not ready", never a 500
        db.session.rollback()
        checks["database"] = f"error: {type(error).__name__}"
    try:
        checks["banks"] = f"ok: {len(get_catalog().questions)} questions"
    except BankError as error:
        checks["banks"] = f"error: {len(error.problems)} problem(s)"
    ready = all(value.startswith("ok") for value in checks.values())
    return jsonify(status="ready" if ready else "not ready", **checks), 200 if ready else 503


csrf.exempt(bp)
