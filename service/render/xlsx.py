"""Tables as Excel workbooks (openpyxl): real cells, the printed titles and headers (merged
as printed), numbers as numbers, rates as percentages, dates as dates, each sheet's header
frozen and repeated on every printed page, A4 landscape, column widths from the printed
ones. Knows nothing of Flask or the database; the kinds say what goes in (Kind.sheets)."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from service.text import xml_safe

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
CHARS_PER_MM = 1.1  # Excel widths are in characters of the default font (about 1.8 mm)
FIXED = datetime(2000, 1, 1)  # the workbook's own dates: the same bytes for the same table
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_PERCENT = re.compile(r"^-?\d+(\.\d+)?%$")


@dataclass
class Block:
    """One printed table: header rows of (text, colspan, rowspan), body rows, widths in mm,
    and the columns that are text (the rest hold numbers where they can)."""

    widths: Sequence[float]
    header: list[list[tuple[str, int, int]]]
    rows: list[list[Any]]
    caption: str | None = None
    text_columns: set[int] = field(default_factory=set)
    merge_first_column: str | None = None  # a label spanning every body row (调度表)


@dataclass
class Sheet:
    """One worksheet: a title, info lines, tables and notes."""

    name: str
    title: str
    info: list[str]
    blocks: list[Block]
    notes: list[str] = field(default_factory=list)


def _value(value: Any, text: bool) -> tuple[Any, str | None]:
    """A cell value and its number format: numbers, percentages and dates as themselves."""
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return ("是" if value else "否"), None
    if isinstance(value, (int, float)) and not text:
        return value, None
    if isinstance(value, date):
        return value, DATE_FORMAT
    shown = xml_safe(str(value))
    if not text and _PERCENT.match(shown):
        return float(shown[:-1]) / 100, "0.0%"
    if not text and _NUMBER.match(shown):
        return (float(shown) if "." in shown else int(shown)), None
    return shown, None


def _merged_line(ws: Worksheet, row: int, width: int, text: str, font: Font,
                 center: bool = False) -> None:
    ws.cell(row, 1, xml_safe(text)).font = font
    ws.cell(row, 1).alignment = Alignment(horizontal="center" if center else "left",
                                          vertical="center", wrap_text=True)
    if width > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _block(ws: Worksheet, row: int, block: Block, first: bool) -> int:
    """Write one table from `row`; the row after it."""
    width = len(block.widths)
    if block.caption:
        _merged_line(ws, row, width, block.caption, Font(name="黑体", size=12))
        row += 1
    top = row
    for cells in block.header:
        column = 1
        for text, span, down in cells:
            while any(r.min_row <= row <= r.max_row and r.min_col <= column <= r.max_col
                      for r in ws.merged_cells.ranges):
                column += 1
            cell = ws.cell(row, column, xml_safe(text))
            cell.font = Font(name="黑体", size=10.5)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if span > 1 or down > 1:
                ws.merge_cells(start_row=row, start_column=column, end_row=row + down - 1,
                               end_column=column + span - 1)
            column += span
        row += 1
    for r in range(top, row):
        for c in range(1, width + 1):
            ws.cell(r, c).border = BOX
    if first and block.header:
        ws.freeze_panes = ws.cell(row, 1).coordinate
        ws.print_title_rows = f"{top}:{row - 1}"
    body = row
    for values in block.rows:
        for c, raw in enumerate(values, 1):
            value, number_format = _value(raw, c - 1 in block.text_columns)
            cell = ws.cell(row, c, value)
            if cell.data_type == "f":  # a text starting with = is text, never a formula
                cell.data_type = "s"
            cell.font, cell.border = Font(name="仿宋_GB2312", size=10.5), BOX
            cell.alignment = Alignment(vertical="center", wrap_text=True, horizontal=(
                "left" if c - 1 in block.text_columns else "center"))
            if number_format:
                cell.number_format = number_format
        row += 1
    if block.merge_first_column and row - body > 1:
        ws.cell(body, 1, block.merge_first_column).font = Font(name="黑体", size=10.5)
        ws.merge_cells(start_row=body, start_column=1, end_row=row - 1, end_column=1)
    return row + 1


def workbook(sheets: list[Sheet]) -> bytes:
    """The workbook of `sheets`, the same bytes for the same tables."""
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        ws = book.create_sheet(re.sub(r"[\[\]:*?/\\]", "", spec.name)[:31] or "表")
        width = max(len(b.widths) for b in spec.blocks)
        _merged_line(ws, 1, width, spec.title, Font(name="方正小标宋简体", size=18, bold=True),
                     center=True)
        row = 2
        for line in spec.info:
            _merged_line(ws, row, width, line, Font(name="仿宋_GB2312", size=12))
            row += 1
        for n, block in enumerate(spec.blocks):
            row = _block(ws, row, block, n == 0)
        for note in spec.notes:
            _merged_line(ws, row, width, note, Font(name="仿宋_GB2312", size=11))
            ws.row_dimensions[row].height = 15 * (1 + len(note) // 90)
            row += 1
        for column in range(1, width + 1):
            mm = max(b.widths[column - 1] for b in spec.blocks if len(b.widths) >= column)
            ws.column_dimensions[get_column_letter(column)].width = max(4.0, mm * CHARS_PER_MM)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    book.properties.created = book.properties.modified = FIXED
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

