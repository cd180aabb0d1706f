"""Office hours as written, turned into a weekly schedule (archive/hours.py)."""

from __future__ import annotations

import pytest

from archive.hours import parse_schedule

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pn. - pt. 8.00 - 16.00", {d: [["08:00", "16:00"]] for d in WEEKDAYS}),
        ("poniedziałek – piątek 7:30 – 15:30", {d: [["07:30", "15:30"]] for d in WEEKDAYS}),
        ("pon.-pt. 7:00-15:00", {d: [["07:00", "15:00"]] for d in WEEKDAYS}),
        ("wt. i czw. 9:00-13:00", {"tue": [["09:00", "13:00"]], "thu": [["09:00", "13:00"]]}),
        (
            "od poniedziałku do piątku w godz. 7.30-15.30",
            {d: [["07:30", "15:30"]] for d in WEEKDAYS},
        ),
        (
            "pon. 8.00-17.00; wt.-pt. 7.30-15.30",
            {"mon": [["08:00", "17:00"]], **{d: [["07:30", "15:30"]] for d in WEEKDAYS[1:]}},
        ),
        ("sobota 9-13", {"sat": [["09:00", "13:00"]]}),
        (
            "pn., śr., pt. 8:00-14:00",
            {d: [["08:00", "14:00"]] for d in ("mon", "wed", "fri")},
        ),
    ],
)
def test_forms(text: str, expected: dict) -> None:
    assert parse_schedule(text) == expected


@pytest.mark.parametrize(
    "text", [None, "", "czynne codziennie", "8.00-16.00", "pn.-pt. 25:00-26:00"]
)
def test_nothing_to_structure(text: str | None) -> None:
    assert parse_schedule(text) == {}
