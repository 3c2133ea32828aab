"""Word template of the statistics tables (summary): one template, three layouts.

Each layout's tables sit between `{%p if layout == "…" %}` and `{%p endif %}`; record rows
come from docxtpl row loops (`{%tr for row in rows %}` … `{%tr endfor %}`). Widths are in
mm and add up to the 225 mm width of the landscape 版心."""

from __future__ import annotations

import sys
from pathlib import Path

from docx.shared import Mm
from docx_base import cell_text, grid_table, keep_row_whole, para, title

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from service.kinds.summary_dispatch import BLOCKS  # noqa: E402

LANDSCAPE = True

WEEKLY_TOTALS = [("类别", 35), ("数量（项）", 25), ("已整改（项）", 25), ("未整改（项）", 25),
                 ("整改率", 25), ("涉及单位（家）", 30), ("提级核查（项）", 30),
                 ("罚款（万元）", 30)]
TOTAL_KEYS = ["name", "found", "rectified", "pending", "rate", "enterprises", "escalated", "fines"]
MEASURE_COLUMNS = 11
WEEKLY_ROWS = [
    ("序号", 9, "no"), ("生产经营建设单位名称/非法业主名称", 25, "enterprise"),
    ("核查单位", 18, "checked_by"), ("是否提级核查", 10, "escalated"),
    ("所在乡镇", 13, "township"), ("企业类别", 13, "industry"), ("问题类型", 13, "category"),
    ("重大事故隐患/具体非法违法行为明细", 52, "detail"), ("违法性质", 17, "nature"),
    ("信息来源及处理措施", 35, "handling"), ("整改情况", 20, "status"),
]
LEFT_ALIGNED = {"detail", "handling", "enterprise", "nature"}
# 工作报表 (seed 002): (header, width, key); a header of two parts spans two columns.
REPORT_COLUMNS = [
    ("行业", 22, "industry"), ("成立督查组（个）", 14, "inspection_groups"),
    ("排查企业（家）", 14, "enterprises"),
    ("一般隐患/排查（项）", 14, "general_found"),
    ("一般隐患/已整改（项）", 14, "general_rectified"),
    ("重大隐患/排查（项）", 14, "major_found"),
    ("重大隐患/已整改（项）", 14, "major_rectified"),
    ("非法违法行为（项）", 14, "illegal_found"),
    ("责令限期整改企业数（家）", 16, "deadline_enterprises"),
    ("行政罚款金额（万元）", 20, "fines"), ("停产整顿数（家）", 14, "suspended_enterprises"),
    ("公开曝光案例数（个）", 15, "exposed_cases"),
    ("查处违法分包转包和挂靠资质行为数（家）", 21, "subcontracting_cases"),
    ("查处劳务派遣用工违法行为数（个）", 19, "labor_dispatch_cases"),
]
MAJOR_COLUMNS = [("序号", 10, "no"), ("企业名称", 40, "enterprise"), ("所在镇", 22, "township"),
                 ("行业类别", 22, "industry"), ("挂牌督办单位", 36, "supervised_by"),
                 ("重大隐患明细及整改计划", 95, "detail")]
DISPATCH_WIDTHS = [20, 7, 70, 24, 7, 73, 24]
DISPATCH_KEYS = ["no1", "label1", "value1", "no2", "label2", "value2"]


def _loop_rows(doc, table, first: int, loop: str, var: str, keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Fill rows first..first+2 of `table`: the loop tag, the row template, the end tag.
    Rows are never split across pages (the model bounds free text so a row fits a page)."""
    rows = table.rows
    cell_text(doc, rows[first].cells[0], f"{{%tr for {var} in {loop} %}}")
    for cell, key in zip(rows[first + 1].cells, keys, strict=True):
        style = "表格文字左" if key in LEFT_ALIGNED else "表格文字"
        cell_text(doc, cell, f"{{{{ {var}.{key} }}}}", style)
    keep_row_whole(rows[first + 1])
    cell_text(doc, rows[first + 2].cells[0], "{%tr endfor %}")


def _simple_table(doc, columns: list[tuple[str, float, str]], loop: str) -> None:  # type: ignore[no-untyped-def]
    """One header row and one looped row per item of `loop`."""
    table = grid_table(doc, [w for _, w, _ in columns], rows=4)
    for cell, (head, _, _) in zip(table.rows[0].cells, columns, strict=True):
        cell_text(doc, cell, head, "表格表头")
    _loop_rows(doc, table, 1, loop, "row", [k for _, _, k in columns])


def _weekly(doc) -> None:  # type: ignore[no-untyped-def]
    para(doc, "一、汇总情况", "表格题注")
    totals = [(h, w, k) for (h, w), k in zip(WEEKLY_TOTALS, TOTAL_KEYS, strict=True)]
    _simple_table(doc, totals, "totals")
    para(doc, "", "表格信息")
    widths = [27] + [18] * MEASURE_COLUMNS
    measures = grid_table(doc, widths, rows=2)
    cell_text(doc, measures.rows[0].cells[0], "处理措施", "表格表头")
    cell_text(doc, measures.rows[1].cells[0], "数量（项）", "表格表头")
    for i in range(MEASURE_COLUMNS):
        cell_text(doc, measures.rows[0].cells[i + 1], f"{{{{ measure_names[{i}] }}}}", "表格表头")
        cell_text(doc, measures.rows[1].cells[i + 1], f"{{{{ measure_counts[{i}] }}}}")
    para(doc, "二、逐条明细", "表格题注")
    _simple_table(doc, WEEKLY_ROWS, "rows")


def _report(doc) -> None:  # type: ignore[no-untyped-def]
    table = grid_table(doc, [w for _, w, _ in REPORT_COLUMNS], rows=5, header_rows=2)
    top, sub = table.rows[0].cells, table.rows[1].cells
    i = 0
    while i < len(REPORT_COLUMNS):
        head = REPORT_COLUMNS[i][0]
        if "/" in head:  # 一般隐患 / 重大隐患 span two columns over 排查 and 已整改
            group = head.split("/")[0]
            merged = top[i].merge(top[i + 1])
            cell_text(doc, merged, group, "表格表头")
            for j in (i, i + 1):
                cell_text(doc, sub[j], REPORT_COLUMNS[j][0].split("/")[1], "表格表头")
            i += 2
            continue
        merged = top[i].merge(sub[i])
        cell_text(doc, merged, head, "表格表头")
        i += 1
    _loop_rows(doc, table, 2, "industry_rows", "row", [k for _, _, k in REPORT_COLUMNS])
    para(doc, "重大隐患明细", "表格题注")
    _simple_table(doc, MAJOR_COLUMNS, "major_rows")


def _dispatch(doc) -> None:  # type: ignore[no-untyped-def]
    """The 调度表's four blocks (seed 004), two items a line, each block's name merged down
    its lines; the cells come from `dispatch_blocks[b].rows[r]` (a fixed form)."""
    sizes = [len(items) // 2 for _, items in BLOCKS]
    table = grid_table(doc, DISPATCH_WIDTHS, rows=sum(sizes), header_rows=0)
    first = 0
    for b, size in enumerate(sizes):
        for r in range(size):
            row = table.rows[first + r]
            keep_row_whole(row)
            row.height = Mm(8)  # at least: the form's rows are roomy
            for c, key in enumerate(DISPATCH_KEYS, 1):
                style = "表格文字左" if key.startswith("label") else "表格文字"
                cell_text(doc, row.cells[c], f"{{{{ dispatch_blocks[{b}].rows[{r}].{key} }}}}",
                          style)
            for cell in row.cells:  # a block stays on one page, as the PDF keeps it
                cell.paragraphs[0].paragraph_format.keep_with_next = r < size - 1
        merged = table.rows[first].cells[0].merge(table.rows[first + size - 1].cells[0])
        cell_text(doc, merged, f"{{{{ dispatch_blocks[{b}].name }}}}", "表格表头")
        first += size


def fill(doc) -> None:  # type: ignore[no-untyped-def]
    """统计表 (周报 统计表 / 工作报表 / 调度表)."""
    title(doc)
    para(doc, "{%p for line in header %}", "")
    para(doc, "{{ line }}", "表格信息")
    para(doc, "{%p endfor %}", "")
    for layout, builder in (("weekly", _weekly), ("report", _report), ("dispatch", _dispatch)):
        para(doc, f'{{%p if layout == "{layout}" %}}', "")
        builder(doc)
        para(doc, "{%p endif %}", "")
    para(doc, "{%p for line in seed_notes %}", "")
    para(doc, "{{ line }}", "表格信息")
    para(doc, "{%p endfor %}", "")
    para(doc, "{{ note }}{{ dispatch_note }}", "表格信息")
