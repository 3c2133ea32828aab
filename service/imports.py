"""Records read in from a spreadsheet, kind by kind (IMPORTERS): the sheet 记录 of a 统计表
workbook (or any XLSX or CSV with its headers, service.kinds.summary_records) becomes the
`findings` of a summary payload; the kinds with several lists (四个清单) read each list from
its own record sheet, the 联络人 its one sheet (service.record_import). Every row is
checked as a record; a bad cell is reported by row number and column header in Chinese,
and nothing is imported unless every row of every list is good."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from pydantic import ValidationError

from service.import_cells import (
    MAX_ROWS,
    XLSX_TYPE,
    bad,
    blank,
    csv_rows,
    is_xlsx,
    open_book,
    refuse,
    row_error,
    sheet_rows,
    to_date,
)
from service.kinds.contacts import ContactRow
from service.kinds.daily_lists_records import LIMIT, RECORD_LISTS, sheet_name
from service.kinds.lead_ledger import FORM_TITLE, LedgerRow
from service.kinds.lead_ledger import MAX_ROWS as LEDGER_ROWS
from service.kinds.summary_model import Finding
from service.kinds.summary_records import LABELS, RECORD_COLUMNS, SHEET
from service.record_import import Importer, Table, model_table
from service.validation import field_errors

__all__ = ["IMPORTERS", "XLSX_TYPE", "Importer", "Table", "blank_csv", "findings", "register"]

HEADERS = {header: (key, kind) for header, key, kind, _ in RECORD_COLUMNS}
_bad = bad  # the name the summary's reader has always used


def _value(kind: str, raw: Any) -> Any:
    """A cell as the record's JSON value (left as typed where it does not read, so the
    record's check names it)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if kind == "date":
        return to_date(raw)
    if kind in LABELS:
        back = {label: key for key, label in LABELS[kind].items()}
        return back.get(str(raw).strip(), str(raw).strip())
    if kind == "bool":
        return {"是": True, "否": False}.get(str(raw).strip(), str(raw))
    if kind == "list":
        return [part for part in re.split(r"[、,，;；\s]+", str(raw).strip()) if part]
    if kind == "number":
        try:
            return float(raw)
        except (TypeError, ValueError):
            return str(raw)
    return str(raw) if not isinstance(raw, str) else raw


def summary_rows(rows: list[list[Any]]) -> list[dict[str, Any]]:
    """The records of a sheet's rows, each checked; Invalid naming every bad cell as
    第N行“列名”."""
    start = next((i for i, row in enumerate(rows)
                  if "生产经营建设单位名称" in [str(c).strip() for c in row if c]), None)
    if start is None:
        raise _bad("找不到表头行：第一列应为“生产经营建设单位名称”，列名与导出的“记录”表相同")
    header = [str(c).strip() if c is not None else "" for c in rows[start]]
    unknown = [h for h in header if h and h not in HEADERS]
    if unknown:
        raise _bad(f"不认识的列：{'、'.join(unknown)}")
    out: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    for number, row in enumerate(rows[start + 1:], start + 2):
        cells = dict(zip(header, list(row) + [None] * (len(header) - len(row)), strict=False))
        if blank(cells.values()):
            continue
        if str(cells.get("生产经营建设单位名称") or "").startswith("注："):
            break  # the sheet's own note under the table
        record = {HEADERS[h][0]: _value(HEADERS[h][1], v) for h, v in cells.items()
                  if h and _value(HEADERS[h][1], v) is not None}
        try:
            out.append(Finding.model_validate_json(json.dumps(record)).model_dump(mode="json"))
        except ValidationError as exc:
            for field in field_errors(Finding, exc):
                column = next((h for h, (k, _) in HEADERS.items()
                               if k == field["path"].split(".")[0]), field["path"])
                errors.append(row_error(number, column, field["message"].split("：", 1)[-1]))
        if len(out) > MAX_ROWS:
            raise _bad(f"最多导入{MAX_ROWS}条记录")
    if errors:
        raise refuse(errors)
    return out


def findings(content: bytes, media_type: str) -> list[dict[str, Any]]:
    """The records of an uploaded XLSX (its sheet 记录, else its first) or CSV."""
    if is_xlsx(content, media_type):
        return summary_rows(sheet_rows(open_book(content), SHEET))
    return summary_rows(csv_rows(content))


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    """Offer the import of `importer.kind` (the API, the web form's upload, the CLI)."""
    IMPORTERS[importer.kind] = importer


def tables(kind: str) -> dict[str, Table]:
    """The kind's importable lists by their form path (the web form's 导入 per table)."""
    importer = IMPORTERS.get(kind)
    return {t.field: t for t in importer.tables} if importer else {}


register(Importer("summary", (Table("findings", "统计表记录", SHEET, tuple(HEADERS),
                                    summary_rows),)))


def blank_csv(table: Table) -> bytes:
    """A CSV of the table's header row only (UTF-8 with BOM, which Excel opens as such)."""
    out = io.StringIO()
    csv.writer(out).writerow(table.headers)
    return out.getvalue().encode("utf-8-sig")


register(Importer("daily-lists", tuple(model_table(path, name, model, sheet_name(name), LIMIT)
                                       for path, name, model in RECORD_LISTS)))
# the 联络人 sheet is itself the raw records: its nine columns are the rows' own fields
register(Importer("contacts", (model_table("contacts", "联络人", ContactRow, "联络人"),)))
# 每日举报问题线索清单: the sheet as printed (附件7) is the record sheet; its 序号 is passed
# over and two headers carry the seed's wording.
LEDGER_HEADERS: dict[str, str | None] = {
    "序号": None, "交办单位(部门或政府)": "交办单位", "交办日期(7日内反馈)": "交办日期"}
register(Importer("lead-ledger", (model_table(
    "rows", "线索", LedgerRow, FORM_TITLE, LEDGER_ROWS, printed=LEDGER_HEADERS),)))
