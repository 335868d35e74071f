"""Grading: forgiving typed answers, partial credit for multi-select, exact single choice."""

from __future__ import annotations

import pytest
from game_factories import make_question, multi, truefalse, typed

from quizapp.bank.model import Question
from quizapp.game.grading import Grade, grade, grade_choices, grade_text, normalize


def fullwidth(text: str) -> str:
    """ASCII letters as their full-width forms (U+FF01 block), as CJK keyboards type them."""
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)


def test_fullwidth_helper() -> None:
    assert fullwidth("Ab") == "\uff21\uff42"


# --- normalize ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Fan-cams", "fan cams", "FANCAMS", "fancams", " fan\tcams! "])
def test_normalize_folds_spelling_variants(text: str) -> None:
    assert normalize(text) == "fancams"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Café", "cafe"),
        (fullwidth("WEVERSE"), "weverse"),  # NFKC
        ("(G)I-DLE", "gidle"),
        ("Straße", "strasse"),  # casefold, not lower()
        ("Wanna\u200bOne", "wannaone"),  # zero-width space
        ("Red Velvet — “Psycho”", "redvelvetpsycho"),
        ("방탄소년단", "방탄소년단"),  # Hangul stays composed
        ("", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


# --- typed answers -----------------------------------------------------------------------


WEVERSE = typed("Weverse")  # 7 characters: one typo forgiven
BLACKPINK = typed("BLACKPINK", "Black Pink")  # 9 characters
IU = typed("IU")
JYP = typed("JYP Entertainment", "JYP")  # 16 characters normalised: two typos forgiven
CAFE = typed("Café Latte")  # 9 characters normalised


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (WEVERSE, "Weverse"),
        (WEVERSE, "weverse"),
        (WEVERSE, "  WEVERSE  "),
        (WEVERSE, fullwidth("weverse")),
        (WEVERSE, "We-verse"),
        (WEVERSE, "weverse."),
        (WEVERSE, "Weverce"),  # one substitution
        (WEVERSE, "Wevers"),  # one deletion
        (WEVERSE, "Weeverse"),  # one insertion
        (BLACKPINK, "black pink"),
        (BLACKPINK, "Black-Pink!"),
        (BLACKPINK, "Blakpink"),
        (IU, "iu"),
        (IU, "I.U."),
        (JYP, "JYP"),
        (JYP, "jyp entertainmnet"),  # two edits in a 16-character answer
        (CAFE, "cafe latte"),
        (CAFE, "CAFÉ LATTÉ"),
    ],
)
def test_typed_answer_accepted(question: Question, answer: str) -> None:
    result = grade_text(question, answer)
    assert result == Grade(1.0)
    assert result.correct


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (WEVERSE, ""),
        (WEVERSE, "   "),
        (WEVERSE, "?!"),
        (WEVERSE, "Wevrece"),  # two edits in a 7-character answer
        (WEVERSE, "Bubble"),
        (BLACKPINK, "Blakpnk"),  # two edits in a 9-character answer
        (BLACKPINK, "TWICE"),
        (IU, "IY"),  # typo in a short answer
        (IU, "I"),
        (JYP, "JYO"),  # the short alternative gets no typo allowance
        (JYP, "SM Entertainment"),
        (JYP, "jyp entertanmnet"),  # three edits
    ],
)
def test_typed_answer_rejected(question: Question, answer: str) -> None:
    result = grade_text(question, answer)
    assert result == Grade(0.0)
    assert not result.correct


def test_typo_allowance_boundaries() -> None:
    five, six = typed("abcde"), typed("abcdef")
    eleven, twelve = typed("abcdefghijk"), typed("abcdefghijkl")
    assert not grade_text(five, "abcdx").correct
    assert grade_text(six, "abcdex").correct
    assert not grade_text(eleven, "abcdefghixx").correct
    assert grade_text(twelve, "abcdefghijxx").correct


# --- choice answers ----------------------------------------------------------------------


SINGLE = make_question(choices=("A", "B", "C", "D"), correct=("B",))


@pytest.mark.parametrize(
    ("picked", "fraction"),
    [
        ({"B"}, 1.0),
        ({"A"}, 0.0),
        (set(), 0.0),
        ({"A", "B"}, 0.0),  # hedging is wrong
        ({"b"}, 0.0),
        ({"Z"}, 0.0),
    ],
)
def test_single_choice(picked: set[str], fraction: float) -> None:
    assert grade_choices(SINGLE, picked) == Grade(fraction)


@pytest.mark.parametrize(
    ("answer", "picked", "fraction"),
    [
        (True, {"True"}, 1.0),
        (True, {"False"}, 0.0),
        (False, {"False"}, 1.0),
        (False, {"True"}, 0.0),
        (False, {"True", "False"}, 0.0),
        (True, set(), 0.0),
    ],
)
def test_truefalse(answer: bool, picked: set[str], fraction: float) -> None:
    assert grade_choices(truefalse(answer), picked) == Grade(fraction)


# Four choices, A, B and C right (three right choices, one wrong).
MULTI_3_OF_4 = multi(("A", "B", "C", "D"), ("A", "B", "C"))
# Five choices, A and B right.
MULTI_2_OF_5 = multi(("A", "B", "C", "D", "E"), ("A", "B"))


@pytest.mark.parametrize(
    ("question", "picked", "fraction"),
    [
        (MULTI_3_OF_4, {"A", "B", "C"}, 1.0),
        (MULTI_3_OF_4, {"A", "B"}, 0.67),
        (MULTI_3_OF_4, {"A"}, 0.33),
        (MULTI_3_OF_4, {"A", "B", "D"}, 0.33),  # one wrong pick cancels one right pick
        (MULTI_3_OF_4, {"A", "D"}, 0.0),
        (MULTI_3_OF_4, {"D"}, 0.0),
        (MULTI_3_OF_4, {"A", "B", "C", "D"}, 0.0),  # everything ticked: never pays
        (MULTI_3_OF_4, set(), 0.0),
        (MULTI_2_OF_5, {"A", "B"}, 1.0),
        (MULTI_2_OF_5, {"A"}, 0.5),
        (MULTI_2_OF_5, {"A", "B", "C"}, 0.5),
        (MULTI_2_OF_5, {"A", "C"}, 0.0),
        (MULTI_2_OF_5, {"A", "C", "D"}, 0.0),  # never negative
        (MULTI_2_OF_5, {"A", "B", "Z"}, 0.5),  # a pick that is not a choice counts as wrong
        (MULTI_2_OF_5, {"A", "B", "C", "D", "E"}, 0.0),
    ],
)
def test_multi_partial_credit(question: Question, picked: set[str], fraction: float) -> None:
    result = grade_choices(question, picked)
    assert result.fraction == fraction
    assert result.correct is (fraction == 1.0)


def test_multi_rounds_half_up_to_hundredths() -> None:
    eight_right = multi([*"ABCDEFGHI"], [*"ABCDEFGH"])
    assert grade_choices(eight_right, {"A"}).fraction == 0.13  # 1/8 = 0.125


def test_duplicate_picks_count_once() -> None:
    assert grade_choices(MULTI_2_OF_5, ["A", "A"]).fraction == 0.5


# --- dispatch and misuse -----------------------------------------------------------------


def test_grade_dispatches_by_type() -> None:
    assert grade(WEVERSE, text="weverse").correct
    assert grade(SINGLE, picked={"B"}).correct
    assert grade(MULTI_2_OF_5, picked={"A"}).fraction == 0.5
    assert not grade(WEVERSE, picked={"Weverse"}).correct  # picks are ignored for typed


def test_grading_with_the_wrong_kind_of_answer_is_an_error() -> None:
    with pytest.raises(ValueError):
        grade_choices(WEVERSE, {"Weverse"})
    with pytest.raises(ValueError):
        grade_text(SINGLE, "B")


@pytest.mark.parametrize("fraction", [-0.1, 1.01])
def test_grade_fraction_must_be_in_range(fraction: float) -> None:
    with pytest.raises(ValueError):
        Grade(fraction)
