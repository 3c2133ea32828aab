"""The Friday run: one numbered typical-case bulletin per unit for an ISO week."""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from service import batch, issuing
from service.errors import ServiceError
from service.kinds import KINDS


def iso_week(text: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week written `2022-W03`."""
    try:
        year, week = text.upper().split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise click.BadParameter("应为ISO周，如 2022-W03", param_hint="--week") from None
    return monday, monday + timedelta(days=6)


def group_cases(items: list[batch.Item], monday: date, sunday: date
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


@click.command("bulletin")
@click.argument("cases", type=click.Path(exists=True, path_type=Path))
@click.option("--week", required=True, help="ISO周，如 2022-W03")
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="输出目录")
@click.option("--issued-on", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="印发日期，默认今天")
@click.option("--format", "formats", default="docx,pdf", show_default=True)
@with_appcontext
def bulletin_command(cases: Path, week: str, out: Path, issued_on: Any, formats: str) -> None:
    """Group the week's cases by reporting unit; issue one numbered bulletin per unit."""
    from service.cli import _formats, run_batch

    monday, sunday = iso_week(week)
    cases_read = list(batch.read_items(cases, "typical-case"))
    by_unit, errors, other_weeks = group_cases(cases_read, monday, sunday)
    day = issued_on.date() if issued_on else date.today()
    items = [batch.Item(n, "bulletin", {
        "unit": unit, "period_start": monday.isoformat(), "period_end": sunday.isoformat(),
        "issued_on": day.isoformat(), "cases": [case for _, case in sorted(unit_cases)]})
        for n, (unit, unit_cases) in enumerate(sorted(by_unit.items()), 1)]
    prefix = f"bulletin:{week}:" + hashlib.sha256(str(cases.resolve()).encode()).hexdigest()[:12]
    done, failed = run_batch(items, out, _formats(formats),
                             current_app.config["DATABASE_URL"], 1, prefix)
    if errors:
        with (out / "errors.jsonl").open("a", encoding="utf-8") as f:
            for entry in errors:
                f.write(json.dumps(entry, ensure_ascii=False) + "\n")
    click.echo(f"{week}（{monday}至{sunday}）：{len(by_unit)}个单位，通报{done}期；"
               f"不在本周的案例{other_weeks}个，有误的案例{len(errors)}个 → {out}")
    if failed or errors:
        sys.exit(1)
