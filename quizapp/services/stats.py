"""Per-question statistics and the flags that point authors at broken questions."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import median

from sqlalchemy import select

from ..extensions import db
from ..models import QuestionSnapshot, Round, RoundQuestion, User

MIN_ANSWERS = 10  # below this, "too hard" / "too easy" is noise
MIN_STRONG_ANSWERS = 5  # the stronger half must have answered this often to call a mis-key
DEAD_AFTER_SERVES = 30
TOO_HARD_BELOW = 0.20
TOO_EASY_ABOVE = 0.95
CHOICE_TYPES = frozenset({"single", "truefalse", "multi"})


class Flag(StrEnum):
    MISKEYED = "probably mis-keyed"
    TOO_HARD = "too hard"
    TOO_EASY = "too easy"
    DEAD_DISTRACTOR = "dead distractor"


@dataclass(frozen=True, slots=True)
class AnswerFact:
    """One served question once it was answered or timed out."""

    question_id: str
    version: str
    player: str  # "u:<id>", "g:<guest id>" or "r:<round id>": whose accuracy this feeds
    result: str  # correct, partial, wrong or timeout
    elapsed_ms: int | None
    picked: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QuestionFacts:
    """What the statistics need from a question snapshot."""

    question_id: str
    version: str
    type: str
    prompt: str
    choices: tuple[str, ...]
    correct: frozenset[str]


@dataclass(frozen=True, slots=True)
class ChoiceTally:
    text: str
    picks: int
    right: bool
    dead: bool = False


@dataclass(frozen=True, slots=True)
class QuestionStats:
    """How one version of a question fared, with the flags it earned."""

    question_id: str
    version: str
    type: str
    prompt: str
    served: int
    right: int
    average_ms: int | None
    choices: tuple[ChoiceTally, ...]
    flags: tuple[Flag, ...]

    @property
    def percent_right(self) -> int:
        """Share of serves answered fully right, in whole percent."""
        return round(100 * self.right / self.served) if self.served else 0


def player_accuracy(answers: Iterable[AnswerFact]) -> dict[str, float]:
    """Each player's share of fully right answers over everything they answered."""
    totals: Counter[str] = Counter()
    rights: Counter[str] = Counter()
    for answer in answers:
        totals[answer.player] += 1
        rights[answer.player] += answer.result == "correct"
    return {player: rights[player] / count for player, count in totals.items()}


def stronger_half(answers: Sequence[AnswerFact], accuracy: Mapping[str, float]) -> list[AnswerFact]:
    """The answers whose players' overall accuracy is at or above these players' median."""
    players = {a.player for a in answers}
    if not players:
        return []
    cut = median(accuracy.get(p, 0.0) for p in players)
    return [a for a in answers if accuracy.get(a.player, 0.0) >= cut]


def is_miskeyed(facts: QuestionFacts, strong: Sequence[AnswerFact]) -> bool:
    """True when strong players pick some wrong choice more often than every right one."""
    if facts.type not in CHOICE_TYPES or len(strong) < MIN_STRONG_ANSWERS:
        return False
    picks = Counter(text for a in strong for text in a.picked)
    best_right = max((picks[c] for c in facts.correct), default=0)
    return any(picks[c] > best_right for c in facts.choices if c not in facts.correct)


def tally_choices(facts: QuestionFacts, answers: Sequence[AnswerFact]) -> tuple[ChoiceTally, ...]:
    """How often each choice was picked; a wrong one never picked after enough serves is dead."""
    if facts.type not in CHOICE_TYPES:
        return ()
    picks = Counter(text for a in answers for text in a.picked)
    enough = len(answers) >= DEAD_AFTER_SERVES
    return tuple(
        ChoiceTally(
            c, picks[c], c in facts.correct, enough and not picks[c] and c not in facts.correct
        )
        for c in facts.choices
    )


def question_flags(
    facts: QuestionFacts, answers: Sequence[AnswerFact], accuracy: Mapping[str, float]
) -> tuple[Flag, ...]:
    """Every flag this question earns from its answers."""
    flags = []
    if is_miskeyed(facts, stronger_half(answers, accuracy)):
        flags.append(Flag.MISKEYED)
    if len(answers) >= MIN_ANSWERS:
        share = sum(a.result == "correct" for a in answers) / len(answers)
        if share < TOO_HARD_BELOW:
            flags.append(Flag.TOO_HARD)
        if share > TOO_EASY_ABOVE:
            flags.append(Flag.TOO_EASY)
    if any(t.dead for t in tally_choices(facts, answers)):
        flags.append(Flag.DEAD_DISTRACTOR)
    return tuple(flags)


def _average_ms(answers: Sequence[AnswerFact]) -> int | None:
    """Mean answer time; time-outs say nothing about how long an answer takes."""
    times = [a.elapsed_ms for a in answers if a.result != "timeout" and a.elapsed_ms is not None]
    return round(sum(times) / len(times)) if times else None


def _stats_for(
    facts: QuestionFacts, answers: Sequence[AnswerFact], accuracy: Mapping[str, float]
) -> QuestionStats:
    return QuestionStats(
        question_id=facts.question_id,
        version=facts.version,
        type=facts.type,
        prompt=facts.prompt,
        served=len(answers),
        right=sum(a.result == "correct" for a in answers),
        average_ms=_average_ms(answers),
        choices=tally_choices(facts, answers),
        flags=question_flags(facts, answers, accuracy),
    )


def question_stats(
    answers: Sequence[AnswerFact], questions: Mapping[tuple[str, str], QuestionFacts]
) -> list[QuestionStats]:
    """Statistics for every question version answered, the most flagged first."""
    accuracy = player_accuracy(answers)
    grouped: defaultdict[tuple[str, str], list[AnswerFact]] = defaultdict(list)
    for answer in answers:
        grouped[(answer.question_id, answer.version)].append(answer)
    # A snapshot is stored with every round served, so a missing one is not expected.
    stats = [
        _stats_for(questions[k], group, accuracy) for k, group in grouped.items() if k in questions
    ]
    return sorted(stats, key=lambda s: (-len(s.flags), s.question_id, s.version))


def _player_key(user_id: int | None, guest_id: str | None, round_id: int) -> str:
    if user_id is not None:
        return f"u:{user_id}"
    return f"g:{guest_id}" if guest_id else f"r:{round_id}"


def load_question_stats() -> list[QuestionStats]:
    """Statistics from every answer, leaving out voided rounds and hidden players."""
    query = (
        select(
            RoundQuestion.question_id,
            RoundQuestion.version,
            RoundQuestion.result,
            RoundQuestion.elapsed_ms,
            RoundQuestion.response,
            Round.id,
            Round.user_id,
            Round.guest_id,
        )
        .join(Round, Round.id == RoundQuestion.round_id)
        .outerjoin(User, User.id == Round.user_id)
        .where(RoundQuestion.answered_at.is_not(None), Round.voided_at.is_(None))
        .where((User.id.is_(None)) | (User.is_hidden.is_(False)))
    )
    answers = [
        AnswerFact(
            question_id=row.question_id,
            version=row.version,
            player=_player_key(row.user_id, row.guest_id, row.id),
            result=row.result or "wrong",
            elapsed_ms=row.elapsed_ms,
            picked=tuple((row.response or {}).get("picked") or ()),
        )
        for row in db.session.execute(query)
    ]
    snapshots = db.session.scalars(select(QuestionSnapshot))
    questions = {
        (s.question_id, s.version): QuestionFacts(
            s.question_id, s.version, s.type, s.prompt, tuple(s.choices), frozenset(s.correct)
        )
        for s in snapshots
    }
    return question_stats(answers, questions)
