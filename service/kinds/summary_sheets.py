"""The 统计表 as worksheets (service.render.xlsx): the same title, header lines, tables
(headers merged as printed, widths in mm) and notes as the PDF, from the same context, so
every figure in the workbook is the one the PDF prints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.kinds.summary_records import records_sheet
from service.render.xlsx import Block, Sheet

TOTALS = [("类别", 35, "name"), ("数量（项）", 25, "found"), ("已整改（项）", 25, "rectified"),
          ("未整改（项）", 25, "pending"), ("整改率", 25, "rate"),
          ("涉及单位（家）", 30, "enterprises"), ("提级核查（项）", 30, "escalated"),
          ("罚款（万元）", 30, "fines")]
DETAILS = [("序号", 9, "no"), ("生产经营建设单位名称/非法业主名称", 25, "enterprise"),
           ("核查单位", 18, "checked_by"), ("是否提级核查", 10, "escalated"),
           ("所在乡镇", 13, "township"), ("企业类别", 13, "industry"), ("问题类型", 13, "category"),
           ("重大事故隐患/具体非法违法行为明细", 52, "detail"), ("违法性质", 17, "nature"),
           ("信息来源及处理措施", 35, "handling"), ("整改情况", 20, "status")]
REPORT = [("行业", 22, "industry"), ("成立督查组（个）", 14, "inspection_groups"),
          ("排查企业（家）", 14, "enterprises"), ("排查（项）", 14, "general_found"),
          ("已整改（项）", 14, "general_rectified"), ("排查（项）", 14, "major_found"),
          ("已整改（项）", 14, "major_rectified"), ("非法违法行为（项）", 14, "illegal_found"),
          ("责令限期整改企业数（家）", 16, "deadline_enterprises"),
          ("行政罚款金额（万元）", 20, "fines"), ("停产整顿数（家）", 14, "suspended_enterprises"),
          ("公开曝光案例数（个）", 15, "exposed_cases"),
          ("查处违法分包转包和挂靠资质行为数（家）", 21, "subcontracting_cases"),
          ("查处劳务派遣用工违法行为数（个）", 19, "labor_dispatch_cases")]
MAJORS = [("序号", 10, "no"), ("企业名称", 40, "enterprise"), ("所在镇", 22, "township"),
          ("行业类别", 22, "industry"), ("挂牌督办单位", 36, "supervised_by"),
          ("重大隐患明细及整改计划", 95, "detail")]
# the 调度表 one item a line: its block (merged down), 序号, 项目, the figure or the seed's
# pair ("(次,万元)", "(停产)(关闭)", "其中…"; the label says which is which) and the 县、镇、部门
# split, each a number of its own
DISPATCH_WIDTHS = [24, 9, 90, 16, 16, 14, 14, 14]
DISPATCH_HEADER = [("类别", 1, 1), ("序号", 1, 1), ("项目", 1, 1), ("数值", 2, 1), ("县", 1, 1),
                   ("镇", 1, 1), ("部门", 1, 1)]
TEXT = {"enterprise", "checked_by", "township", "industry", "category", "detail", "nature",
        "handling", "status", "supervised_by", "name", "escalated"}


def _block(columns: Sequence[tuple[str, float, str]], rows: list[dict[str, Any]],
           caption: str | None = None, header: list[list[tuple[str, int, int]]] | None = None
           ) -> Block:
    return Block([w for _, w, _ in columns],
                 [[(h, 1, 1) for h, _, _ in columns]] if header is None else header,
                 [[row.get(k) for _, _, k in columns] for row in rows], caption,
                 {i for i, (_, _, k) in enumerate(columns) if k in TEXT})


def sheets(context: dict[str, Any]) -> list[Sheet]:
    """The worksheets of one 统计表 (its layout's tables)."""
    title = "".join(line["text"] for line in context["title_lines"])
    notes = [*context["seed_notes"], context["note"] + context["dispatch_note"]]
    notes = [n for n in notes if n]
    info = context["header"]
    layout = context["layout"]
    records = records_sheet(title, info, context["records"])
    if layout == "weekly":
        names, counts = context["measure_names"], context["measure_counts"]
        measures = Block([27] + [18] * len(names), [[("处理措施", 1, 1)] + [
            (n, 1, 1) for n in names]], [["数量（项）", *counts]], text_columns={0})
        return [Sheet("汇总情况", title, info, [
                    _block(TOTALS, context["totals"], "一、汇总情况"), measures]),
                Sheet("逐条明细", title, info, [_block(DETAILS, context["rows"], "二、逐条明细")],
                      notes), records]
    if layout == "report":
        top = [(h, 1, 2) for h, _, _ in REPORT[:3]] + [("一般隐患", 2, 1), ("重大隐患", 2, 1)] + [
            (h, 1, 2) for h, _, _ in REPORT[7:]]
        sub = [("排查（项）", 1, 1), ("已整改（项）", 1, 1)] * 2
        return [Sheet("工作报表", title, info, [
                    _block(REPORT, context["industry_rows"], header=[top, sub])], notes),
                Sheet("重大隐患明细", title, info, [
                    _block(MAJORS, context["major_rows"], "重大隐患明细")]), records]
    blocks: list[Block] = []
    for name in dict.fromkeys(item["block"] for item in context["dispatch_items"]):
        rows = [[None, item["no"], item["label"], *item["values"], *item["levels"]]
                for item in context["dispatch_items"] if item["block"] == name]
        blocks.append(Block(DISPATCH_WIDTHS, [DISPATCH_HEADER] if not blocks else [], rows,
                            text_columns={2}, merge_first_column=name))
    return [Sheet("调度表", title, info, blocks, notes), records]
