"""A record model's fields as the columns of a raw record sheet: the header is the field's
Chinese title, the kind of value comes from its JSON Schema (dates, integers, numbers,
是/否, a choice by its label, several choices 、-separated). The sheet written from these
columns is the one service.record_import reads back, so the round trip is exact."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel

from service.render.xlsx import Block, Sheet

SEP = "、"  # between the choices of one cell, as the printed tables list them
WIDTHS = {"date": 22, "int": 14, "number": 16, "bool": 12, "choice": 20, "choices": 36}


@dataclass(frozen=True)
class Column:
    """One field of a record: header (its title), JSON key, kind of value, choice labels."""

    header: str
    key: str
    kind: str  # text date int number bool choice choices list
    labels: dict[str, str] = field(default_factory=dict)  # value → label (choices)
    max_length: int | None = None


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return _resolve({**defs[schema["$ref"].rsplit("/", 1)[-1]],
                         **{k: v for k, v in schema.items() if k != "$ref"}}, defs)
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    if len(options) == 1:  # Optional[X]: X with the field's own title and default
        merged = {**schema, **_resolve(options[0], defs)}
        merged.pop("anyOf", None)
        return merged
    return schema


def _column(key: str, schema: dict[str, Any], defs: dict[str, Any]) -> Column:
    s = _resolve(schema, defs)
    header = s.get("title") or key
    if "enum" in s:
        labels = s.get("x-labels", {})
        return Column(header, key, "choice", {v: labels.get(v, v) for v in s["enum"]})
    if s.get("type") == "array":
        item = _resolve(s.get("items", {}), defs)
        if "enum" in item:
            labels = item.get("x-labels", {})
            return Column(header, key, "choices", {v: labels.get(v, v) for v in item["enum"]})
        return Column(header, key, "list")
    kind = {"boolean": "bool", "integer": "int", "number": "number"}.get(s.get("type", ""))
    if kind is None:
        kind = "date" if s.get("format") == "date" else "text"
    return Column(header, key, kind, max_length=s.get("maxLength"))


@functools.cache
def columns(model: type[BaseModel]) -> tuple[Column, ...]:
    """The record model's fields in order, one column each (titles must differ)."""
    schema = model.model_json_schema()
    out = tuple(_column(k, v, schema.get("$defs", {}))
                for k, v in schema.get("properties", {}).items())
    if len({c.header for c in out}) != len(out):
        raise ValueError(f"{model.__name__}: two fields share a title")
    return out


def cell(column: Column, value: Any) -> Any:
    """A record's JSON value as the sheet shows it."""
    if value is None:
        return None
    if column.kind == "date":
        return date.fromisoformat(value)
    if column.kind == "choice":
        return column.labels.get(value, value)
    if column.kind in ("choices", "list"):
        return SEP.join(column.labels.get(v, v) for v in value) or None
    if column.kind == "bool":
        return "是" if value else "否"
    return value


def _width(column: Column) -> float:
    if column.kind in WIDTHS:
        return WIDTHS[column.kind]
    return 50 if (column.max_length or 0) > 100 else 30


def record_sheet(name: str, title: str, info: list[str], model: type[BaseModel],
                 records: list[dict[str, Any]], note: str) -> Sheet:
    """A raw record sheet: every record as sent (JSON values), one column per field."""
    cols = columns(model)
    rows = [[cell(c, r.get(c.key)) for c in cols] for r in records]
    text = {i for i, c in enumerate(cols) if c.kind not in ("date", "int", "number")}
    block = Block([_width(c) for c in cols], [[(c.header, 1, 1) for c in cols]], rows,
                  text_columns=text)
    return Sheet(name, title, info, [block], [note])
