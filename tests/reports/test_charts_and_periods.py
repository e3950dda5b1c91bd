"""The SVG chart and the period parser, without the database."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from vanthu.reports.charts import _nice_step, bar_chart
from vanthu.reports.periods import parse_format, parse_period


@pytest.mark.parametrize(
    ("largest", "step"), [(0, 1), (2, 1), (4, 1), (5, 2), (8, 2), (9, 5), (20, 5), (21, 10)]
)
def test_axis_steps_are_round_and_reach_the_largest_bar(largest: int, step: int) -> None:
    assert _nice_step(largest) == step
    assert step * 4 >= largest


def test_chart_escapes_labels_and_draws_one_bar_per_value() -> None:
    svg = str(bar_chart(["01/2026", "<b>"], [("Đến", [3, 1]), ("Đi", [0, 2])], "Tiêu đề & co"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "Tiêu đề &amp; co" in svg
    assert len(re.findall(r"<rect [^>]*><title>", svg)) == 4
    # The tallest bar (3) reaches 3/4 of the axis whose top is 4.
    assert ">4</text>" in svg


def test_period_defaults_to_the_current_year_and_accepts_both_date_forms() -> None:
    period = parse_period(None, None)
    assert period.date_from.month == 1 and period.date_to == datetime.date(
        period.date_from.year, 12, 31
    )
    assert period.label() == f"Năm {period.date_from.year}"
    period = parse_period("01/03/2026", "2026-03-31")
    assert period.label() == "Từ ngày 01/03/2026 đến ngày 31/03/2026"


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-13-01", None, "date_from"),
        (None, "31/02/2026", "date_to"),
        ("2026-03-02", "2026-03-01", "date_to"),
        ("1900-01-01", "1900-12-31", "date_from"),
        ("2010-01-01", "2020-01-01", "date_to"),
    ],
)
def test_bad_periods_name_the_field(start: str | None, end: str | None, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_period(start, end)
    assert field in caught.value.message_dict


def test_format_is_pdf_or_xlsx() -> None:
    assert parse_format(None) == "pdf"
    assert parse_format("XLSX") == "xlsx"
    with pytest.raises(ValidationError):
        parse_format("csv")
