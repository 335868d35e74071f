"""daily pages."""

from flask import Blueprint

bp = Blueprint("daily", __name__)
