"""The four lists' records as raw sheets of their own (记录-进展清单, 记录-责令限期整改 …), one
column per field of a record as the payload holds it, so a workbook of the four lists can
be read back in (service.imports) and the round trip gives the same document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from service.kinds.daily_lists_model import (
    MAX_ROWS,
    DailyEnforcement,
    DailyEnforcementLists,
    DailyFine,
    DailyHazard,
    DailyLists,
    DailyPerson,
    DailyProgress,
)
from service.kinds.record_columns import record_sheet
from service.render.xlsx import Sheet

_MODELS: dict[str, type[BaseModel]] = {
    "progress": DailyProgress, "enforcement.deadline": DailyEnforcement,
    "enforcement.fines": DailyFine, "enforcement.suspensions": DailyEnforcement,
    "enforcement.licenses": DailyEnforcement, "enforcement.closures": DailyEnforcement,
    "accountability": DailyPerson, "hazards": DailyHazard,
}


def _name(path: str) -> str:
    model: Any = DailyLists if "." not in path else DailyEnforcementLists
    return str(model.model_fields[path.rsplit(".", 1)[-1]].title)


# (payload path, the list's Chinese name, its record model), in the form's order
RECORD_LISTS: list[tuple[str, str, type[BaseModel]]] = [
    (path, _name(path), model) for path, model in _MODELS.items()]
LIMIT = MAX_ROWS
IMPORT_NOTE = ("注：本表为四个清单的原始记录，可按此格式填写后导入（网页表单的“导入”，"
               "POST /api/v1/import/daily-lists，或命令行 import-records --kind daily-lists）。")


def sheet_name(name: str) -> str:
    """The record sheet of the list `name`."""
    return f"记录-{name}"


def lists(payload: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The payload's record lists by path (a JSON payload as the model dumps it)."""
    out = {}
    for path, _, _ in RECORD_LISTS:
        node: Any = payload
        for part in path.split("."):
            node = node.get(part, []) if isinstance(node, dict) else []
        out[path] = node
    return out


def record_sheets(title: str, info: list[str], payload: dict[str, Any]) -> list[Sheet]:
    """One raw sheet per record list, every record as sent (an empty list: its headers)."""
    found = lists(payload)
    return [record_sheet(sheet_name(name), title, info, model, found[path], IMPORT_NOTE)
            for path, name, model in RECORD_LISTS]
