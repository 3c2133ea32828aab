"""The payload of the statistics tables (summary): the header and the records they count."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator
from pydantic_core import PydanticCustomError

from service.kinds.base import SHORT_TEXT, Cleaned, Day, NonBlank, Strict
from service.kinds.summary_dispatch_model import DispatchFigures

MAX_FINDINGS = 5000  # a county's whole campaign fits; a runaway client does not
# Tables that print one row per record stop at 1000 rows (~190 landscape pages, ~17 s of
# PDF rendering here): more belongs in the aggregated forms or in separate periods.
MAX_ROWS = 1000
MAX_FINE_WAN = 1_000_000.0  # 100亿元: anything larger is a typing error
# A table row must fit on one landscape page (it is never split: Word would clip it), so the
# free-text cells are bounded: 250 characters in at most 6 lines take 25 lines of the 52 mm
# 明细 column at 10.5 pt (350 pt of the 442 pt page, header row included: 406 pt); names
# print on one line.
DETAIL_CHARS, DETAIL_LINES = 250, 6
PLAN_CHARS, PLAN_LINES = 200, 4


def _one_line(value: str) -> str:
    return " ".join(value.split("\n"))


def _lines_at_most(limit: int):  # type: ignore[no-untyped-def]
    def check(value: str) -> str:
        if value.count("\n") >= limit:
            raise PydanticCustomError("too_many_lines", "不能超过{limit}行", {"limit": limit})
        return value

    return check


# Limits count the value as sent (see base.Text); each type spells its own out.
_OneLine = AfterValidator(_one_line)
OneLine = Annotated[str, StringConstraints(max_length=SHORT_TEXT), Cleaned, NonBlank, _OneLine]
Long = Annotated[str, StringConstraints(max_length=100), Cleaned, NonBlank, _OneLine]  # names
Mid = Annotated[str, StringConstraints(max_length=50), Cleaned, NonBlank, _OneLine]
Brief = Annotated[str, StringConstraints(max_length=30), Cleaned, NonBlank, _OneLine]  # a township
Detail = Annotated[str, StringConstraints(max_length=DETAIL_CHARS), Cleaned, NonBlank,
                   AfterValidator(_lines_at_most(DETAIL_LINES))]
Plan = Annotated[str, StringConstraints(max_length=PLAN_CHARS), Cleaned, NonBlank,
                 AfterValidator(_lines_at_most(PLAN_LINES))]

MAX_COUNT = 100_000  # a county's figure for one period; anything larger is a typing error
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]

Category = Literal["major_hazard", "general_hazard", "illegal_act"]
Source = Literal["self_check", "inspection", "report", "assigned"]
Layout = Literal["weekly", "report", "dispatch"]
# 处理措施 in the order of the seeds' 【处理结果】 list (seed 000 附件2) and the 七项措施.
Measure = Literal[
    "责令限期整改", "行政处罚", "责令停产整顿", "暂扣吊销证照", "关闭取缔", "警示约谈",
    "联合惩戒", "公开曝光", "问责处理", "挂牌督办", "移送司法机关",
]
# In the order the tables print them: the 周报 is about illegal acts and major hazards.
CATEGORY_NAMES: dict[str, str] = {
    "illegal_act": "非法违法行为", "major_hazard": "重大事故隐患", "general_hazard": "一般隐患",
}
SOURCE_NAMES: dict[str, str] = {
    "self_check": "企业自查", "inspection": "执法检查", "report": "群众举报",
    "assigned": "上级交办",
}


class Finding(Strict):
    """One hazard or illegal act found: a row of the 周报 统计表."""

    enterprise: Long = Field(title="生产经营建设单位名称",
                                  description="生产经营建设单位名称/非法业主名称")
    found_on: Day = Field(title="发现日期",
                          description="发现日期不在统计期内的记录不计入，并给出提示")
    township: Brief = Field(title="所在乡镇")
    industry: Brief = Field(title="企业类别",
                                description="企业类别/行业领域，如：煤矿、非煤矿山、危险化学品")
    category: Category = Field(
        title="问题类型",
        json_schema_extra={"x-labels": {"major_hazard": "重大事故隐患",
                                        "general_hazard": "一般隐患",
                                        "illegal_act": "非法违法行为"}},
    )
    detail: Detail = Field(title="明细",
                         description="重大事故隐患/具体非法违法行为明细")
    source: Source = Field(
        title="信息来源",
        json_schema_extra={"x-labels": {"self_check": "企业自查", "inspection": "执法检查",
                                        "report": "群众举报", "assigned": "上级交办"}},
    )
    checked_by: Mid = Field(title="核查单位")
    escalated: bool = Field(title="是否提级核查")
    nature: Mid | None = Field(default=None, title="违法性质")
    measures: list[Measure] = Field(default_factory=list, title="处理措施", max_length=11)
    fine_wan: float | None = Field(
        default=None, title="罚款（万元）", allow_inf_nan=False,
        json_schema_extra={"minimum": 0, "maximum": MAX_FINE_WAN},
    )
    rectified_on: Day | None = Field(
        default=None, title="整改销号日期",
        description="整改验收销号的日期；晚于统计期止的按未整改统计",
    )
    supervised_by: Mid | None = Field(
        default=None, title="挂牌督办单位",
        description="对该重大隐患挂牌督办的政府或部门（可不填）",
    )
    plan: Plan | None = Field(default=None, title="整改计划",
                              description="整改措施及时限，印在重大隐患明细中（可不填）")

    @field_validator("measures")
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))  # a measure named twice is still one measure

    @field_validator("fine_wan")
    @classmethod
    def _fine_in_range(cls, value: float | None) -> float | None:
        if value is not None and value < 0:
            raise PydanticCustomError("negative_fine", "罚款金额不能为负数")
        if value is not None and value > MAX_FINE_WAN:
            raise PydanticCustomError("fine_too_large", "罚款金额超出合理范围（万元），请核对单位")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Finding:
        if self.rectified_on is not None and self.rectified_on < self.found_on:
            raise PydanticCustomError(
                "rectified_before_found", "整改销号日期不能早于发现日期", {"field": "rectified_on"}
            )
        if self.fine_wan and "行政处罚" not in self.measures:
            raise PydanticCustomError(
                "fine_without_penalty", "有罚款金额时，处理措施应包含“行政处罚”",
                {"field": "fine_wan"},
            )
        return self


class Summary(Strict):
    """统计表: the service counts the records; the caller never sends totals."""

    layout: Layout = Field(
        default="weekly", title="表式",
        json_schema_extra={"x-labels": {"weekly": "统计表（周报）", "report": "工作报表",
                                        "dispatch": "调度表"}},
    )
    campaign: Long | None = Field(
        default=None, title="专项行动名称",
        description="印在表名之前（可不填），如：安全生产“百日攻坚”冬季行动",
    )
    unit: Long = Field(title="填报单位")
    filled_by: Mid = Field(title="填表人")
    filled_on: Day = Field(title="填表日期", json_schema_extra={"x-default": "today"})
    period_start: Day = Field(title="统计期起")
    period_end: Day = Field(title="统计期止")
    # 工作报表 (seed 002) columns the records cannot yield: the unit's own figures for the
    # period, printed in its 累计 line; left out, the cell stays blank to be filled in by hand.
    inspection_groups: Count | None = Field(
        default=None, title="成立督查组（个）",
        description="工作报表：本单位统计期内成立的督查组数（可不填，不填则留空）",
    )
    subcontracting_cases: Count | None = Field(
        default=None, title="查处违法分包转包和挂靠资质行为数（家）",
        description="工作报表：查处违法分包、转包和挂靠资质行为的单位数（可不填，不填则留空）",
    )
    labor_dispatch_cases: Count | None = Field(
        default=None, title="查处劳务派遣用工违法行为数（个）",
        description="工作报表：查处劳务派遣用工违法行为数（可不填，不填则留空）",
    )
    # 调度表 (seed 004): the figures of its blocks no record can give; left out, blank.
    dispatch: DispatchFigures | None = Field(default=None, title="调度表填报数")
    findings: list[Finding] = Field(title="问题记录", max_length=MAX_FINDINGS)

    @model_validator(mode="after")
    def _period_in_order(self) -> Summary:
        if self.period_end < self.period_start:
            raise PydanticCustomError(
                "period_reversed", "统计期止不能早于统计期起", {"field": "period_end"}
            )
        if self.layout == "weekly" and len(self.findings) > MAX_ROWS:
            raise PydanticCustomError(
                "too_many_rows", "统计表（周报）逐条列出记录，最多{max}条；"
                "记录更多时请按较短的统计期分别填报，或改用工作报表（report）",
                {"field": "findings", "max": MAX_ROWS},
            )
        majors = sum(1 for f in self.findings if f.category == "major_hazard")
        if self.layout == "report" and majors > MAX_ROWS:
            raise PydanticCustomError(
                "too_many_rows", "工作报表的重大隐患明细最多{max}条；请按较短的统计期分别填报",
                {"field": "findings", "max": MAX_ROWS},
            )
        return self
