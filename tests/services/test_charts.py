"""Chart numbers and geometry, without a database."""

from __future__ import annotations

from datetime import date

import pytest

from quizapp.services.charts import (
    HEIGHT,
    TOP,
    bar_chart,
    bucket_width,
    day_series,
    histogram,
    nice_ceiling,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (23, 25), (120, 200), (1000, 1000), (1000.1, 2000)],
)
def test_nice_ceiling(value: float, expected: int) -> None:
    assert nice_ceiling(value) == expected


def test_the_histogram_always_has_ten_buckets_covering_every_score() -> None:
    scores = [0, 0, 150, 999, 1000, 9999]
    assert bucket_width(9999) == 1000
    points = histogram(scores)
    assert [label for label, _ in points][:3] == ["0", "1k", "2k"]
    assert [count for _, count in points] == [4, 1, 0, 0, 0, 0, 0, 0, 0, 1]
    assert histogram([]) == [(str(i), 0) for i in range(10)]


def test_the_day_series_has_thirty_days_ending_today_with_gaps_as_zero() -> None:
    series = day_series({date(2026, 3, 1): 4, date(2026, 1, 1): 9}, today=date(2026, 3, 2))
    assert len(series) == 30
    assert series[0] == ("Feb 1", 0)
    assert series[-2:] == [("Mar 1", 4), ("Mar 2", 0)]


def test_bars_fit_the_plot_and_the_tallest_reaches_the_top_tick() -> None:
    chart = bar_chart("t", "Title", ("x", "y"), [("a", 2), ("b", 5), ("c", 0)], label_every=2)
    assert len(chart.bars) == 3
    tallest = chart.bars[1]
    assert tallest.y == TOP and tallest.y + tallest.height == chart.bottom
    assert chart.bars[2].height == 0
    assert all(chart.left <= b.x and b.x + b.width <= chart.right for b in chart.bars)
    assert [b.show_label for b in chart.bars] == [True, False, True]
    assert [t.value for t in chart.ticks] == [0, 2, 5]
    assert chart.bottom < HEIGHT and chart.total == 7


def test_histogram_labels_sit_on_bucket_edges_and_day_labels_end_on_today() -> None:
    histogram_chart = bar_chart("h", "H", ("x", "y"), histogram([0, 999]), 2, edges=True)
    shown = [b for b in histogram_chart.bars if b.show_label]
    assert [b.label for b in shown] == ["0", "200", "400", "600", "800"]
    assert shown[0].anchor == "start" and shown[0].label_x == histogram_chart.left
    days = day_series({}, today=date(2026, 3, 2))
    day_chart = bar_chart("d", "D", ("x", "y"), days, label_every=7)
    labelled = [b for b in day_chart.bars if b.show_label]
    assert labelled[-1].label == "Mar 2" and labelled[-1].anchor == "end"
    assert labelled[-1].label_x == day_chart.right
