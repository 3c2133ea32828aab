"""The 统计表's records as a table of their own (the workbook's sheet 记录): one column per
field of a record, in words an officer types, so a sheet of them can be read back in
(service.imports) and the round trip gives the same document."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.kinds.summary_model import CATEGORY_NAMES, SOURCE_NAMES
from service.render.xlsx import Block, Sheet

# (header, field, kind of value, width in mm)
RECORD_COLUMNS = [
    ("生产经营建设单位名称", "enterprise", "text", 30), ("发现日期", "found_on", "date", 20),
    ("所在乡镇", "township", "text", 14), ("企业类别", "industry", "text", 14),
    ("问题类型", "category", "category", 16), ("明细", "detail", "text", 50),
    ("信息来源", "source", "source", 14), ("核查单位", "checked_by", "text", 20),
    ("是否提级核查", "escalated", "bool", 12), ("违法性质", "nature", "text", 16),
    ("处理措施", "measures", "list", 30), ("罚款（万元）", "fine_wan", "number", 12),
    ("整改销号日期", "rectified_on", "date", 20), ("挂牌督办单位", "supervised_by", "text", 18),
    ("整改计划", "plan", "text", 30),
]
SHEET = "记录"
IMPORT_NOTE = ("注：本表为统计表的原始记录，可按此格式填写后导入"
               "（POST /api/v1/import/summary，或命令行 import-records）。")
LABELS = {"category": CATEGORY_NAMES, "source": SOURCE_NAMES}


def cell(key: str, kind: str, value: Any) -> Any:
    """A record's value as the sheet shows it."""
    if value is None:
        return None
    if kind in LABELS:
        return LABELS[kind][value]
    if kind == "list":
        return "、".join(value) or None
    if kind == "bool":
        return "是" if value else "否"
    return value


def records_sheet(title: str, info: list[str], findings: list[dict[str, Any]]) -> Sheet:
    """The sheet 记录: every record as sent, one column per field."""
    rows = [[date.fromisoformat(f[key]) if kind == "date" and f.get(key) else
             cell(key, kind, f.get(key)) for _, key, kind, _ in RECORD_COLUMNS]
            for f in findings]
    block = Block([w for *_, w in RECORD_COLUMNS], [[(h, 1, 1) for h, *_ in RECORD_COLUMNS]],
                  rows, text_columns={i for i, (_, _, k, _) in enumerate(RECORD_COLUMNS)
                                      if k not in ("date", "number")})
    return Sheet(SHEET, title, info, [block], [IMPORT_NOTE])
