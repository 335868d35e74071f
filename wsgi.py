"""WSGI entry point for `flask --app wsgi` and gunicorn (`gunicorn wsgi:app`)."""

from quizapp import create_app

app = create_app()
