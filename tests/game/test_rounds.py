"""Drawing rounds: reproducible, fresh-first, spread over sections and difficulties."""

from __future__ import annotations

import datetime
import random
from collections import Counter

import pytest
from game_factories import make_question, multi, sectioned_pool, truefalse, typed

from quizapp.bank.model import Question
from quizapp.game.rounds import daily_seed, draw_round, shuffle_choices


def ids(questions: tuple[Question, ...]) -> list[str]:
    return [q.id for q in questions]


# --- determinism -------------------------------------------------------------------------


def test_same_seed_gives_same_round() -> None:
    pool = sectioned_pool(8, 5)
    first = draw_round(pool, 10, random.Random(42))
    second = draw_round(pool, 10, random.Random(42))
    assert ids(first) == ids(second)


def test_pool_input_order_does_not_matter() -> None:
    pool = sectioned_pool(8, 5)
    scrambled = list(reversed(pool))
    random.Random(1).shuffle(scrambled)
    recent = {"s00-q0", "s03-q2"}
    assert ids(draw_round(pool, 10, random.Random(7), recent)) == ids(
        draw_round(scrambled, 10, random.Random(7), recent)
    )


def test_different_seeds_give_different_rounds() -> None:
    pool = sectioned_pool(8, 5)
    rounds = {tuple(ids(draw_round(pool, 10, random.Random(seed)))) for seed in range(10)}
    assert len(rounds) == 10


def test_final_order_is_shuffled() -> None:
    # With the whole pool drawn, only the order can differ between seeds.
    pool = sectioned_pool(3, 3)
    orders = {tuple(ids(draw_round(pool, 9, random.Random(seed)))) for seed in range(10)}
    assert len(orders) > 1
    assert all(sorted(order) == sorted(q.id for q in pool) for order in orders)


# --- sizes ---------------------------------------------------------------------------------


def test_size_larger_than_pool_returns_whole_pool() -> None:
    pool = sectioned_pool(2, 3)
    drawn = draw_round(pool, 50, random.Random(0))
    assert sorted(ids(drawn)) == sorted(q.id for q in pool)


@pytest.mark.parametrize("size", [0, -3])
def test_non_positive_size_gives_empty_round(size: int) -> None:
    assert draw_round(sectioned_pool(2, 3), size, random.Random(0)) == ()


def test_empty_pool_gives_empty_round() -> None:
    assert draw_round([], 10, random.Random(0)) == ()


@pytest.mark.parametrize("seed", range(20))
def test_no_duplicates_even_if_pool_repeats_a_question(seed: int) -> None:
    pool = sectioned_pool(4, 4)
    drawn = draw_round(pool + pool[:5], 12, random.Random(seed))
    assert len(drawn) == 12
    assert len(set(ids(drawn))) == 12


# --- recent questions --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_recent_questions_avoided_when_pool_allows(seed: int) -> None:
    pool = sectioned_pool(5, 4)  # 20 questions
    recent = {q.id for q in pool[:10]}
    drawn = draw_round(pool, 10, random.Random(seed), recent)
    assert set(ids(drawn)).isdisjoint(recent)
    assert len(drawn) == 10


@pytest.mark.parametrize("seed", range(20))
def test_recent_questions_fill_when_fresh_run_out(seed: int) -> None:
    pool = sectioned_pool(5, 4)
    recent = {q.id for q in pool[:16]}
    fresh = {q.id for q in pool[16:]}
    drawn = set(ids(draw_round(pool, 10, random.Random(seed), recent)))
    assert len(drawn) == 10
    assert fresh <= drawn  # every fresh question is used before any recent one
    assert len(drawn & recent) == 6


def test_everything_recent_still_gives_a_full_round() -> None:
    pool = sectioned_pool(5, 4)
    drawn = draw_round(pool, 10, random.Random(3), {q.id for q in pool})
    assert len(set(ids(drawn))) == 10


def test_unknown_recent_ids_are_ignored() -> None:
    pool = sectioned_pool(5, 4)
    assert ids(draw_round(pool, 10, random.Random(3), {"gone-1", "gone-2"})) == ids(
        draw_round(pool, 10, random.Random(3))
    )


# --- balance ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(30))
def test_round_spreads_over_distinct_sections(seed: int) -> None:
    pool = sectioned_pool(22, 5)
    drawn = draw_round(pool, 10, random.Random(seed))
    assert len({q.source for q in drawn}) == 10


@pytest.mark.parametrize("seed", range(30))
def test_sections_used_evenly_when_round_exceeds_sections(seed: int) -> None:
    pool = sectioned_pool(4, 5)
    per_section = Counter(q.source for q in draw_round(pool, 10, random.Random(seed)))
    assert len(per_section) == 4
    assert max(per_section.values()) - min(per_section.values()) <= 1


@pytest.mark.parametrize("seed", range(30))
def test_small_section_exhausted_then_others_share_the_rest(seed: int) -> None:
    pool = [*sectioned_pool(3, 6), make_question("tiny-1", section="tiny")]
    per_section = Counter(q.source.section for q in draw_round(pool, 10, random.Random(seed)))
    assert per_section["tiny"] == 1
    assert sorted(per_section.values()) == [1, 3, 3, 3]


@pytest.mark.parametrize("seed", range(30))
def test_fill_from_recent_prefers_unused_sections(seed: int) -> None:
    # Fresh questions cover sec00 only; recent ones must then spread over the other sections.
    pool = sectioned_pool(5, 3)
    recent = {q.id for q in pool if q.source.section != "sec00"}
    per_section = Counter(
        q.source.section for q in draw_round(pool, 5, random.Random(seed), recent)
    )
    assert per_section["sec00"] == 3
    assert sum(per_section.values()) == 5
    assert max(per_section[s] for s in per_section if s != "sec00") == 1


@pytest.mark.parametrize("seed", range(30))
def test_difficulties_spread_within_a_balanced_round(seed: int) -> None:
    pool = sectioned_pool(4, 6)  # each section: two easy, two medium, two hard
    drawn = draw_round(pool, 6, random.Random(seed))
    difficulties = Counter(q.difficulty for q in drawn)
    assert sorted(difficulties.values()) == [2, 2, 2]
    assert len({q.source for q in drawn}) == 4


@pytest.mark.parametrize("seed", range(30))
def test_one_question_per_difficulty_from_a_single_section(seed: int) -> None:
    pool = sectioned_pool(1, 9)
    assert {q.difficulty for q in draw_round(pool, 3, random.Random(seed))} == {
        "easy",
        "medium",
        "hard",
    }


# --- choices ---------------------------------------------------------------------------------


def test_shuffle_choices_is_a_deterministic_permutation() -> None:
    question = make_question(choices=("A", "B", "C", "D", "E"))
    first = shuffle_choices(question, random.Random(5))
    assert first == shuffle_choices(question, random.Random(5))
    assert sorted(first) == ["A", "B", "C", "D", "E"]


def test_shuffle_choices_varies_with_seed() -> None:
    question = multi(("A", "B", "C", "D", "E"), ("A", "B"))
    orders = {shuffle_choices(question, random.Random(seed)) for seed in range(20)}
    assert len(orders) > 5


@pytest.mark.parametrize("seed", range(10))
def test_truefalse_keeps_true_first(seed: int) -> None:
    assert shuffle_choices(truefalse(False), random.Random(seed)) == ("True", "False")


def test_typed_question_has_no_choices() -> None:
    assert shuffle_choices(typed("weverse"), random.Random(0)) == ()


# --- daily seed ------------------------------------------------------------------------------


def test_daily_seed_is_pinned() -> None:
    # Pinned so a change to the derivation (which would change everyone's daily round) is noticed.
    assert daily_seed(datetime.date(2025, 1, 1)) == 1483720955647153425


def test_daily_seed_differs_between_days() -> None:
    days = [datetime.date(2025, 1, 1) + datetime.timedelta(days=n) for n in range(366)]
    assert len({daily_seed(day) for day in days}) == 366
