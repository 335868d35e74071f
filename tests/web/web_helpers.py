"""A test player that drives the play flow as a browser would, in each htmx variant."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from quizapp.bank import QuestionType
from quizapp.extensions import db
from quizapp.models import Round, RoundQuestion
from quizapp.services.catalog import get_catalog

VARIANT_HEADERS = {
    "plain": {},
    "htmx": {"HX-Request": "true", "HX-Target": "card"},
    "boosted": {"HX-Request": "true", "HX-Boosted": "true"},
}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Player:
    app: Flask
    client: FlaskClient
    round_id: str = ""

    def token(self) -> str:
        match = TOKEN.search(self.client.get("/").get_data(as_text=True))
        assert match
        return match.group(1)

    def post(self, url: str, data: dict[str, object], variant: str = "plain") -> TestResponse:
        return self.client.post(
            url, data={"csrf_token": self.token(), **data}, headers=VARIANT_HEADERS[variant]
        )

    def start(
        self, quiz: str = "social-media", mode: str = "timed", variant: str = "plain"
    ) -> TestResponse:
        response = self.post("/play", {"quiz": quiz, "mode": mode}, variant)
        with self.app.app_context():
            newest = db.session.scalars(select(Round).order_by(Round.id.desc())).first()
            assert newest is not None
            self.round_id = newest.public_id
        return response

    @property
    def url(self) -> str:
        return f"/play/{self.round_id}"

    def item(self, position: int | None = None) -> RoundQuestion:
        """The stored round question (the current one by default), detached."""
        with self.app.app_context():
            round_ = db.session.scalar(select(Round).where(Round.public_id == self.round_id))
            assert round_ is not None
            pos = round_.position if position is None else position
            item = round_.items[pos]
            db.session.expunge(item)
            return item

    def round(self) -> Round:
        with self.app.app_context():
            round_ = db.session.scalar(select(Round).where(Round.public_id == self.round_id))
            assert round_ is not None
            db.session.expunge(round_)
            return round_

    def right_answer(self, position: int | None = None) -> dict[str, object]:
        """Form data that answers the question fully right."""
        item = self.item(position)
        with self.app.app_context():
            question = get_catalog().questions[item.question_id]
        if question.type is QuestionType.TYPED:
            return {"position": item.position, "text": question.accepted[0]}
        picks = [str(i) for i, c in enumerate(item.choice_order) if c in question.correct]
        return {"position": item.position, "choice": picks}

    def wrong_answer(self, position: int | None = None) -> dict[str, object]:
        """Form data that answers the question wrong."""
        item = self.item(position)
        with self.app.app_context():
            question = get_catalog().questions[item.question_id]
        if question.type is QuestionType.TYPED:
            return {"position": item.position, "text": "definitely not this"}
        wrong = next(i for i, c in enumerate(item.choice_order) if c not in question.correct)
        return {"position": item.position, "choice": [str(wrong)]}

    def answer(self, data: dict[str, object], variant: str = "plain") -> TestResponse:
        return self.post(f"{self.url}/answer", data, variant)

    def next(self, position: int, variant: str = "plain") -> TestResponse:
        return self.post(f"{self.url}/next", {"position": position}, variant)

    def age_question(self, seconds: float, position: int | None = None) -> None:
        """Pretend the current question was served `seconds` ago."""
        item = self.item(position)
        with self.app.app_context():
            stored = db.session.get(RoundQuestion, item.id)
            assert stored is not None and stored.served_at is not None
            stored.served_at = stored.served_at - timedelta(seconds=seconds)
            db.session.commit()

    def play_through(self, variant: str = "plain", right: bool = True) -> TestResponse:
        """Answer every question and press next until the results."""
        response = self.client.get(self.url)
        for position in range(self.round().size):
            self.client.get(self.url)  # the card is served before it is answered
            data = self.right_answer() if right else self.wrong_answer()
            assert self.answer(data, variant).status_code in (200, 303)
            response = self.next(position, variant)
        return response
