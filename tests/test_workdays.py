"""The last working day of a month by the State Council calendar, and the fallback for years
chinese-calendar does not know (2027 on, and before 2004)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import chinese_calendar
import pytest

from service.workdays import fallback_warning, is_workday, last_workday

SATURDAY, SUNDAY = 5, 6


@pytest.mark.parametrize(
    "year,month,expected,weekday",
    [
        (2022, 1, date(2022, 1, 30), SUNDAY),  # Sunday 调休 before 春节; Mon 31 is a holiday
        (2026, 2, date(2026, 2, 28), SATURDAY),  # Saturday 调休 after 春节
        (2018, 9, date(2018, 9, 30), SUNDAY),  # Sunday 调休 before 国庆
    ],
)
def test_an_adjusted_weekend_day_can_be_the_last_working_day(
    year: int, month: int, expected: date, weekday: int
) -> None:
    assert expected.weekday() == weekday and chinese_calendar.is_workday(expected)
    result = last_workday(year, month)
    assert result.day == expected and result.official


@pytest.mark.parametrize(
    "year,month,expected,holidays",
    [
        # 2023-09-29 (Fri) 中秋, 30 (Sat) 国庆: the Thursday is the last working day.
        (2023, 9, date(2023, 9, 28), [date(2023, 9, 29)]),
        # 春节 2025-01-28 … 01-31 are weekdays off: Monday the 27th is the last.
        (2025, 1, date(2025, 1, 27), [date(2025, 1, d) for d in range(28, 32)]),
        # 2020-01-24 … 01-31: 春节, extended that year.
        (2020, 1, date(2020, 1, 23), [date(2020, 1, 24), date(2020, 1, 31)]),
    ],
)
def test_a_weekday_inside_a_holiday_is_not_a_working_day(
    year: int, month: int, expected: date, holidays: list[date]
) -> None:
    for day in holidays:
        assert not chinese_calendar.is_workday(day)
    assert any(day.weekday() < SATURDAY for day in holidays)
    result = last_workday(year, month)
    assert result.day == expected and result.official


@pytest.mark.parametrize(
    "year,month,expected",
    [(2022, 3, date(2022, 3, 31)), (2024, 6, date(2024, 6, 28)), (2022, 2, date(2022, 2, 28))],
)
def test_an_ordinary_month_ends_on_its_last_weekday(year: int, month: int, expected: date) -> None:
    result = last_workday(year, month)
    assert result.day == expected and result.official


def test_every_known_month_agrees_with_chinese_calendar() -> None:
    for year in range(2004, 2027):
        for month in range(1, 13):
            day = last_workday(year, month).day
            end = date(year, month, calendar.monthrange(year, month)[1])
            assert chinese_calendar.is_workday(day), day
            later = [day + timedelta(days=n) for n in range(1, (end - day).days + 1)]
            assert not any(chinese_calendar.is_workday(d) for d in later), day


@pytest.mark.parametrize(
    "year,month,expected",
    [
        (2027, 1, date(2027, 1, 29)),  # the 31st is a Sunday: back to Friday
        (2027, 2, date(2027, 2, 26)),  # Sunday the 28th
        (2027, 3, date(2027, 3, 31)),  # a Wednesday
        (2003, 8, date(2003, 8, 29)),  # before the calendar's data: Sunday the 31st
    ],
)
def test_unknown_years_fall_back_to_monday_to_friday(year: int, month: int, expected: date) -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(year, month, 1))
    result = last_workday(year, month)
    assert result.day == expected and not result.official


def test_is_workday_answers_none_for_an_unknown_year() -> None:
    assert is_workday(date(2027, 1, 4)) is None
    assert is_workday(date(2022, 1, 30)) is True  # Sunday 调休
    assert is_workday(date(2022, 1, 31)) is False  # Monday in 春节


def test_fallback_warning_names_the_year() -> None:
    assert fallback_warning(2027) == "2027年的法定节假日安排尚未收录，截止时间按周一至周五推算，请核对"
    assert fallback_warning(2003).startswith("2003年的法定节假日安排未收录")
