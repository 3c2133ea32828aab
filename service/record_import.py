"""The importers' shape and the generic reader: a kind's importable lists (Table: the payload
path it fills, its sheet, its headers, its reader) and an Importer over one or several of
them, which reads an XLSX's record sheets (or one CSV table) into the payload fragment
they fill. A list whose records are a pydantic model is read by its columns
(service.kinds.record_columns): headers are the fields' titles, cells by the fields' types."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from pydantic import BaseModel, ValidationError

from service.errors import Invalid
from service.import_cells import (
    MAX_ROWS,
    bad,
    blank,
    csv_rows,
    excel_date,
    is_xlsx,
    open_book,
    refuse,
    row_error,
    sheet_rows,
)
from service.kinds.record_columns import Column, columns
from service.validation import field_errors

_SPLIT = re.compile(r"[、,，;；\n]+")


@dataclass(frozen=True)
class Table:
    """One importable list: its payload path (findings, enforcement.deadline), its Chinese
    name, its sheet in the kind's workbook, its headers, and rows → checked records."""

    field: str
    name: str
    sheet: str
    headers: tuple[str, ...]
    parse: Callable[[list[list[Any]]], list[dict[str, Any]]]


@dataclass(frozen=True)
class Importer:
    """How a kind's records are read in from a spreadsheet: its lists, in form order."""

    kind: str
    tables: tuple[Table, ...]

    @property
    def field(self) -> str:
        """The first list's payload path (the only one of a one-list kind)."""
        return self.tables[0].field

    @property
    def sheet(self) -> str:
        """The first list's sheet."""
        return self.tables[0].sheet

    @property
    def headers(self) -> tuple[str, ...]:
        """The first list's headers."""
        return self.tables[0].headers

    def table(self, name: str) -> Table:
        """The list called `name` (its path, Chinese name or sheet); 422 naming it if none."""
        for t in self.tables:
            if name.strip() in (t.field, t.name, t.sheet):
                return t
        choices = "、".join(f"{t.field}（{t.name}）" for t in self.tables)
        raise bad(f"没有名为“{name[:60]}”的清单，可选：{choices}", "list")

    def read(self, content: bytes, media_type: str, name: str | None = None,
             every: bool = False) -> dict[str, Any]:
        """The payload fragment of the file's lists: of an XLSX every record sheet it holds
        (unless `name` picks one; `every` reads them all anyway, `name` then only for a
        workbook without any), of a CSV the list `name`. All or nothing."""
        chosen = self.table(name) if name else None
        if not is_xlsx(content, media_type):
            if chosen is None and len(self.tables) > 1:
                raise bad("CSV只有一张表，请用list指明导入哪一个清单，可选：" + "、".join(
                    f"{t.field}（{t.name}）" for t in self.tables), "list")
            return self._fragment([(chosen or self.tables[0], csv_rows(content))])
        book = open_book(content)
        present = [t for t in self.tables if t.sheet in book.sheetnames]
        if present and (chosen is None or every):
            return self._fragment([(t, sheet_rows(book, t.sheet)) for t in present])
        if chosen is None and len(self.tables) > 1:
            raise bad("工作簿中没有记录表（应有“" + "”“".join(t.sheet for t in self.tables) +
                      "”之一，与导出的Excel相同）；只有一张表时请用list指明导入哪一个清单",
                      "list")
        table = chosen or self.tables[0]
        return self._fragment([(table, sheet_rows(book, table.sheet))])

    def _fragment(self, read: list[tuple[Table, list[list[Any]]]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        errors: list[dict[str, str]] = []
        for table, rows in read:
            try:
                records = table.parse(rows)
            except Invalid as err:  # every list is read: all their errors at once
                if len(read) == 1:
                    raise
                errors += [_in(table, f) for f in err.fields or [
                    {"path": "file", "message": err.message}]]
                continue
            node = out
            *parents, last = table.field.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[last] = records
        if errors:
            raise refuse(errors)
        return out


def _in(table: Table, error: dict[str, str]) -> dict[str, str]:
    return {"path": f"{table.field}.{error['path']}",
            "message": f"“{table.sheet}”{error['message']}"}


def _number(raw: Any, whole: bool) -> Any:
    if isinstance(raw, bool):
        return raw
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return str(raw)
    if whole:
        return int(value) if value.is_integer() else str(raw)
    return value


def _text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # a number typed into a text cell (a phone, a code)
    return raw if isinstance(raw, str) else str(raw)


def value(column: Column, raw: Any) -> Any:
    """A cell as the record's JSON value (left as typed where it does not read, so the
    record's check names it)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    back = {label: key for key, label in column.labels.items()}
    if column.kind == "date":
        return excel_date(raw)
    if column.kind in ("int", "number"):
        return _number(raw, column.kind == "int")
    if column.kind == "bool":
        return raw if isinstance(raw, bool) else {"是": True, "否": False}.get(
            str(raw).strip(), str(raw))
    if column.kind == "choice":
        return back.get(str(raw).strip(), str(raw).strip())
    if column.kind in ("choices", "list"):
        return [back.get(p.strip(), p.strip()) for p in _SPLIT.split(str(raw)) if p.strip()]
    return _text(raw)


def records(model: type[BaseModel], sheet: str, limit: int, rows: list[list[Any]],
            printed: Mapping[str, str | None] | None = None) -> list[dict[str, Any]]:
    """The records of a sheet's rows, each checked against `model`; Invalid naming every
    bad cell as 第N行“列名”, nothing returned unless all are good. `printed` maps headers
    a printed sheet words otherwise to the model's titles (None: a column to pass over,
    such as 序号)."""
    cols = {c.header: c for c in columns(model)}
    first = next(iter(cols))
    start = next((i for i, row in enumerate(rows)
                  if first in [str(c).strip() for c in row if c is not None]), None)
    if start is None:
        raise bad(f"找不到表头行：第一列应为“{first}”，列名与导出的“{sheet}”表相同")
    header = [str(c).strip() if c is not None else "" for c in rows[start]]
    shown = {title: title for title in cols}  # how the sheet heads each column
    if printed:
        header = [(printed[h] or "") if h in printed else h for h in header]
        shown.update({title: head for head, title in printed.items() if title})
    unknown = [h for h in header if h and h not in cols]
    if unknown:
        raise bad(f"不认识的列：{'、'.join(unknown)}（“{sheet}”的列为："
                  f"{'、'.join(shown.values())}）")
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        raise bad(f"列重复：{'、'.join(twice)}")
    out: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    for number, row in enumerate(rows[start + 1:], start + 2):
        cells = dict(zip(header, list(row) + [None] * (len(header) - len(row)), strict=False))
        cells.pop("", None)
        filled = [str(v).strip() for v in cells.values() if not blank([v])]
        if not filled:
            continue
        if len(filled) == 1 and filled[0].startswith("注："):
            break  # the sheet's own note under the table
        record = {cols[h].key: v for h, raw in cells.items()
                  if (v := value(cols[h], raw)) is not None}
        try:
            out.append(model.model_validate_json(json.dumps(record)).model_dump(mode="json"))
        except ValidationError as exc:
            for field in field_errors(model, exc):
                key = field["path"].split(".")[0]
                column = next((shown[h] for h, c in cols.items() if c.key == key),
                              field["path"])
                reason = "未填（必填）" if field["message"].startswith("缺少") else \
                    field["message"].split("：", 1)[-1]
                errors.append(row_error(number, column, reason))
        if len(out) > limit:
            raise bad(f"“{sheet}”最多导入{limit}条记录")
    if errors:
        raise refuse(errors)
    return out


def model_table(field: str, name: str, model: type[BaseModel], sheet: str = "",
                limit: int = MAX_ROWS, printed: Mapping[str, str | None] | None = None
                ) -> Table:
    """The list at `field` whose records are `model`, in its sheet (记录-<name>); with
    `printed`, a sheet printed with other headers (see `records`)."""
    sheet = sheet or f"记录-{name}"
    headers = tuple(c.header for c in columns(model))
    if printed:
        back = {title: head for head, title in printed.items() if title}
        headers = tuple(back.get(h, h) for h in headers)
    return Table(field, name, sheet, headers,
                 partial(records, model, sheet, limit, printed=printed))
