"""What every import shares: the uploaded XLSX or CSV as rows of cells, a cell as a date,
and the one error format — 第N行“列名”：reason, and nothing imported if any cell is wrong."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from openpyxl.workbook.workbook import Workbook

from service.errors import Invalid

MAX_ROWS = 5000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CN_DATE = re.compile(r"^(\d{4})[年.\-/](\d{1,2})[月.\-/](\d{1,2})日?$")
SHOWN = 5  # errors quoted in the message; `fields` lists them all


def bad(message: str, path: str = "file") -> Invalid:
    """The file as a whole cannot be read (422 naming `path`)."""
    return Invalid(message, code="invalid", fields=[{"path": path, "message": message}])


def is_xlsx(content: bytes, media_type: str) -> bool:
    """An XLSX by its media type or its ZIP signature (CSV otherwise)."""
    return media_type == XLSX_TYPE or content[:4] == b"PK\x03\x04"


def open_book(content: bytes) -> Workbook:
    """The uploaded workbook (read-only, cached values)."""
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise bad("不是有效的Excel文件（.xlsx）") from err


def sheet_rows(book: Workbook, name: str | None) -> list[list[Any]]:
    """The rows of the sheet `name`, or of the first sheet (bounded: a runaway file)."""
    sheet = book[name] if name in book.sheetnames else book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 50)]


def csv_rows(content: bytes) -> list[list[Any]]:
    """A CSV's rows, UTF-8 (with or without BOM) or GB18030 as Excel saves it in China."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise bad("CSV文件应为UTF-8或GB18030编码")
    return [list(row) for row in csv.reader(io.StringIO(text))]


def to_date(text: Any) -> Any:
    """A cell as an ISO date where it reads as one (left as typed otherwise)."""
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


def excel_date(raw: Any) -> Any:
    """to_date, and an Excel serial day number too (a date cell saved without its format)."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 1 <= raw < 2958466:
        return to_date(from_excel(raw))
    return to_date(raw)


def blank(values: Any) -> bool:
    """A row with nothing in it (skipped, not a record)."""
    return all(v is None or str(v).strip() == "" for v in values)


def row_error(number: int, column: str, reason: str) -> dict[str, str]:
    """One bad cell: path rows.N.列名, message 第N行“列名”：reason."""
    return {"path": f"rows.{number}.{column}", "message": f"第{number}行“{column}”：{reason}"}


def refuse(errors: list[dict[str, str]]) -> Invalid:
    """Every bad cell at once; nothing is imported."""
    shown = "；".join(e["message"] for e in errors[:SHOWN]) + ("……" if len(errors) > SHOWN
                                                              else "")
    return Invalid(f"有{len(errors)}处错误，未导入任何记录：{shown}", fields=errors)
