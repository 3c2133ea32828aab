"""The 调度表 of seed 004 with its four blocks: 总体情况 and, of 部门精准严格执法情况, items 3
(行政处罚), 6 (停产/关闭) and 7 (曝光、约谈、联合惩戒) are counted from the records; the rest
are the figures the caller enters (summary_dispatch_model), blank when not given."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from service.kinds import summary_stats as st
from service.kinds.summary_model import CATEGORY_NAMES, SOURCE_NAMES, Finding, Summary
from service.text import cn_date

SPACE = "\u3000"  # the room left inside an empty （ ） to write a figure in by hand
# (block, [(label as printed, how the value prints, keys of its figures)]), in the seed's
# order; seed 004's "(次,万元)", "(停产) (关闭)" and "县( ) 镇( ) 部门( )" cells as "pair",
# "stop" and "levels". Item numbers restart at 1 in every block, as in the seed.
BLOCKS: list[tuple[str, list[tuple[str, str, tuple[str, ...]]]]] = [
    ("总体情况", [
        ("企业自查发现的重大事故隐患（个）", "n", ("self_check_found",)),
        ("企业自查发现重大事故隐患中已完成整改的（个）", "n", ("self_check_done",)),
        ("执法检查发现的重大事故隐患（个）", "n", ("inspection_found",)),
        ("执法检查发现重大事故隐患中已完成整改的（个）", "n", ("inspection_done",)),
        ("群众举报的重大事故隐患（个）", "n", ("report_found",)),
        ("群众举报的重大事故隐患中已完成整改的（个）", "n", ("report_done",)),
        ("上级交办的重大事故隐患（个）", "n", ("assigned_found",)),
        ("上级交办的重大事故隐患中已完成整改的（个）", "n", ("assigned_done",)),
        ("政府部门挂牌督办的重大事故隐患（个）", "n", ("supervised_found",)),
        ("挂牌督办重大事故隐患中已完成整改的（个）", "n", ("supervised_done",))]),
    ("对企业自查自改进行抽查检查情况", [
        ("抽查检查的企业总数（家）", "n", ("spot_checked",)),
        ("企业主要负责人未按要求亲自研究排查整治工作（家）", "n", ("heads_not_studying",)),
        ("企业主要负责人未带队检查（家）", "n", ("heads_not_leading",)),
        ("企业未制定分管负责人职责清单（家）", "n", ("no_duty_list",)),
        ("企业未依法建立安全管理机构和配足安全管理人员（家）", "n", ("no_safety_staff",)),
        ("电焊等特种作业岗位人员无证上岗作业（家）", "n", ("unlicensed_work",)),
        ("外包外租安全管理混乱（家）", "n", ("outsourcing",)),
        ("未按规定开展应急演练、员工不熟悉逃生出口（家）", "n", ("no_drills",))]),
    ("部门精准严格执法情况", [
        ("帮扶指导重点镇（个次）", "n", ("towns_assisted",)),
        ("帮扶指导重点企业（家次）", "n", ("enterprises_assisted",)),
        ("行政处罚（次，万元）", "pair", ("penalties", "fines")),
        ("企业和企业主要负责人“一案双罚”（次）", "n", ("double_penalties",)),
        ("移送司法机关（人）", "n", ("referred_persons",)),
        ("责令停产整顿/关闭取缔（家）", "stop", ("suspended", "closed")),
        ("曝光、约谈、联合惩戒企业（家）", "n", ("exposed",)),
        ("公布典型案例（个），其中危险作业罪案例（个）", "of", ("cases_published",
                                                            "dangerous_work_cases")),
        ("责任倒查追责问责（人）", "n", ("persons_accountable",)),
        ("约谈通报企业（次）", "n", ("interviews",))]),
    ("组织领导情况", [
        ("专项行动小组组织专题学习安全生产十五条硬措施（次）", "levels",
         ("study_county", "study_town", "study_department")),
        ("股室负责人分别专题研究（次）", "levels",
         ("research_county", "research_town", "research_department")),
        ("领导小组负责同志分别现场督导检查（次）", "levels",
         ("visits_county", "visits_town", "visits_department")),
        ("分管领导分别到企业宣讲（次）", "n", ("briefings",)),
        ("举报奖励（万元），其中匿名举报查实奖励（万元）", "of_wan",
         ("reward_wan", "anonymous_reward_wan")),
        ("是否在本级主流媒体播放安全生产专题栏目", "n", ("media_column",)),
        ("配备专兼职技术检查员数量（人）", "levels", ("inspectors_county", "inspectors_town")),
        ("组织开展考核巡查督导检查（次）", "n", ("assessments",))]),
]
LEVELS = ("县", "镇", "部门")
EXPOSURE = ("公开曝光", "警示约谈", "联合惩戒")
# 专项行动进展情况调度表填报说明 of seed 004, verbatim (its lines joined).
SEED_NOTES = (
    "专项行动进展情况调度表填报说明：",
    "1. 局专项行动领导组办公室对各行动小组工作进展情况进行月调度。调度表自6月份开始上报，"
    "每月28日前上报截至当月28日的累计情况。",
    "2. 调度表内容应围绕专项行动工作并对照方案具体要求如实填报，特别是对企业自查情况进行抽查"
    "检查时，要深挖细查，查出真问题。如：电焊等人员无证上岗作业，既要通过现场检查发现问题，"
    "也要通过对企动火等特种作业存单进行检查核实来发现问题；外包外租管理混乱，是指符合以下"
    "情形之一的：承包承租方不具备安全生产条件、未取得相应资质，双方未签订安全生产协议，"
    "安全管理职责不清，未纳入本企业统一管理。",
    "3. 调度表中明确提出县、镇、部门的有关事项需要分开进行统计上报。",
    "4. 各专项行动小组分别汇总统计报送本股室和所属行业领域有关情况（报送两张表）。",
)
CUTOFF_DAY = 28  # 填报说明 1: 截至当月28日的累计情况


def counted(kept: list[Finding], doc: Summary) -> dict[str, Any]:
    """The figures the records give: 总体情况 1–10 and 部门精准严格执法情况 3, 6, 7."""
    out: dict[str, Any] = {}
    for key, (found, done) in st.by_source(kept, doc.period_end).items():
        name = "supervised" if key == st.SUPERVISED else key
        out[f"{name}_found"], out[f"{name}_done"] = found, done
    penalised = [f for f in kept if "行政处罚" in f.measures]
    out.update(penalties=len(penalised), fines=st.fine_total(penalised),
               suspended=st.distinct_enterprises(kept, "责令停产整顿"),
               closed=st.distinct_enterprises(kept, "关闭取缔"),
               exposed=len({st.enterprise_key(f.enterprise) for f in kept
                            if set(f.measures) & set(EXPOSURE)}))
    return out


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (float, Decimal)):
        return st.wan(Decimal(str(value)))
    return str(value)


def printed(how: str, values: list[Any]) -> str:
    """A value cell as the seed's form has it filled in, each figure on a line of its own
    (a narrow cell would otherwise break 部门（ ） in two)."""
    a, b = [*values, None][:2]
    if how == "pair":
        return f"{_shown(a)}次\n{_shown(b)}万元"
    if how == "stop":
        return f"{_shown(a)}（停产）\n{_shown(b)}（关闭）"
    if how == "levels":
        return "\n".join(f"{level}（{_shown(v) or SPACE}）" for level, v in
                        zip(LEVELS[:len(values)], values, strict=True))
    if how in ("of", "of_wan"):
        unit = "个" if how == "of" else "万元"
        parts = [f"{_shown(a)}{unit}" if a is not None else "",
                 f"其中{_shown(b)}{unit}" if b is not None else ""]
        return "\n".join(p for p in parts if p)
    return _shown(a)


def _cell(value: Any) -> Any:
    """A figure as the workbook's cell: a number (万元 with two decimals) or 是/否."""
    return float(st.wan(Decimal(str(value)))) if isinstance(value, (float, Decimal)) else value


def dispatch(doc: Summary, kept: list[Finding]) -> dict[str, Any]:
    """The four blocks, two items a line as printed, and one line per item for the workbook."""
    figures = {**(doc.dispatch.model_dump() if doc.dispatch else {}), **counted(kept, doc)}
    blocks, items = [], []
    for name, entries in BLOCKS:
        cells = []
        for no, (label, how, keys) in enumerate(entries, 1):
            values = [figures.get(k) for k in keys]
            cells.append({"no": str(no), "label": label, "value": printed(how, values)})
            split = values if how == "levels" else []
            pair = [] if how == "levels" else [_cell(v) for v in values]
            items.append({"block": name, "no": no, "label": label,
                          "values": (pair + [None] * 2)[:2], "levels": (split + [None] * 3)[:3]})
        rows = [{"no1": a["no"], "label1": a["label"], "value1": a["value"],
                 "no2": b["no"], "label2": b["label"], "value2": b["value"]}
                for a, b in zip(cells[::2], cells[1::2], strict=True)]
        blocks.append({"name": name, "rows": rows})
    found = sum(figures[f"{s}_found"] for s in SOURCE_NAMES)
    done = sum(figures[f"{s}_done"] for s in SOURCE_NAMES)
    others = [f"{name}{st.count(kept, category=c)}项" for c, name in CATEGORY_NAMES.items()
              if c != "major_hazard"]
    note = ("注：总体情况各项和部门精准严格执法情况第3、6、7项由统计期内的记录统计，其余为填报数；"
            "总体情况第9项为处理措施含“挂牌督办”的重大事故隐患，与第1至8项有重叠；"
            f"第1、3、5、7项合计{found}个，已完成整改{done}个，整改率{st.rate(found, done)}。"
            f"总体情况只统计重大事故隐患，统计期内另有{'、'.join(others)}未列入。")
    return {"dispatch_blocks": blocks, "dispatch_items": items, "dispatch_note": note}


def warnings(doc: Summary) -> list[str]:
    """What the caller should know before sending the 调度表 (or figures it does not print)."""
    out = []
    if doc.layout == "dispatch" and doc.period_end.day != CUTOFF_DAY:
        out.append(f"调度表按填报说明报送截至当月28日的累计情况，本表统计期止为"
                   f"{cn_date(doc.period_end)}，不是28日")
    if doc.layout != "dispatch" and doc.dispatch is not None:
        out.append("调度表填报数只印在调度表中，本表未列入")
    return out
