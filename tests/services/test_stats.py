"""Question statistics and author flags on constructed answers (no database)."""

from __future__ import annotations

from quizapp.services.stats import (
    AnswerFact,
    Flag,
    QuestionFacts,
    QuestionStats,
    player_accuracy,
    question_stats,
    stronger_half,
)

CHOICES = ("Seoul", "Busan", "Incheon", "Daegu")
Q = QuestionFacts("q-city", "v1", "single", "Where?", CHOICES, frozenset({"Seoul"}))
FILLER = QuestionFacts("a-filler", "v1", "single", "Filler?", ("A", "B"), frozenset({"A"}))
QUESTIONS = {("q-city", "v1"): Q, ("a-filler", "v1"): FILLER}


def pick(player: str, choice: str, question: QuestionFacts = Q, ms: int = 4000) -> AnswerFact:
    result = "correct" if choice in question.correct else "wrong"
    return AnswerFact(question.question_id, question.version, player, result, ms, (choice,))


def history(player: str, right: int, wrong: int) -> list[AnswerFact]:
    """Answers to the filler question that set the player's overall accuracy."""
    return [pick(player, "A", FILLER)] * right + [pick(player, "B", FILLER)] * wrong


def stats_for(answers: list[AnswerFact], question_id: str = "q-city") -> QuestionStats:
    found = [s for s in question_stats(answers, QUESTIONS) if s.question_id == question_id]
    assert len(found) == 1
    return found[0]


def healthy_answers() -> list[AnswerFact]:
    """40 serves, 70 % right, every wrong choice picked at least once."""
    wrong = ["Busan"] * 6 + ["Incheon"] * 4 + ["Daegu"] * 2
    answers = [pick(f"p{i}", "Seoul") for i in range(28)]
    answers += [pick(f"w{i}", choice) for i, choice in enumerate(wrong)]
    return answers


def test_a_healthy_question_has_no_flag_and_the_right_numbers() -> None:
    stats = stats_for(healthy_answers())
    assert stats.flags == ()
    assert (stats.served, stats.right, stats.percent_right) == (40, 28, 70)
    assert stats.average_ms == 4000
    assert [(c.text, c.picks, c.right, c.dead) for c in stats.choices] == [
        ("Seoul", 28, True, False),
        ("Busan", 6, False, False),
        ("Incheon", 4, False, False),
        ("Daegu", 2, False, False),
    ]


def test_a_wrong_choice_favoured_by_the_stronger_half_is_probably_miskeyed() -> None:
    # Six strong players (90 % elsewhere) mostly pick Busan; six weak ones (10 %) pick Seoul.
    answers: list[AnswerFact] = []
    for i in range(6):
        answers += history(f"strong{i}", right=9, wrong=1)
        answers += history(f"weak{i}", right=1, wrong=9)
        answers.append(pick(f"strong{i}", "Busan" if i < 5 else "Seoul"))
        answers.append(pick(f"weak{i}", "Seoul"))
    stats = stats_for(answers)
    assert Flag.MISKEYED in stats.flags
    # Overall the right choice still wins (7 against 5): only the strong half shows the problem.
    picks = {c.text: c.picks for c in stats.choices}
    assert picks["Seoul"] == 7 and picks["Busan"] == 5


def test_the_weaker_half_picking_a_wrong_choice_is_not_a_miskey() -> None:
    answers: list[AnswerFact] = []
    for i in range(6):
        answers += history(f"strong{i}", right=9, wrong=1)
        answers += history(f"weak{i}", right=1, wrong=9)
        answers.append(pick(f"strong{i}", "Seoul"))
        answers.append(pick(f"weak{i}", "Busan"))
    assert Flag.MISKEYED not in stats_for(answers).flags


def test_the_stronger_half_is_at_or_above_the_median_accuracy() -> None:
    answers = history("a", 1, 0) + history("b", 1, 1) + history("c", 0, 1)
    accuracy = player_accuracy(answers)
    assert accuracy == {"a": 1.0, "b": 0.5, "c": 0.0}
    assert {a.player for a in stronger_half(answers, accuracy)} == {"a", "b"}


def test_under_twenty_percent_right_with_ten_answers_is_too_hard() -> None:
    wrong = ["Busan", "Incheon", "Daegu"] * 3  # every choice picked: no dead distractor
    answers = [pick("p0", "Seoul")] + [pick(f"w{i}", c) for i, c in enumerate(wrong)]
    stats = stats_for(answers)
    assert stats.percent_right == 10
    assert Flag.TOO_HARD in stats.flags and Flag.TOO_EASY not in stats.flags


def test_too_hard_needs_ten_answers() -> None:
    answers = [pick(f"w{i}", "Busan") for i in range(9)]
    assert Flag.TOO_HARD not in stats_for(answers).flags


def test_over_ninety_five_percent_right_with_ten_answers_is_too_easy() -> None:
    answers = [pick(f"p{i}", "Seoul") for i in range(20)]
    stats = stats_for(answers)
    assert stats.percent_right == 100
    assert stats.flags == (Flag.TOO_EASY,)


def test_exactly_ninety_five_percent_is_not_too_easy() -> None:
    answers = [pick(f"p{i}", "Seoul") for i in range(19)] + [pick("w", "Busan")]
    assert Flag.TOO_EASY not in stats_for(answers).flags


def test_a_wrong_choice_never_picked_in_thirty_serves_is_a_dead_distractor() -> None:
    answers = [pick(f"p{i}", "Seoul") for i in range(20)]
    answers += [pick(f"w{i}", "Busan" if i % 2 else "Incheon") for i in range(10)]
    stats = stats_for(answers)
    assert stats.flags == (Flag.DEAD_DISTRACTOR,)
    assert [c.text for c in stats.choices if c.dead] == ["Daegu"]


def test_twenty_nine_serves_are_too_few_for_a_dead_distractor() -> None:
    answers = [pick(f"p{i}", "Seoul") for i in range(19)]
    answers += [pick(f"w{i}", "Busan" if i % 2 else "Incheon") for i in range(10)]
    stats = stats_for(answers)
    assert stats.served == 29
    assert Flag.DEAD_DISTRACTOR not in stats.flags


def test_time_outs_count_as_served_but_not_in_the_average_time() -> None:
    answers = [pick("a", "Seoul", ms=2000), pick("b", "Seoul", ms=4000)]
    answers.append(AnswerFact("q-city", "v1", "c", "timeout", 20000, ()))
    stats = stats_for(answers)
    assert (stats.served, stats.right, stats.average_ms) == (3, 2, 3000)


def test_typed_questions_have_no_choice_tallies_or_choice_flags() -> None:
    typed = QuestionFacts("q-typed", "v1", "typed", "Name it", (), frozenset())
    answers = [AnswerFact("q-typed", "v1", f"p{i}", "correct", 3000, ()) for i in range(40)]
    stats = question_stats(answers, {("q-typed", "v1"): typed})[0]
    assert stats.choices == () and stats.flags == (Flag.TOO_EASY,)


def test_the_most_flagged_questions_come_first() -> None:
    easy = [pick(f"p{i}", "Seoul") for i in range(30)]  # too easy and a dead distractor
    filler = history("x", 1, 1)
    order = [s.question_id for s in question_stats(filler + easy, QUESTIONS)]
    assert order == ["q-city", "a-filler"]
    assert len(question_stats(easy, QUESTIONS)[0].flags) == 2
