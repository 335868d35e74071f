"""boards pages."""

from flask import Blueprint

bp = Blueprint("boards", __name__)
