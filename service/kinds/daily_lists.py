"""集中行动四个清单（日报） — seed 000 附件4: 1 进展清单 by township or project with its 总计
row, 2 执法检查清单 in five blocks, 3 追责问责清单, 4 重大隐患挂牌督办清单, and the seed's note.
List 1 counts what lists 2–4 hold; the figures no record gives are entered per row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from service.kinds.base import Kind
from service.kinds.daily_lists_model import DailyEnforcement, DailyHazard, DailyLists
from service.kinds.daily_lists_sheets import PROGRESS_KEYS, sheets
from service.kinds.summary_stats import wan  # fines print as the 统计表's do: 12.50
from service.text import cn_date
from service.titles import title_lines

FORM_NAME = "集中行动四个清单（日报）"
NOTE = "注：“四个清单”每日16时前报送。"
GAP = "\u3000" * 4  # between the items of the header line
LANDSCAPE_AREA_PT = 225 / 25.4 * 72  # the 版心 width on a turned page
# List 2's blocks: (field, the seed's column over the enterprise, its column of reasons)
BLOCKS = [("deadline", "责令限期整改企业", "整改原因"), ("fines", "行政处罚款", "罚款原因"),
          ("suspensions", "停产整顿", "停产原因"), ("licenses", "暂扣吊销证照", "暂扣吊销原因"),
          ("closures", "关闭取缔", "关闭取缔原因")]
# List 1's figures the payload gives; the others are counted from lists 2–4.
ENTERED = {"inspection_groups", "enterprises", "illegal_cases", "exposed", "typical"}
NONE = "无"  # what an empty list prints, so that a blank table is not mistaken for unfilled


def _distinct(records: list[DailyEnforcement]) -> int:
    # 家 counts enterprises: one fined twice is still one enterprise
    return len({"".join(r.enterprise.split()) for r in records})


def _progress(doc: DailyLists) -> tuple[list[dict[str, Any]], list[str]]:
    """List 1's rows (总计 first, as in the seed) as numbers, and the projects that appear
    only in lists 2–4 (their entered figures are blank)."""
    entered = {row.name: row for row in doc.progress}
    names = list(entered)
    records = [*(r for b, _, _ in BLOCKS for r in getattr(doc.enforcement, b)),
               *doc.accountability, *doc.hazards]
    unlisted = [p for p in dict.fromkeys(r.project for r in records) if p not in entered]
    rows = []
    for name in names + unlisted:
        row: dict[str, Any] = {"name": name}
        given = entered.get(name)
        for key in ENTERED:
            row[key] = getattr(given, key) if given else None
        mine = {b: [r for r in getattr(doc.enforcement, b) if r.project == name]
                for b, _, _ in BLOCKS}
        row.update(
            hazards=sum(1 for h in doc.hazards if h.project == name),
            deadline=_distinct(mine["deadline"]),
            fines=sum((Decimal(str(f.amount_wan)) for f in mine["fines"]), Decimal(0)),
            suspensions=_distinct(mine["suspensions"]),
            licenses=len(mine["licenses"]),  # 个 counts licences, one a record
            closures=_distinct(mine["closures"]),
            accountability=sum(1 for p in doc.accountability if p.project == name))
        rows.append(row)
    total: dict[str, Any] = {"name": "总计"}
    for key in PROGRESS_KEYS[1:]:
        total[key] = sum((r[key] for r in rows if r[key] is not None),
                         Decimal(0) if key == "fines" else 0)
    # the 总计 of 家 counts each enterprise once, even across two townships
    for block in ("deadline", "suspensions", "closures"):
        total[block] = _distinct(getattr(doc.enforcement, block))
    return [total, *rows], unlisted


def _printed(value: Any) -> str:
    if value is None:
        return ""
    return wan(value) if isinstance(value, Decimal) else str(value)


def _enforcement(doc: DailyLists) -> list[dict[str, Any]]:
    """List 2's five blocks, each with its seed headers and numbered rows."""
    blocks = []
    for field, name, reason in BLOCKS:
        rows = []
        for no, r in enumerate(getattr(doc.enforcement, field), 1):
            enterprise = r.enterprise
            if field == "fines":
                enterprise += f"（罚款{wan(Decimal(str(r.amount_wan)))}万元）"
            rows.append({"no": str(no), "enterprise": enterprise, "reason": r.reason,
                         "accepted_on": cn_date(r.accepted_on) if r.accepted_on else "",
                         "accepted_by": r.accepted_by or "", "status": r.status or "",
                         "note": r.note or "", "day": r.accepted_on})
        blocks.append({"name": name, "reason": reason, "rows": rows or [
            {"no": "", "enterprise": NONE, "reason": "", "accepted_on": "", "accepted_by": "",
             "status": "", "note": "", "day": None}]})
    return blocks


def closure(h: DailyHazard) -> str:
    """整改销号情况 as the seed words it: 2022年1月14日，经××验收，整改完毕销号。"""
    if h.closed_on is None:
        return "未销号"
    return f"{cn_date(h.closed_on)}，经{h.closed_by}验收，整改完毕销号。"


def _hazards(doc: DailyLists) -> list[dict[str, Any]]:
    rows = [{**h.model_dump(exclude={"project", "closed_on", "closed_by"}), "no": str(no),
             "deadline": cn_date(h.deadline), "day": h.deadline, "closure": closure(h)}
            for no, h in enumerate(doc.hazards, 1)]
    return rows or [{"no": "", "checked_by": "", "industry": "", "enterprise": NONE,
                     "hazard": "", "measures": "", "deadline": "", "day": None,
                     "responsible_unit": "", "responsible_person": "", "supervisor": "",
                     "supervisor_person": "", "closure": ""}]


def _accountability(doc: DailyLists) -> list[dict[str, Any]]:
    """List 3's people under a row naming their 情形, numbered through."""
    groups: dict[str, list[dict[str, str]]] = {}
    for no, p in enumerate(sorted(doc.accountability, key=lambda p: p.measure != "党政纪处分"), 1):
        groups.setdefault(p.measure, []).append(
            {"no": str(no), "name": p.name, "employer": p.employer, "position": p.position})
    return [{"measure": m, "people": people} for m, people in groups.items()] or [
        {"measure": NONE, "people": []}]


def _title(doc: DailyLists) -> list[dict[str, Any]]:
    return [{"text": text, "tight": tight} for text, tight in title_lines(
        [(doc.campaign or "") + FORM_NAME], 22.0, LANDSCAPE_AREA_PT)]


def build(doc: DailyLists, serial: int | None) -> dict[str, Any]:
    """The printed text of the four lists, every count of list 1 computed or as entered."""
    progress, unlisted = _progress(doc)
    warnings = []
    if unlisted:
        warnings.append(f"{'、'.join(unlisted)}只见于清单2–4，进展清单中检查组、检查企业等"
                        "由填报单位填写的各项未填，按空白印出")
    return {
        "draft": serial is None,
        "title_lines": _title(doc),
        "info": f"填报单位：{doc.unit}{GAP}填表人：{doc.filled_by}{GAP}"
                f"填表日期：{cn_date(doc.filled_on)}",
        "captions": [f"1.{doc.campaign or ''}集中行动进展清单", "2.集中行动执法检查清单",
                     "3.集中行动追责问责清单", "4.集中行动重大隐患挂牌督办清单"],
        "progress_rows": [{k: _printed(v) for k, v in row.items()} for row in progress],
        "enforcement": _enforcement(doc),
        "accountability": _accountability(doc),
        "hazard_rows": _hazards(doc),
        "note": NOTE,
        "warnings": warnings,
        # list 1 as numbers for the workbook (the rows above are its printed text)
        "values": progress,
        # the records as sent, for the workbook's raw record sheets (read back by the import)
        "records": doc.model_dump(mode="json", include={
            "progress", "enforcement", "accountability", "hazards"}),
    }


def _label(doc: DailyLists) -> str:
    # the file name starts with the kind's short name (四个清单-…): unit and day suffice
    return f"{doc.unit}{cn_date(doc.filled_on)}"


KIND = Kind(
    name="daily-lists",
    title=FORM_NAME,
    short="四个清单",
    description="集中行动四个清单（日报）：进展清单（按乡镇或项目，含总计）、执法检查清单"
                "（五类）、追责问责清单、重大隐患挂牌督办清单；进展清单的执法、隐患和问责各项"
                "由清单2–4的记录统计，检查组等由填报单位填写。不编号。",
    model=DailyLists,
    build=build,
    series=lambda doc: None,
    dated=lambda doc: doc.filled_on,
    label=_label,
    sheets=sheets,
)
