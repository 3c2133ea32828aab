"""Tables as Excel workbooks (openpyxl): real cells, the printed headers, numbers as numbers,
dates as dates, the header row frozen and repeated on every printed page, A4 landscape,
column widths from the printed ones. Knows nothing of Flask or the database."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from service.text import xml_safe

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
CHARS_PER_MM = 0.55  # Excel widths are in characters of the default font (about 1.8 mm)
FONT = "仿宋_GB2312"


def sheet(title: str, info: str, columns: list[dict[str, Any]], values: list[dict[str, Any]],
          note: str) -> bytes:
    """One worksheet: the title, an info line, the header row, a row per item of `values`
    (by the columns' keys: "int" and "date" values stay numbers and dates) and the note."""
    book = Workbook()
    ws = book.active
    ws.title = title[:31]
    last = get_column_letter(len(columns))
    ws.append([title])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(name="方正小标宋简体", size=18, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([info])
    ws.merge_cells(f"A2:{last}2")
    ws.append([c["header"] for c in columns])
    for cell in ws[3]:
        cell.font = Font(name="黑体", size=10.5)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    for item in values:
        ws.append([_value(item.get(c["key"]), c["type"]) for c in columns])
        for cell, column in zip(ws[ws.max_row], columns, strict=True):
            cell.border = BOX
            cell.font = Font(name=FONT, size=10.5)
            cell.alignment = Alignment(vertical="center", wrap_text=True,
                                       horizontal="left" if column["type"] == "text"
                                       else "center")
            if column["type"] == "date":
                cell.number_format = DATE_FORMAT
            if cell.data_type == "f":  # a text starting with = is text, never a formula
                cell.data_type = "s"
    ws.append([])
    ws.append([xml_safe(note)])
    ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
    ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[ws.max_row].height = 80
    for i, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = max(4.0, column["width"] * CHARS_PER_MM
                                                                * 2)
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _value(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind == "date":
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    if kind == "int":
        return int(value)
    return xml_safe(str(value))
