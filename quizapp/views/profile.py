"""profile pages."""

from flask import Blueprint

bp = Blueprint("profile", __name__)
