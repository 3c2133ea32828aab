"""统计表 (summary) — seed 000 附件5 / seed 001 附件2 (周报), seed 002 附件 (工作报表),
seed 004 附件 (调度表, service.kinds.summary_dispatch): the caller sends records, the service
counts them."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.kinds import summary_dispatch
from service.kinds import summary_stats as st
from service.kinds.base import Kind
from service.kinds.summary_model import (
    CATEGORY_NAMES,
    SOURCE_NAMES,
    Finding,
    Measure,
    Summary,
)
from service.kinds.summary_sheets import sheets
from service.text import cn_date
from service.titles import title_lines

WEEKLY_MARK = "（周报）"
FORM_NAMES = {
    "weekly": "非法违法生产经营建设行为、重大事故隐患统计表" + WEEKLY_MARK,  # seed 000 附件5
    "report": "工作报表",
    "dispatch": "进展情况调度表",
}
DEFAULT_CAMPAIGN = "安全生产专项行动"
MEASURES: tuple[str, ...] = Measure.__args__  # type: ignore[attr-defined]
LANDSCAPE_AREA_PT = 225 / 25.4 * 72  # the 版心 width on a turned page
TITLE_PT = 22.0
MAX_LISTED = 20  # record numbers named in a warning
GAP = "\u3000" * 4  # between the items of the header line


def _title(doc: Summary) -> list[dict[str, Any]]:
    if doc.layout == "weekly":
        parts = [doc.campaign, FORM_NAMES["weekly"]] if doc.campaign else [FORM_NAMES["weekly"]]
    else:
        parts = [(doc.campaign or DEFAULT_CAMPAIGN) + FORM_NAMES[doc.layout]]
    # the landscape 版心 holds 29 characters of 2号 type
    return [{"text": text, "tight": tight}
            for text, tight in title_lines(parts, TITLE_PT, LANDSCAPE_AREA_PT)]


def _status(f: Finding, end: date) -> str:
    if st.is_rectified(f, end):
        return "已整改\n" + cn_date(f.rectified_on)  # type: ignore[arg-type]
    return "未整改"


def _handling(f: Finding) -> str:
    lines = [SOURCE_NAMES[f.source], "、".join(f.measures)]
    if f.fine_wan:
        lines.append(f"罚款{st.wan(st.fine(f))}万元")
    return "\n".join(line for line in lines if line)


def weekly(doc: Summary, kept: list[Finding]) -> dict[str, Any]:
    """The 周报 统计表: a totals block, then one row per record (序号 from 1)."""
    end = doc.period_end
    totals = st.by_category(kept, end)
    names = {**CATEGORY_NAMES, st.TOTAL: "合计"}
    return {
        "totals": [
            {"name": names[key], "found": str(t.found), "rectified": str(t.rectified),
             "pending": str(t.pending), "rate": t.rate, "enterprises": str(t.enterprises),
             "escalated": str(t.escalated), "fines": st.wan(t.fines)}
            for key, t in totals.items()
        ],
        "measure_counts": [str(n) for n in st.measure_counts(kept, MEASURES).values()],
        "rows": [
            {"no": str(i), "enterprise": f.enterprise, "checked_by": f.checked_by,
             "escalated": "是" if f.escalated else "否", "township": f.township,
             "industry": f.industry, "category": CATEGORY_NAMES[f.category], "detail": f.detail,
             "nature": f.nature or "", "handling": _handling(f), "status": _status(f, end)}
            for i, f in enumerate(kept, 1)
        ],
    }


def _given(value: int | None) -> str:
    """A figure the caller gives: blank when not given (left to be filled in by hand)."""
    return "" if value is None else str(value)


def report(doc: Summary, kept: list[Finding]) -> dict[str, Any]:
    """The 工作报表: one line per industry and 累计, then the 重大隐患明细. The unit's own
    figures (成立督查组, 违法分包转包挂靠, 劳务派遣) print in the 累计 line, and in the
    industry's line too when all records are of one industry (then that line is the unit's)."""
    end = doc.period_end
    rows = st.industry_rows(kept, end)
    unit_figures = {"inspection_groups": _given(doc.inspection_groups),
                    "subcontracting_cases": _given(doc.subcontracting_cases),
                    "labor_dispatch_cases": _given(doc.labor_dispatch_cases)}
    blank = dict.fromkeys(unit_figures, "")
    lines = []
    for r in rows:
        own = r.industry == st.TOTAL or len(rows) == 2
        lines.append({
            "industry": r.industry, **(unit_figures if own else blank),
            "enterprises": str(r.enterprises),
            "general_found": str(r.general_found), "general_rectified": str(r.general_rectified),
            "major_found": str(r.major_found), "major_rectified": str(r.major_rectified),
            "illegal_found": str(r.illegal_found),
            "deadline_enterprises": str(r.deadline_enterprises), "fines": st.wan(r.fines),
            "suspended_enterprises": str(r.suspended_enterprises),
            "exposed_cases": str(r.exposed_cases),
        })
    majors = [f for f in kept if f.category == "major_hazard"]
    details = []
    for i, f in enumerate(majors, 1):
        text = f.detail + (f"\n整改计划：{f.plan}" if f.plan else "")
        done = st.is_rectified(f, end)
        text += f"\n已于{cn_date(f.rectified_on)}整改销号" if done else "\n尚未整改销号"  # type: ignore[arg-type]
        details.append({"no": str(i), "enterprise": f.enterprise, "township": f.township,
                        "industry": f.industry, "supervised_by": f.supervised_by or "—",
                        "detail": text})
    return {"industry_rows": lines, "major_rows": details}


# The seeds' own notes under the 周报 table, verbatim: seed 000 附件5 and seed 001 附件2.
WEEKLY_SEED_NOTES = (
    "注：本表每周五16时前上报，其中重大隐患明细、非法违法具体行为对照方案中重点打击十四类行为"
    "对照填写。",
    "注：此表随附件1报送。",
)
NOTES = {
    "weekly": "注：整改率＝已整改数÷发现数；统计期末以后整改销号的，按未整改统计；罚款单位为万元。",
    "report": "注：排查企业为统计期内有记录的企业数，同一企业只计一次（累计行亦然）；"
              "责令限期整改企业数、停产整顿数按企业计，公开曝光案例数按记录计；"
              "统计期末以后整改销号的，按未整改统计；成立督查组、查处违法分包转包和挂靠资质"
              "行为数、查处劳务派遣用工违法行为数为本单位填报数，印在累计行。",
    "dispatch": "",
}


def _warnings(doc: Summary, left_out: list[int], kept: list[Finding]) -> list[str]:
    out = []
    if left_out:
        listed = "、".join(str(i + 1) for i in left_out[:MAX_LISTED])
        more = "等" if len(left_out) > MAX_LISTED else ""
        out.append(f"有{len(left_out)}条记录的发现日期不在统计期内，已剔除（第{listed}条{more}）")
    late = st.rectified_late(kept, doc.period_end)
    if late:
        out.append(f"有{late}条记录的整改销号日期晚于统计期末，按未整改统计")
    if not kept:
        out.append("统计期内没有记录，表中各项均为0")
    given = [doc.inspection_groups, doc.subcontracting_cases, doc.labor_dispatch_cases]
    if doc.layout != "report" and any(v is not None for v in given):
        out.append("成立督查组、查处违法分包转包和挂靠资质行为数、查处劳务派遣用工违法行为数"
                   "只印在工作报表中，本表未列入")
    return out


def build(doc: Summary, serial: int | None) -> dict[str, Any]:
    """The printed text of the table(s), ready for both templates; every figure computed."""
    kept, left_out = st.in_period(doc.findings, doc.period_start, doc.period_end)
    period = f"{cn_date(doc.period_start)}至{cn_date(doc.period_end)}"
    context: dict[str, Any] = {
        "draft": serial is None,
        "layout": doc.layout,
        "title_lines": _title(doc),
        "header": [f"填报单位：{doc.unit}{GAP}填表人：{doc.filled_by}{GAP}"
                   f"填表日期：{cn_date(doc.filled_on)}", f"统计期：{period}"],
        "measure_names": list(MEASURES),
        "seed_notes": {"weekly": list(WEEKLY_SEED_NOTES),
                       "dispatch": list(summary_dispatch.SEED_NOTES)}.get(doc.layout, []),
        "note": NOTES[doc.layout],
        "warnings": _warnings(doc, left_out, kept) + summary_dispatch.warnings(doc),
        "totals": [], "measure_counts": [], "rows": [], "industry_rows": [], "major_rows": [],
        "dispatch_blocks": [], "dispatch_items": [], "dispatch_note": "",
        # every record as sent, for the workbook's sheet 记录 (read back by service.imports)
        "records": [f.model_dump(mode="json") for f in doc.findings],
    }
    context.update({"weekly": weekly, "report": report,
                    "dispatch": summary_dispatch.dispatch}[doc.layout](
        doc, kept))
    return context


def _label(doc: Summary) -> str:
    """The register's label (and the file name): the period already says it is a week's."""
    period = f"{cn_date(doc.period_start)}至{cn_date(doc.period_end)}"
    return f"{doc.unit}{period}{_title(doc)[-1]['text'].removesuffix(WEEKLY_MARK)}"


KIND = Kind(
    name="summary",
    title="统计表（周报统计表、工作报表、调度表）",
    short="统计表",
    description="按记录自动统计：非法违法行为和重大事故隐患统计表（周报）、分行业工作报表、"
                "调度表（四个板块，截至当月28日累计；不能由记录统计的各项填报）；"
                "统计期外的记录剔除并提示，统计期末以后整改的按未整改计。",
    model=Summary,
    build=build,
    series=lambda doc: None,
    dated=lambda doc: doc.filled_on,
    label=_label,
    numbered=False,
    sheets=sheets,
)
