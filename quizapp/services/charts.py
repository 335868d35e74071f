"""Bar charts for the admin pages: the numbers and the SVG geometry (drawn by a template)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import Round

SCORE_BUCKETS = 10
PLAY_DAYS = 30
# The viewBox: narrow enough that 12-unit text stays legible once scaled to a 360 px phone.
WIDTH, HEIGHT = 360.0, 230.0
LEFT, RIGHT, TOP, BOTTOM = 44.0, 10.0, 14.0, 50.0


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    show_label: bool
    label_x: float = 0.0
    anchor: str = "middle"


@dataclass(frozen=True, slots=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class BarChart:
    """Everything the SVG template draws; coordinates are in viewBox units."""

    id: str
    title: str
    summary: str
    x_label: str
    y_label: str
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    width: float = WIDTH
    height: float = HEIGHT
    left: float = LEFT
    top: float = TOP
    bottom: float = HEIGHT - BOTTOM
    right: float = WIDTH - RIGHT

    @property
    def total(self) -> int:
        """Sum of every bar."""
        return sum(b.value for b in self.bars)


def nice_ceiling(value: float) -> int:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above value (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= value and float(factor * power).is_integer():
            return int(factor * power)
    return int(10 * power)


def short_number(value: int) -> str:
    """1500 -> '1.5k', for axis labels that must fit under a narrow bar."""
    if value >= 1000:
        return f"{value / 1000:g}k"
    return str(value)


def bucket_width(max_score: int, buckets: int = SCORE_BUCKETS) -> int:
    """A round bucket width so that `buckets` buckets cover 0..max_score."""
    return nice_ceiling((max_score + 1) / buckets)


def histogram(scores: Sequence[int], buckets: int = SCORE_BUCKETS) -> list[tuple[str, int]]:
    """(label, count) for each score bucket, in order; always `buckets` of them."""
    width = bucket_width(max(scores, default=0), buckets)
    counts: dict[int, int] = {}
    for score in scores:
        index = max(score, 0) // width
        counts[index] = counts.get(index, 0) + 1
    return histogram_from_counts(counts, width, buckets)


def histogram_from_counts(
    counts: Mapping[int, int], width: int, buckets: int = SCORE_BUCKETS
) -> list[tuple[str, int]]:
    """(label, count) per bucket from counts by bucket index; overflow goes to the last one."""
    values = [0] * buckets
    for index, count in counts.items():
        values[min(max(index, 0), buckets - 1)] += count
    return [(short_number(i * width), values[i]) for i in range(buckets)]


def day_series(
    counts: Mapping[date, int], today: date, days: int = PLAY_DAYS
) -> list[tuple[str, int]]:
    """(label, count) for each of the last `days` days, oldest first, missing days as 0."""
    first = today - timedelta(days=days - 1)
    series = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        series.append((f"{day:%b} {day.day}", counts.get(day, 0)))
    return series


def _label_place(i: int, last: int, edges: bool) -> tuple[float, str]:
    """(x in slots, text-anchor) of bar i's label: its left edge, or its middle."""
    if edges:  # a histogram labels bucket boundaries
        return float(i), "start" if i == 0 else "middle"
    # The first and last labels hug the plot's sides so they are not cut off.
    return {0: (0.0, "start"), last: (i + 1.0, "end")}.get(i, (i + 0.5, "middle"))


def _bar(
    i: int, point: tuple[str, int], count: int, top_value: int, every: int, edges: bool
) -> Bar:
    """Bar i of `count`, scaled so that top_value fills the plot's height."""
    slot = (WIDTH - LEFT - RIGHT) / max(count, 1)
    plot_h = HEIGHT - TOP - BOTTOM
    height = plot_h * point[1] / top_value
    place, anchor = _label_place(i, count - 1, edges)
    return Bar(
        x=round(LEFT + i * slot + slot * 0.1, 2),
        y=round(TOP + plot_h - height, 2),
        width=round(slot * 0.8, 2),
        height=round(height, 2),
        label=point[0],
        value=point[1],
        # Days count back from today so the newest day is always labelled.
        show_label=(i if edges else count - 1 - i) % every == 0,
        label_x=round(LEFT + place * slot, 2),
        anchor=anchor,
    )


def bar_chart(
    chart_id: str,
    title: str,
    axes: tuple[str, str],
    points: Sequence[tuple[str, int]],
    label_every: int = 1,
    edges: bool = False,
) -> BarChart:
    """One bar per point in the plot area, y ticks at 0, half and the top; every nth label."""
    tallest = max((v for _, v in points), default=0)
    top_value = nice_ceiling(tallest)
    bars = [_bar(i, p, len(points), top_value, label_every, edges) for i, p in enumerate(points)]
    plot_h = HEIGHT - TOP - BOTTOM
    levels = sorted({0, top_value // 2, top_value})
    ticks = tuple(Tick(round(TOP + plot_h - plot_h * v / top_value, 2), v) for v in levels)
    summary = f"{title}: {sum(v for _, v in points)} in all, the tallest bar {tallest}."
    return BarChart(chart_id, title, summary, axes[0], axes[1], tuple(bars), ticks)


def score_chart(mode: str) -> BarChart:
    """Histogram of the scores of finished, not voided rounds in one mode."""
    finished = (Round.finished_at.is_not(None), Round.voided_at.is_(None), Round.mode == mode)
    max_score = db.session.scalar(select(func.max(Round.score)).where(*finished)) or 0
    width = bucket_width(int(max_score))
    bucket = (Round.score // width).label("bucket")  # floor division on every dialect
    rows = db.session.execute(select(bucket, func.count()).where(*finished).group_by(bucket))
    counts = {int(index): int(count) for index, count in rows}
    points = histogram_from_counts(counts, width)
    title = f"Scores of finished {mode} rounds"
    axes = (f"Score (buckets of {short_number(width)})", "Rounds")
    return bar_chart("scores", title, axes, points, label_every=2, edges=True)


def plays_chart(now: datetime) -> BarChart:
    """Rounds started per day over the last 30 days (today included)."""
    first = datetime.combine(now.date() - timedelta(days=PLAY_DAYS - 1), datetime.min.time())
    day = func.date(Round.started_at).label("day")
    rows = db.session.execute(
        select(day, func.count()).where(Round.started_at >= first).group_by(day)
    )
    # SQLite answers 'YYYY-MM-DD' text, PostgreSQL a date: read both the same way.
    counts = {date.fromisoformat(str(value)[:10]): int(count) for value, count in rows}
    points = day_series(counts, now.date())
    return bar_chart("plays", "Rounds started per day", ("Day", "Rounds"), points, label_every=7)
