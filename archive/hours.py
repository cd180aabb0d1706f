"""Office hours as written ("pn. - pt. 8.00 - 16.00") turned into a weekly schedule."""

from __future__ import annotations

import re

__all__ = ["DAYS", "parse_schedule"]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Every way a day is written on these pages, by the index of the day in DAYS. Longer forms
# first so "poniedziałek" is not read as "pon" + rest.
_DAY_FORMS: tuple[tuple[str, int], ...] = (
    (r"poniedzia[lł]\w*", 0),
    (r"wtor\w*|wt", 1),
    (r"[śs]rod\w*|[śs]r", 2),
    (r"czwart\w*|czw|cz", 3),
    (r"pi[aą]t\w*|pt", 4),
    (r"sobot\w*|sob|so", 5),
    (r"niedziel\w*|niedz|nd|ndz", 6),
    (r"pon|pn", 0),
)
_DAY = "|".join(f"(?:{form})" for form, _ in _DAY_FORMS)
_DAY_RE = re.compile(rf"(?<![\w])(?:{_DAY})\.?(?![\w])", re.IGNORECASE)
_TIME = r"(\d{1,2})(?:[.:](\d{2}))?"
# "8.00 - 16.00", "od 7:30 do 15:30", "7-15", "w godz. 9:00–13:00".
_SPAN_RE = re.compile(rf"(?:od\s+)?{_TIME}\s*(?:[-–—]|do)\s*{_TIME}(?!\s*[.:]?\d)", re.IGNORECASE)
# What joins two days: a range ("pn. - pt.", "od poniedziałku do piątku") or a list ("wt. i czw.").
_RANGE_JOIN_RE = re.compile(r"^\s*(?:[-–—]|do)\s*$", re.IGNORECASE)
_LIST_JOIN_RE = re.compile(r"^\s*(?:,|i|oraz|/)\s*$", re.IGNORECASE)


def _day_index(token: str) -> int:
    for form, index in _DAY_FORMS:
        if re.fullmatch(rf"(?:{form})\.?", token, re.IGNORECASE):
            return index
    raise ValueError(token)


def _clock(hour: str, minute: str | None) -> str | None:
    h, m = int(hour), int(minute or 0)
    if h > 24 or m > 59:
        return None
    return f"{h:02d}:{m:02d}"


def parse_schedule(text: str | None) -> dict[str, list[list[str]]]:
    """{"mon": [["07:30", "15:30"]], ...} from hours as shown; {} when no day has hours.

    Each time span belongs to the days written just before it: "pn. 8-17, wt.-pt. 7:30-15:30"
    gives Monday one span and Tuesday to Friday another.
    """
    schedule: dict[str, list[list[str]]] = {}
    if not text:
        return schedule
    cursor = 0
    days: list[int] = []
    for span in _SPAN_RE.finditer(text):
        before = text[cursor : span.start()]
        found = _days_in(before)
        if found:
            days = found
        cursor = span.end()
        start, end = _clock(span.group(1), span.group(2)), _clock(span.group(3), span.group(4))
        if not days or start is None or end is None or start >= end:
            continue
        for day in days:
            spans = schedule.setdefault(DAYS[day], [])
            if [start, end] not in spans:
                spans.append([start, end])
    return {day: schedule[day] for day in DAYS if day in schedule}


def _days_in(text: str) -> list[int]:
    """Days named in a stretch of text, ranges expanded: "pn. - pt." -> Monday to Friday."""
    tokens = list(_DAY_RE.finditer(text))
    days: list[int] = []
    for i, token in enumerate(tokens):
        index = _day_index(token.group())
        if i and _RANGE_JOIN_RE.match(text[tokens[i - 1].end() : token.start()]):
            first = days[-1] if days else index
            days.extend(range(first + 1, index + 1))
            continue
        if i and not _LIST_JOIN_RE.match(text[tokens[i - 1].end() : token.start()]):
            days = []  # an unrelated earlier mention ("czynne w soboty …; pn 8-16")
        days.append(index)
    return sorted(set(days))
