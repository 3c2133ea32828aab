"""The Friday run: the week's typical cases grouped by reporting unit, one numbered
bulletin (周通报) per unit for an ISO week."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from service import issuing
from service.batches.engine import Item
from service.errors import Invalid, ServiceError
from service.kinds import KINDS


def iso_week(text: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week written `2022-W03`."""
    try:
        year, week = text.upper().split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
        sunday = monday + timedelta(days=6)  # 9999-W52 has no Sunday in Python's calendar
    except (ValueError, OverflowError):
        raise Invalid("周次应为ISO周，如 2022-W03", code="bad_week",
                      fields=[{"path": "week", "message": "应为ISO周，如 2022-W03"}]) from None
    return monday, sunday


def group_cases(items: list[Item], monday: date, sunday: date
                ) -> tuple[dict[str, list[tuple[int, dict[str, Any]]]], list[dict[str, Any]], int]:
    """Valid cases of the week by reporting unit; error entries; cases of other weeks."""
    kind = KINDS["typical-case"]
    by_unit: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    errors: list[dict[str, Any]] = []
    other_weeks = 0
    for item in items:
        if item.error:
            errors.append({"line": item.line, **item.error})
            continue
        try:
            case = issuing.validate(kind, item.data)
        except ServiceError as err:
            errors.append({"line": item.line, "kind": kind.name, **err.body()})
            continue
        unit, reported = getattr(case, "unit", None), getattr(case, "reported_on", None)
        missing = [f for f, v in (("unit", unit), ("reported_on", reported)) if v is None]
        if missing or unit is None or reported is None:
            errors.append({"line": item.line, "kind": kind.name, "error": "invalid",
                           "message": "编入周通报的案例须填写报送单位和报送日期",
                           "fields": [{"path": f, "message": "缺少" + ("报送单位" if f == "unit"
                                                                     else "报送日期")}
                                      for f in missing]})
        elif monday <= reported <= sunday:
            by_unit[unit].append((item.line, case.model_dump(mode="json")))
        else:
            other_weeks += 1
    return dict(by_unit), errors, other_weeks


def bulletin_items(by_unit: dict[str, list[tuple[int, dict[str, Any]]]], monday: date,
                   sunday: date, issued_on: date) -> list[Item]:
    """One bulletin item per unit, its cases in the order they were read."""
    return [Item(n, "bulletin", {
        "unit": unit, "period_start": monday.isoformat(), "period_end": sunday.isoformat(),
        "issued_on": issued_on.isoformat(), "cases": [case for _, case in sorted(unit_cases)]})
        for n, (unit, unit_cases) in enumerate(sorted(by_unit.items()), 1)]
