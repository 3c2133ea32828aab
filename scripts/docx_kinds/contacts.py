"""Word template of the 集中行动联络人 (seed 000 附件6 / seed 001 附件3): the nine
columns, header row repeated, one row per contact person (an empty row when there are none,
to be filled in by hand, as the seed's form is)."""

from __future__ import annotations

import sys
from pathlib import Path

from docx.shared import Mm
from docx_base import cell_text, grid_table, keep_row_whole, para, title

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from service.kinds.contacts import columns  # noqa: E402

LANDSCAPE = True
LEFT = {"unit", "address", "email"}


def fill(doc) -> None:  # type: ignore[no-untyped-def]
    """集中行动联络人."""
    title(doc)
    para(doc, "{{ info }}", "表格信息")
    cols = columns()
    table = grid_table(doc, [c["width"] for c in cols], rows=7)
    for cell, c in zip(table.rows[0].cells, cols, strict=True):
        cell_text(doc, cell, c["header"], "表格表头")
    cell_text(doc, table.rows[1].cells[0], "{%tr for row in rows %}")
    for cell, c in zip(table.rows[2].cells, cols, strict=True):
        cell_text(doc, cell, f"{{{{ row.{c['key']} }}}}",
                  "表格文字左" if c["key"] in LEFT else "表格文字")
    keep_row_whole(table.rows[2])  # bounded cells: a row always fits a page
    cell_text(doc, table.rows[3].cells[0], "{%tr endfor %}")
    # no contacts yet: one blank row to write in, as the seed's form has
    cell_text(doc, table.rows[4].cells[0], "{%tr if not rows %}")
    table.rows[5].height = Mm(8)
    cell_text(doc, table.rows[6].cells[0], "{%tr endif %}")
