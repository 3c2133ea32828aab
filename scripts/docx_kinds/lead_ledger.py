"""Word template of the 每日举报问题线索清单 (seed 000 附件7): the 16-column table, or the
14 columns of the public version, header row repeated, and the seed's note."""

from __future__ import annotations

import sys
from pathlib import Path

from docx_base import cell_text, grid_table, keep_row_whole, para, title

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from service.kinds.lead_ledger import columns  # noqa: E402

LANDSCAPE = True
LEFT = {"content", "results", "progress", "enterprise"}


def _table(doc, public: bool) -> None:  # type: ignore[no-untyped-def]
    cols = columns(public)
    table = grid_table(doc, [c["width"] for c in cols], rows=4)
    for cell, c in zip(table.rows[0].cells, cols, strict=True):
        cell_text(doc, cell, c["header"], "表格表头")
    cell_text(doc, table.rows[1].cells[0], "{%tr for row in rows %}")
    for cell, c in zip(table.rows[2].cells, cols, strict=True):
        cell_text(doc, cell, f"{{{{ row.{c['key']} }}}}",
                  "表格文字左" if c["key"] in LEFT else "表格文字")
    keep_row_whole(table.rows[2])  # bounded cells: a row always fits a page
    cell_text(doc, table.rows[3].cells[0], "{%tr endfor %}")


def fill(doc) -> None:  # type: ignore[no-untyped-def]
    """每日举报问题线索清单."""
    title(doc)
    para(doc, "{{ info }}", "表格信息")
    for public in (False, True):
        para(doc, "{%p if public %}" if public else "{%p if not public %}", "")
        _table(doc, public)
        para(doc, "{%p endif %}", "")
    para(doc, "{%p if not rows %}", "")
    para(doc, "（本期没有线索）", "表格信息")
    para(doc, "{%p endif %}", "")
    para(doc, "{{ note }}", "表格信息")
