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
    """The last working day of a month: a 调休 weekend can be it, a holiday weekday cannot.
    Never raises for a real month (years 1–9999): outside the official calendar, Mon–Fri."""
    last = date(year, month, calendar.monthrange(year, month)[1])
    days = [last - timedelta(days=n) for n in range(last.day)]  # the month, backwards
    if is_workday(last) is not None:
        for day in days:
            if is_workday(day):
                return Workday(day, True)
    # Not in the calendar (or, never seen, a month it gives no working day): Mon–Fri, of
    # which every month has one among its last three days.
    return Workday(next(day for day in days if day.weekday() < 5), False)


def fallback_warning(year: int) -> str:
    """The Chinese note that `year`'s holidays were not known and Mon–Fri was assumed."""
    missing = "尚未收录" if year >= FIRST_YEAR else "未收录"
    return f"{year}年的法定节假日安排{missing}，截止时间按周一至周五推算，请核对"
