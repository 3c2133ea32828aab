"""Word template of 集中行动四个清单（日报） (seed 000 附件4): four lists on landscape pages,
headers merged as in the seed and repeated on every page, list 2's five blocks from one
looped table, list 3's people under a row naming their 情形, and the seed's note."""

from __future__ import annotations

import sys
from pathlib import Path

from docx_base import cell_text, grid_table, keep_row_whole, para, title

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from service.kinds.daily_lists_sheets import (  # noqa: E402
    ACCOUNTABILITY_HEADER,
    ACCOUNTABILITY_KEYS,
    ACCOUNTABILITY_WIDTHS,
    ENFORCEMENT_KEYS,
    ENFORCEMENT_WIDTHS,
    HAZARD_COLUMNS,
    LEFT,
    PROGRESS_HEADER,
    PROGRESS_KEYS,
    PROGRESS_WIDTHS,
    Header,
    enforcement_header,
)

LANDSCAPE = True


def _header(doc, table, header: Header) -> None:  # type: ignore[no-untyped-def]
    """Write header rows of (text, colspan, rowspan), merging cells as the seed does."""
    taken: set[tuple[int, int]] = set()
    for r, cells in enumerate(header):
        c = 0
        for text, span, down in cells:
            while (r, c) in taken:
                c += 1
            cell = table.rows[r].cells[c]
            if span > 1 or down > 1:
                cell = cell.merge(table.rows[r + down - 1].cells[c + span - 1])
            cell_text(doc, cell, text, "表格表头")
            taken |= {(r + i, c + j) for i in range(down) for j in range(span)}
            c += span


def _looped(doc, table, first: int, loop: str, var: str, keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Rows first..first+2: the loop tag, the row template (never split), the end tag."""
    rows = table.rows
    cell_text(doc, rows[first].cells[0], f"{{%tr for {var} in {loop} %}}")
    for cell, key in zip(rows[first + 1].cells, keys, strict=True):
        cell_text(doc, cell, f"{{{{ {var}.{key} }}}}", "表格文字左" if key in LEFT else "表格文字")
    keep_row_whole(rows[first + 1])
    cell_text(doc, rows[first + 2].cells[0], "{%tr endfor %}")


def _progress(doc) -> None:  # type: ignore[no-untyped-def]
    table = grid_table(doc, PROGRESS_WIDTHS, rows=5, header_rows=2)
    _header(doc, table, PROGRESS_HEADER)
    _looped(doc, table, 2, "progress_rows", "r", PROGRESS_KEYS)


def _enforcement(doc) -> None:  # type: ignore[no-untyped-def]
    # One table per block; the block's own two columns come from the context.
    para(doc, "{%p for block in enforcement %}", "")
    table = grid_table(doc, ENFORCEMENT_WIDTHS, rows=5, header_rows=2)
    _header(doc, table, enforcement_header("{{ block.name }}", "{{ block.reason }}"))
    _looped(doc, table, 2, "block.rows", "r", ENFORCEMENT_KEYS)
    para(doc, "", "表格信息")  # tables side by side would join into one in Word
    para(doc, "{%p endfor %}", "")


def _accountability(doc) -> None:  # type: ignore[no-untyped-def]
    table = grid_table(doc, ACCOUNTABILITY_WIDTHS, rows=8, header_rows=2)
    _header(doc, table, ACCOUNTABILITY_HEADER)
    rows = table.rows
    cell_text(doc, rows[2].cells[0], "{%tr for group in accountability %}")
    group = rows[3].cells[0].merge(rows[3].cells[-1])
    cell_text(doc, group, "{{ group.measure }}", "表格表头")
    keep_row_whole(rows[3])
    _looped(doc, table, 4, "group.people", "p", ACCOUNTABILITY_KEYS)
    cell_text(doc, rows[7].cells[0], "{%tr endfor %}")


def _hazards(doc) -> None:  # type: ignore[no-untyped-def]
    table = grid_table(doc, [w for _, w, _ in HAZARD_COLUMNS], rows=4)
    _header(doc, table, [[(h, 1, 1) for h, _, _ in HAZARD_COLUMNS]])
    _looped(doc, table, 1, "hazard_rows", "r", [k for *_, k in HAZARD_COLUMNS])


def fill(doc) -> None:  # type: ignore[no-untyped-def]
    """集中行动四个清单（日报）."""
    title(doc)
    para(doc, "{{ info }}", "表格信息")
    for n, builder in enumerate((_progress, _enforcement, _accountability, _hazards)):
        para(doc, f"{{{{ captions[{n}] }}}}", "表格题注")
        builder(doc)
    para(doc, "{{ note }}", "表格信息")
