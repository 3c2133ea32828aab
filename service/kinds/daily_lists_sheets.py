"""The four lists' columns as the seed prints them (headers merged as there, widths in mm on
the 225 mm landscape 版心), shared by the templates' builder, and the lists as worksheets
(service.render.xlsx) made from the same context as the PDF, then each list's raw records
(service.kinds.daily_lists_records) to be read back in."""

from __future__ import annotations

from typing import Any

from service.kinds.daily_lists_records import record_sheets
from service.render.xlsx import Block, Sheet

Header = list[list[tuple[str, int, int]]]  # rows of (text, colspan, rowspan)

PROGRESS_WIDTHS: list[float] = [30, 14, 15, 20, 14, 17, 16, 14, 16, 14, 26, 14, 15]
PROGRESS_HEADER: Header = [
    [("单位/项目", 1, 2), ("检查组(个)", 1, 2), ("集中行动开展情况", 3, 1), ("执法情况", 5, 1),
     ("问责曝光工作不力情况", 3, 1)],
    [(h, 1, 1) for h in (
        "检查企业(家)", "非法违法生产经营行为案例", "重大隐患", "责令限期整改企业(家)",
        "行政罚款(万)", "停产整顿(家)", "暂扣吊销证照(个)", "关闭取缔(家)",
        # the seed's 党政纪处分 (its list 3 misprints it 党政记)
        "追究问责情况(党政纪处分/追究刑事责任)", "曝光单位(家)", "典型(详情另报)(个)")],
]
PROGRESS_KEYS = ["name", "inspection_groups", "enterprises", "illegal_cases", "hazards",
                 "deadline", "fines", "suspensions", "licenses", "closures", "accountability",
                 "exposed", "typical"]

ENFORCEMENT_WIDTHS: list[float] = [12, 50, 55, 26, 30, 34, 18]
ENFORCEMENT_KEYS = ["no", "enterprise", "reason", "accepted_on", "accepted_by", "status", "note"]


def enforcement_header(name: str, reason: str) -> Header:
    """A block of list 2: 序号, the block's column, its 原因, 整改验收情况 over three, 备注."""
    return [[("序号", 1, 2), (name, 1, 2), (reason, 1, 2), ("整改验收情况", 3, 1), ("备注", 1, 2)],
            [("验收时间", 1, 1), ("验收单位", 1, 1), ("整改情况", 1, 1)]]


ACCOUNTABILITY_WIDTHS: list[float] = [30, 45, 95, 55]
ACCOUNTABILITY_HEADER: Header = [
    [("追责问责情形（党政纪处分/追究刑事责任）", 4, 1)],
    [("序号", 1, 1), ("姓名", 1, 1), ("单位", 1, 1), ("职务", 1, 1)],
]
ACCOUNTABILITY_KEYS = ["no", "name", "employer", "position"]

HAZARD_COLUMNS = [
    ("序号", 10, "no"), ("检查单位", 16, "checked_by"), ("行业领域", 14, "industry"),
    ("被检查对象(企业或单位)", 22, "enterprise"), ("重大隐患内容", 28, "hazard"),
    ("整改措施", 26, "measures"), ("整改时限", 17, "deadline"),
    ("整改责任单位", 16, "responsible_unit"), ("整改责任人", 13, "responsible_person"),
    ("挂牌督办单位(政府或部门)", 18, "supervisor"), ("挂牌责任人", 13, "supervisor_person"),
    ("整改销号情况", 32, "closure"),
]
# Columns that hold text (left-aligned, never read as numbers); the rest are numbers, dates
LEFT = {"reason", "status", "hazard", "measures", "closure"}


def _text_columns(keys: list[str]) -> set[int]:
    return {i for i, k in enumerate(keys) if k not in ("no", "accepted_on", "deadline")}


def sheets(context: dict[str, Any]) -> list[Sheet]:
    """The four lists as worksheets: list 1 with its figures as numbers, each block of list 2
    on its own sheet (a printed page repeats the header of its own block), dates as dates."""
    title = "".join(line["text"] for line in context["title_lines"])
    info, notes, captions = [context["info"]], [context["note"]], context["captions"]
    progress = [[float(r[k]) if k == "fines" else r[k] for k in PROGRESS_KEYS]
                for r in context["values"]]
    out = [Sheet("进展清单", title, info, [Block(PROGRESS_WIDTHS, PROGRESS_HEADER, progress,
                                             captions[0], {0})], notes)]
    for block in context["enforcement"]:
        rows = [[row["day"] if k == "accepted_on" else _number(row, k) for k in ENFORCEMENT_KEYS]
                for row in block["rows"]]
        out.append(Sheet(f"执法检查（{block['name']}）", title, info, [Block(
            ENFORCEMENT_WIDTHS, enforcement_header(block["name"], block["reason"]), rows,
            captions[1], _text_columns(ENFORCEMENT_KEYS))], notes))
    rows = []
    for group in context["accountability"]:
        rows.append([group["measure"], None, None, None])
        rows += [[_number(p, k) for k in ACCOUNTABILITY_KEYS] for p in group["people"]]
    out.append(Sheet("追责问责清单", title, info, [Block(
        ACCOUNTABILITY_WIDTHS, ACCOUNTABILITY_HEADER, rows, captions[2],
        _text_columns(ACCOUNTABILITY_KEYS))], notes))
    keys = [k for *_, k in HAZARD_COLUMNS]
    rows = [[row["day"] if k == "deadline" else _number(row, k) for k in keys]
            for row in context["hazard_rows"]]
    out.append(Sheet("重大隐患挂牌督办清单", title, info, [Block(
        [w for _, w, _ in HAZARD_COLUMNS], [[(h, 1, 1) for h, _, _ in HAZARD_COLUMNS]], rows,
        captions[3], _text_columns(keys))], notes))
    return out + record_sheets(title, info, context["records"])


def _number(row: dict[str, Any], key: str) -> Any:
    # 序号 is a number in the workbook; the "无" row of an empty list has none
    value = row[key]
    return int(value) if key == "no" and value else value
