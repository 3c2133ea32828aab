"""Working days by the State Council holiday calendar (chinese-calendar), with a
Monday–Friday fallback for years the calendar does not know yet."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

FIRST_YEAR = 2004  # the calendar's data starts here; later gaps are years not yet published


@dataclass(frozen=True)
class Workday:
    """A working day, and whether the official calendar decided it (False: Mon–Fri assumed)."""

    day: date
    official: bool


def is_workday(day: date) -> bool | None:
    """True or False by the official calendar (调休 included); None if it lacks that year."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def last_workday(year: int, month: int) -> Workday:
    """The last working day of a month: a 调休 weekend can be it, a holiday weekday cannot."""
    day = date(year, month, calendar.monthrange(year, month)[1])
    official = is_workday(day) is not None
    while day.month == month:
        working = is_workday(day) if official else day.weekday() < 5
        if working:
            return Workday(day, official)
        day -= timedelta(days=1)
    raise ValueError(f"no working day in {year}-{month:02d}")  # no real month is all holiday


def fallback_warning(year: int) -> str:
    """The Chinese note that `year`'s holidays were not known and Mon–Fri was assumed."""
    missing = "尚未收录" if year >= FIRST_YEAR else "未收录"
    return f"{year}年的法定节假日安排{missing}，截止时间按周一至周五推算，请核对"
