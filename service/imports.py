"""Records read in from a spreadsheet: the sheet 记录 of a 统计表 workbook (or any XLSX or CSV
with its headers, service.kinds.summary_records) becomes the `findings` of a summary
payload. Every row is checked as a record; a bad cell is reported by row number and column
header in Chinese, and nothing is imported unless every row is good."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from pydantic import ValidationError

from service.errors import Invalid
from service.kinds.summary_model import Finding
from service.kinds.summary_records import LABELS, RECORD_COLUMNS, SHEET
from service.validation import field_errors

MAX_ROWS = 5000
HEADERS = {header: (key, kind) for header, key, kind, _ in RECORD_COLUMNS}
_CN_DATE = re.compile(r"^(\d{4})[年.\-/](\d{1,2})[月.\-/](\d{1,2})日?$")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bad(message: str) -> Invalid:
    return Invalid(message, code="invalid", fields=[{"path": "file", "message": message}])


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise _bad("不是有效的Excel文件（.xlsx）") from err
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 50)]


def _csv_rows(content: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _bad("CSV文件应为UTF-8或GB18030编码")
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _date(text: Any) -> Any:
    if isinstance(text, datetime):
        return text.date().isoformat()
    if isinstance(text, date):
        return text.isoformat()
    found = _CN_DATE.match(str(text).strip())
    if found:
        try:
            return date(*map(int, found.groups())).isoformat()
        except ValueError:
            return str(text)
    return str(text)


def _value(kind: str, raw: Any) -> Any:
    """A cell as the record's JSON value (left as typed where it does not read, so the
    record's check names it)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if kind == "date":
        return _date(raw)
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


def findings(content: bytes, media_type: str) -> list[dict[str, Any]]:
    """The records of an uploaded XLSX or CSV, each checked; Invalid naming every bad cell
    as 第N行“列名”."""
    xlsx = media_type == XLSX_TYPE or content[:4] == b"PK\x03\x04"
    rows = _xlsx_rows(content) if xlsx else _csv_rows(content)
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
        if all(v is None or str(v).strip() == "" for v in cells.values()):
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
                reason = field["message"].split("：", 1)[-1]
                errors.append({"path": f"rows.{number}.{column}",
                               "message": f"第{number}行“{column}”：{reason}"})
        if len(out) > MAX_ROWS:
            raise _bad(f"最多导入{MAX_ROWS}条记录")
    if errors:
        shown = "；".join(e["message"] for e in errors[:5]) + ("……" if len(errors) > 5 else "")
        raise Invalid(f"有{len(errors)}处错误，未导入任何记录：{shown}", fields=errors)
    return out


@dataclass(frozen=True)
class Importer:
    """How a kind's records are read in from a spreadsheet: the list of the payload they
    fill, the sheet of the kind's workbook that holds them, its column headers, and the
    reader (content, media type) → records, raising Invalid naming every bad cell."""

    kind: str
    field: str
    sheet: str
    headers: tuple[str, ...]
    read: Callable[[bytes, str], list[dict[str, Any]]]


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    """Offer the import of `importer.kind` (the API, the web form's upload, the CLI)."""
    IMPORTERS[importer.kind] = importer


register(Importer("summary", "findings", SHEET, tuple(HEADERS), findings))


def blank_csv(importer: Importer) -> bytes:
    """A CSV of the importer's header row only (UTF-8 with BOM, which Excel opens as such)."""
    out = io.StringIO()
    csv.writer(out).writerow(importer.headers)
    return out.getvalue().encode("utf-8-sig")
