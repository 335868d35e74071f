"""The round flow through the test client: the three htmx variants, time, truth and reloads."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import Player

from quizapp.extensions import db
from quizapp.models import Round, RoundQuestion


@pytest.fixture
def player(app: Flask, client: FlaskClient) -> Player:
    return Player(app, client)


# --- start -------------------------------------------------------------------------------------


def test_start_plain_redirects_to_the_round(player: Player) -> None:
    response = player.start()
    assert response.status_code == 303
    assert response.headers["Location"] == player.url


def test_start_htmx_returns_the_card_fragment(player: Player) -> None:
    response = player.start(variant="htmx")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="card"')
    assert 'data-testid="progress">1 / 10<' in html


def test_start_boosted_returns_the_full_page_at_the_round_url(player: Player) -> None:
    response = player.start(variant="boosted")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in html and 'data-testid="question"' in html
    assert response.headers["HX-Push-Url"] == player.url


def test_unknown_quiz_is_a_friendly_404(player: Player) -> None:
    response = player.post("/play", {"quiz": "no-such-quiz", "mode": "timed"})
    assert response.status_code == 404
    assert "We can't find that page" in response.get_data(as_text=True)


def test_start_without_csrf_token_is_refused(client: FlaskClient) -> None:
    response = client.post("/play", data={"quiz": "social-media", "mode": "timed"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    with client.application.app_context():
        assert db.session.query(Round).count() == 0


def test_the_mode_is_remembered_on_the_home_page(player: Player) -> None:
    player.start(mode="relaxed")
    html = player.client.get("/").get_data(as_text=True)
    assert re.search(r'value="relaxed"\s+checked', html)
    assert not re.search(r'value="timed"\s+checked', html)


def test_a_round_is_balanced_and_its_seed_is_stored(player: Player) -> None:
    player.start(quiz="mixed")
    round_ = player.round()
    assert round_.size == 10 and round_.seed > 0
    with player.app.app_context():
        items = db.session.query(RoundQuestion).filter_by(round_id=round_.id).all()
        assert len({i.question_id for i in items}) == 10


# --- the question card --------------------------------------------------------------------------


def test_question_card_has_the_hooks(player: Player) -> None:
    player.start(mode="timed")
    html = player.client.get(player.url).get_data(as_text=True)
    for hook in ("question", "prompt", "timer", "progress"):
        assert f'data-testid="{hook}"' in html, hook
    assert 'data-testid="choice"' in html or 'data-testid="answer-input"' in html


def test_relaxed_mode_has_no_timer_and_no_time_out(player: Player) -> None:
    player.start(mode="relaxed")
    assert 'data-testid="timer"' not in player.client.get(player.url).get_data(as_text=True)
    player.age_question(600)
    html = player.answer(player.right_answer(), "htmx").get_data(as_text=True)
    assert 'data-result="correct"' in html


# --- answer: the three variants ----------------------------------------------------------------


def test_answer_plain_is_post_redirect_get(player: Player) -> None:
    player.start()
    player.client.get(player.url)
    response = player.answer(player.right_answer())
    assert response.status_code == 303
    assert response.headers["Location"] == player.url
    html = player.client.get(player.url).get_data(as_text=True)
    assert 'data-testid="feedback" data-result="correct"' in html


def test_answer_htmx_returns_the_feedback_fragment(player: Player) -> None:
    player.start()
    player.client.get(player.url)
    response = player.answer(player.right_answer(), "htmx")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-result="correct"' in html
    for hook in ("explanation", "source", "points", "next"):
        assert f'data-testid="{hook}"' in html, hook
    assert "Source: " in html and " — " in html


def test_answer_boosted_returns_the_full_page(player: Player) -> None:
    player.start()
    player.client.get(player.url)
    response = player.answer(player.wrong_answer(), "boosted")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in html and 'data-result="wrong"' in html
    assert response.headers["HX-Push-Url"] == player.url


def test_points_and_score_move_together(player: Player) -> None:
    player.start()
    player.client.get(player.url)
    player.answer(player.right_answer())
    item, round_ = player.item(0), player.round()
    assert item.result == "correct"
    assert 250 <= item.points <= 1000
    assert round_.score == item.points and round_.correct_count == 1 and round_.streak == 1


# --- next: the three variants ------------------------------------------------------------------


def test_next_plain_redirects_to_the_next_question(player: Player) -> None:
    player.start()
    player.client.get(player.url)
    player.answer(player.right_answer())
    response = player.next(0)
    assert response.status_code == 303 and response.headers["Location"] == player.url
    assert "2 / 10" in player.client.get(player.url).get_data(as_text=True)


def test_next_htmx_returns_the_next_card(player: Player) -> None:
    player.start()
    player.client.get(player.url)
    player.answer(player.right_answer(), "htmx")
    html = player.next(0, "htmx").get_data(as_text=True)
    assert "<html" not in html and 'data-testid="progress">2 / 10<' in html


def test_next_boosted_returns_the_full_page(player: Player) -> None:
    player.start()
    player.client.get(player.url)
    player.answer(player.right_answer(), "boosted")
    response = player.next(0, "boosted")
    assert "<html" in response.get_data(as_text=True)
    assert response.headers["HX-Push-Url"] == player.url


def test_next_before_answering_does_not_skip(player: Player) -> None:
    player.start()
    player.client.get(player.url)
    player.next(0)
    assert player.round().position == 0


# --- whole rounds ------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["plain", "htmx", "boosted"])
def test_a_whole_round_reaches_the_results(player: Player, variant: str) -> None:
    player.start(mode="timed", variant=variant)
    last = player.play_through(variant)
    results_url = f"/results/{player.round_id}"
    if variant == "htmx":
        assert last.headers["HX-Redirect"] == results_url
    else:
        assert last.status_code == 303 and last.headers["Location"] == results_url
    html = player.client.get(results_url).get_data(as_text=True)
    score = re.search(r'data-testid="final-score">(\d+)<', html)
    assert score and int(score.group(1)) == player.round().score > 5000
    assert html.count('data-testid="review-item"') == 10
    assert "10 / 10 (100%)" in html
    assert player.round().best_streak == 10


def test_a_round_of_wrong_answers_scores_zero(player: Player) -> None:
    player.start(quiz="faq-2024", mode="relaxed")
    player.play_through(right=False)
    html = player.client.get(f"/results/{player.round_id}").get_data(as_text=True)
    assert 'data-testid="final-score">0<' in html
    assert html.count('data-result="wrong"') == 10


def test_results_before_the_end_send_you_back_to_the_card(player: Player) -> None:
    player.start()
    response = player.client.get(f"/results/{player.round_id}")
    assert response.status_code == 303 and response.headers["Location"] == player.url


def test_a_small_bank_gives_a_short_round(app: Flask, player: Player) -> None:
    app.config["ROUND_SIZE"] = 500
    player.start(quiz="social-media")
    assert player.round().size == 40


# --- the server keeps time and truth -----------------------------------------------------------


def test_an_answer_after_the_limit_and_grace_times_out(player: Player) -> None:
    player.start(mode="timed")
    player.client.get(player.url)
    limit = player.item(0).time_limit or 0  # 20 s, or the question's own limit
    player.age_question(limit + 3)  # past the limit and the 2 s grace
    html = player.answer(player.right_answer(), "htmx").get_data(as_text=True)
    assert 'data-result="timeout"' in html and "Time's up" in html
    assert player.item(0).points == 0 and player.round().score == 0


def test_an_answer_inside_the_grace_still_scores_half(player: Player) -> None:
    player.start(mode="timed")
    player.client.get(player.url)
    limit = player.item(0).time_limit or 0
    player.age_question(limit + 0.2)  # past the limit, 1.8 s inside the 2 s grace
    player.answer(player.right_answer())
    item = player.item(0)
    assert item.result == "correct"
    with player.app.app_context():
        from quizapp.game.scoring import BASE_POINTS
        from quizapp.services.catalog import get_catalog

        full = BASE_POINTS[get_catalog().questions[item.question_id].difficulty]
    assert item.points == (full + 1) // 2


def test_the_countdown_submits_a_time_out(player: Player) -> None:
    player.start(mode="timed")
    player.client.get(player.url)
    player.age_question(20)
    html = player.answer({"position": 0, "timeout": "1"}, "htmx").get_data(as_text=True)
    assert 'data-result="timeout"' in html
    assert player.item(0).result == "timeout"


def test_reloading_keeps_the_served_time(player: Player) -> None:
    player.start(mode="timed")
    player.client.get(player.url)
    first = player.item(0).served_at
    html = player.client.get(player.url).get_data(as_text=True)
    assert player.item(0).served_at == first
    assert "1 / 10" in html


def test_a_second_answer_is_ignored_and_shows_the_current_state(player: Player) -> None:
    player.start()
    player.client.get(player.url)
    player.answer(player.right_answer())
    score = player.round().score
    again = player.answer(player.wrong_answer(0), "htmx")
    html = again.get_data(as_text=True)
    assert again.status_code == 200
    assert 'data-result="correct"' in html  # the first answer stands
    assert player.round().score == score
    assert player.item(0).result == "correct"


def test_a_stale_form_from_an_earlier_question_changes_nothing(player: Player) -> None:
    player.start()
    player.client.get(player.url)
    first = player.right_answer()
    player.answer(first)
    player.next(0)
    player.client.get(player.url)
    player.answer(first)  # position 0 again
    assert player.item(1).answered_at is None


def test_a_reload_after_answering_shows_the_feedback_not_a_new_question(player: Player) -> None:
    player.start()
    player.client.get(player.url)
    player.answer(player.right_answer())
    html = player.client.get(player.url).get_data(as_text=True)
    assert 'data-testid="feedback"' in html and "1 / 10" in html


def test_an_empty_answer_gets_a_message_and_stores_nothing(player: Player) -> None:
    player.start()
    player.client.get(player.url)
    response = player.answer({"position": 0}, "htmx")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "first." in html and 'role="alert"' in html
    assert player.item(0).answered_at is None


def test_a_choice_that_does_not_exist_gets_a_message(player: Player) -> None:
    player.start(quiz="faq-2024")
    player.client.get(player.url)
    response = player.answer({"position": 0, "choice": ["99"], "text": ""})
    item = player.item(0)
    if item.choice_order:
        assert response.status_code == 200
        assert "not part of this question" in response.get_data(as_text=True)
    assert item.answered_at is None or not item.choice_order


@pytest.mark.parametrize("path", ["", "/results"])
def test_someone_elses_round_is_404(app: Flask, player: Player, path: str) -> None:
    player.start()
    stranger = Player(app, app.test_client())
    url = f"/results/{player.round_id}" if path else player.url
    assert stranger.client.get(url).status_code == 404
    stranger.round_id = player.round_id
    assert stranger.answer({"position": 0, "choice": ["0"]}).status_code == 404
    assert stranger.next(0).status_code == 404
    assert player.item(0).answered_at is None


def test_an_unknown_round_is_404(client: FlaskClient) -> None:
    assert client.get("/play/not-a-round").status_code == 404


def test_no_question_page_leaks_its_answer(app: Flask, player: Player) -> None:
    """Every shipped question, rendered unanswered, is free of any hint of the right answer."""
    app.config["ROUND_SIZE"] = 1000
    player.start(quiz="mixed", mode="timed")
    from quizapp.services.catalog import get_catalog

    with app.app_context():
        catalog = get_catalog()
    assert player.round().size == len(catalog.questions)
    for position in range(player.round().size):
        html = player.client.get(player.url).get_data(as_text=True)
        item = player.item(position)
        question = catalog.questions[item.question_id]
        card = html[html.index('<section id="card"') :]
        assert "feedback" not in card and "is-right" not in card and "right answer" not in card
        assert question.explanation not in card
        for accepted in question.accepted:
            assert f'value="{accepted}"' not in card
        # every choice element is identical except for its text and position
        shapes = re.findall(r'<(?:button|label)[^>]*data-testid="choice"[^>]*>', card)
        assert len(shapes) == len(item.choice_order)
        normalised = {re.sub(r'(value|data-key)="\d+"', "", s) for s in shapes}
        assert len(normalised) <= 1
        player.answer(player.right_answer())
        player.next(position)


def test_a_question_edited_after_the_round_started_reviews_as_served(
    app: Flask, player: Player, tmp_path: object
) -> None:
    import shutil
    from pathlib import Path

    from quizapp.services.catalog import EXTENSION_KEY

    player.start(quiz="social-media", mode="relaxed")
    served = player.item(0).question_id
    folder = Path(str(tmp_path))
    for file in Path(app.config["QUESTIONS_DIR"]).glob("*.yaml"):
        shutil.copy(file, folder / file.name)
    bank = folder / "social-media.yaml"
    text = bank.read_text()
    start = text.index(f"id: {served}")
    prompt_at = text.index("prompt:", start)
    end = text.index("\n", prompt_at)
    bank.write_text(text[:prompt_at] + 'prompt: "A reworded prompt?"' + text[end:])
    app.config["QUESTIONS_DIR"] = str(folder)
    app.extensions.pop(EXTENSION_KEY, None)
    player.play_through(right=False)
    html = player.client.get(f"/results/{player.round_id}").get_data(as_text=True)
    assert "A reworded prompt?" not in html
    assert "this question has since been changed or retired" in html
