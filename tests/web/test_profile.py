"""The profile page: login required, history pages, bests, accuracy per section, daily streak."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from auth_helpers import add_round, create_user, log_in_as
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.bank import Catalog, Question
from quizapp.extensions import db
from quizapp.models import Round, RoundQuestion, utcnow
from quizapp.services.catalog import get_catalog
from quizapp.services.profile import daily_streak, streak_length
from quizapp.services.snapshots import load_banks

ROW = re.compile(r'data-testid="history-row" data-round="([^"]+)"')


@pytest.fixture
def user_id(app: Flask, client: FlaskClient) -> int:
    user_id = create_user(app, "Jimin")
    log_in_as(client, user_id)
    return user_id


def page(client: FlaskClient, url: str = "/profile") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_guests_are_sent_to_log_in(client: FlaskClient) -> None:
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fprofile"
    login = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Please log in to see that page." in login


def test_a_new_player_sees_the_empty_states(client: FlaskClient, user_id: int) -> None:
    html = page(client)
    assert "Jimin" in html
    for hook in ("no-rounds", "no-bests", "no-sections"):
        assert f'data-testid="{hook}"' in html, hook
    assert 'data-testid="daily-streak">0 days' in html
    assert 'data-testid="rounds-played">0<' in html


# --- history -----------------------------------------------------------------------------------


@pytest.fixture
def rounds_23(app: Flask, user_id: int) -> list[str]:
    """23 rounds an hour apart; returns their public ids, newest first."""
    start = datetime(2025, 3, 1, 12, 0)
    ids = [
        add_round(app, user_id, started_at=start + timedelta(hours=i), score=i) for i in range(23)
    ]
    return ids[::-1]


def test_history_is_newest_first_ten_a_page(client: FlaskClient, rounds_23: list[str]) -> None:
    html = page(client)
    assert ROW.findall(html) == rounds_23[:10]
    assert 'data-testid="rounds-played">23<' in html
    assert 'href="/profile?page=2" data-testid="older"' in html
    assert 'data-testid="newer"' not in html
    assert "Page 1 of 3" in html


def test_history_middle_and_last_pages(client: FlaskClient, rounds_23: list[str]) -> None:
    middle = page(client, "/profile?page=2")
    assert ROW.findall(middle) == rounds_23[10:20]
    assert 'href="/profile?page=1" data-testid="newer"' in middle
    assert 'href="/profile?page=3" data-testid="older"' in middle
    last = page(client, "/profile?page=3")
    assert ROW.findall(last) == rounds_23[20:]
    assert 'data-testid="older"' not in last


@pytest.mark.parametrize(("asked", "shown"), [("99", 3), ("0", 1), ("abc", 1), ("²", 1), ("-2", 1)])
def test_history_page_out_of_range_or_junk(
    client: FlaskClient, rounds_23: list[str], asked: str, shown: int
) -> None:
    assert f"Page {shown} of 3" in page(client, f"/profile?page={asked}")


def test_history_row_shows_the_round(app: Flask, client: FlaskClient, user_id: int) -> None:
    start = datetime(2025, 3, 1, 12, 30)
    done = add_round(
        app,
        user_id,
        quiz_id="mixed",
        mode="relaxed",
        score=4500,
        correct=7,
        started_at=start,
        finished_at=start + timedelta(minutes=3),
    )
    going = add_round(app, user_id, started_at=start + timedelta(hours=1))
    html = page(client)
    rows = html.split('data-testid="history-row"')
    newest, older = rows[1], rows[2]
    assert going in newest and "not finished" in newest and f"/results/{going}" not in newest
    assert f'href="/play/{going}"' in newest
    assert "Mixed" in older and "Relaxed" in older and "4500 pts" in older
    assert "7 / 10 right (70%)" in older and "01 Mar 2025, 12:30 UTC" in older
    assert f'href="/results/{done}"' in older


def test_only_your_own_rounds_are_listed(app: Flask, client: FlaskClient, user_id: int) -> None:
    other = create_user(app, "Suga")
    mine = add_round(app, user_id)
    theirs = add_round(app, other)
    guests = add_round(app, None, guest_id="someone")
    listed = ROW.findall(page(client))
    assert listed == [mine] and theirs not in listed and guests not in listed


# --- bests -------------------------------------------------------------------------------------


def test_bests_per_quiz_and_mode(app: Flask, client: FlaskClient, user_id: int) -> None:
    day = datetime(2025, 3, 1, 12, 0)

    def finished(quiz: str, mode: str, score: int, hours: int, **extra: datetime) -> str:
        at = day + timedelta(hours=hours)
        return add_round(
            app,
            user_id,
            quiz_id=quiz,
            mode=mode,
            score=score,
            started_at=at,
            finished_at=at + timedelta(minutes=2),
            **extra,
        )

    finished("social-media", "timed", 500, 0)
    best = finished("social-media", "timed", 900, 1)
    finished("social-media", "timed", 900, 2)  # a tie later does not replace the first
    finished("social-media", "timed", 700, 3)
    relaxed = finished("social-media", "relaxed", 300, 4)
    finished("social-media", "timed", 5000, 5, voided_at=day + timedelta(hours=6))
    add_round(app, user_id, quiz_id="mixed", score=9999, started_at=day)  # not finished
    finished("daily-2025-03-01", "timed", 800, 7)  # a daily is not a quiz to better
    rows = re.findall(r'<tr data-testid="best-row".*?</tr>', page(client), re.S)
    assert len(rows) == 2
    relaxed_row, timed_row = rows
    assert "Relaxed" in relaxed_row and f'href="/results/{relaxed}">300<' in relaxed_row
    assert "Timed" in timed_row and f'href="/results/{best}">900<' in timed_row
    quiz_title = next(b.title for b in get_catalog_of(app).banks if b.id == "social-media")
    assert quiz_title in timed_row


def get_catalog_of(app: Flask) -> Catalog:
    with app.app_context():
        return get_catalog()


# --- accuracy per section ----------------------------------------------------------------------


def questions_by_section(app: Flask) -> dict[tuple[str, str], list[Question]]:
    by_section: dict[tuple[str, str], list[Question]] = defaultdict(list)
    for question in get_catalog_of(app).questions.values():
        by_section[(question.source.document, question.source.section)].append(question)
    return by_section


def add_answers(
    app: Flask, user_id: int, answers: list[tuple[Question, str | None]], started: datetime
) -> None:
    """A finished round whose questions got these results (None: never answered)."""
    public_id = add_round(app, user_id, size=len(answers), started_at=started, finished_at=started)
    with app.app_context():
        load_banks(get_catalog())
        round_ = db.session.scalar(select(Round).where(Round.public_id == public_id))
        assert round_ is not None
        for position, (question, result) in enumerate(answers):
            db.session.add(
                RoundQuestion(
                    round_id=round_.id,
                    position=position,
                    question_id=question.id,
                    version=question.version,
                    choice_order=list(question.choices),
                    answered_at=started if result else None,
                    result=result,
                )
            )
        db.session.commit()


def section_title(app: Flask, document: str, section: str) -> str:
    found = get_catalog_of(app).documents[document].section(section)
    assert found is not None
    return found.title


def test_accuracy_per_section_weakest_first(app: Flask, client: FlaskClient, user_id: int) -> None:
    sections = [key for key, qs in questions_by_section(app).items() if len(qs) >= 4]
    weak, strong, unseen = sections[:3]
    by_section = questions_by_section(app)
    answers = [
        (by_section[strong][0], "correct"),
        (by_section[strong][1], "correct"),
        (by_section[strong][2], "correct"),
        (by_section[weak][0], "correct"),
        (by_section[weak][1], "wrong"),
        (by_section[weak][2], "timeout"),
        (by_section[weak][3], "partial"),
        (by_section[unseen][0], None),
    ]
    add_answers(app, user_id, answers, datetime(2025, 3, 1, 12, 0))
    other = create_user(app, "Suga")
    add_answers(app, other, [(by_section[unseen][1], "wrong")], datetime(2025, 3, 1, 13, 0))
    html = page(client)
    items = re.findall(r'<li data-testid="section-accuracy".*?</li>', html, re.S)
    assert len(items) == 2
    assert section_title(app, *weak) in items[0] and "1 / 4 right (25%)" in items[0]
    assert section_title(app, *strong) in items[1] and "3 / 3 right (100%)" in items[1]
    assert section_title(app, *unseen) not in html


# --- daily streak ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_ago", "streak"),
    [
        ([0, 1, 2], 3),
        ([1, 2], 2),  # today not played yet: the streak still counts
        ([0, 2, 3], 1),
        ([2, 3, 4], 0),  # the last one was the day before yesterday
        ([0, 0, 1], 2),  # two dailies on one day count once
        ([], 0),
    ],
)
def test_daily_streak(app: Flask, user_id: int, days_ago: list[int], streak: int) -> None:
    now = datetime(2025, 3, 10, 9, 30)
    for ago in days_ago:
        day = (now - timedelta(days=ago)).date()
        at = datetime.combine(day, datetime.min.time()) + timedelta(hours=8)
        add_round(app, user_id, quiz_id=f"daily-{day.isoformat()}", started_at=at, finished_at=at)
    with app.app_context():
        assert daily_streak(user_id, now) == streak


def test_daily_streak_ignores_other_quizzes_and_unfinished_dailies(
    app: Flask, user_id: int
) -> None:
    now = datetime(2025, 3, 10, 9, 30)
    add_round(app, user_id, quiz_id="mixed", started_at=now, finished_at=now)
    add_round(app, user_id, quiz_id="daily-2025-03-09", started_at=now - timedelta(days=1))
    other = create_user(app, "Suga")
    add_round(app, other, quiz_id="daily-2025-03-10", started_at=now, finished_at=now)
    with app.app_context():
        assert daily_streak(user_id, now) == 0


def test_the_page_shows_the_streak(app: Flask, client: FlaskClient, user_id: int) -> None:
    now = utcnow()
    for ago in (0, 1):
        at = now - timedelta(days=ago)
        add_round(app, user_id, quiz_id=f"daily-{at.date()}", started_at=at, finished_at=at)
    html = page(client)
    assert 'data-testid="daily-streak">2 days' in html
    assert f"Daily challenge {now.date().isoformat()}" in html


def test_streak_length_counts_back_from_today_or_yesterday() -> None:
    today = date(2025, 1, 1)
    assert streak_length([date(2024, 12, 31), date(2024, 12, 30)], today) == 2
    assert streak_length([today, date(2024, 12, 30)], today) == 1
    assert streak_length([], today) == 0
