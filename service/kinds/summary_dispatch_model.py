"""The 调度表's figures no record can give (seed 004): what a clerk enters for the blocks
对企业自查自改进行抽查检查情况, 部门精准严格执法情况 and 组织领导情况. Every figure is
optional: one left out prints blank, to be filled in by hand, as on the seed's form."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from service.kinds.base import Strict

MAX_COUNT = 100_000  # a county's figure for one period; anything larger is a typing error
MAX_WAN = 1_000_000.0  # 100亿元
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Wan = Annotated[float, Field(ge=0, le=MAX_WAN, allow_inf_nan=False)]


class DispatchFigures(Strict):
    """调度表填报数: the figures of seed 004 that the records cannot give."""

    model_config = ConfigDict(json_schema_extra={
        "description": "调度表中不能由记录统计的各项（可不填，不填则留空）；"
                       "县、镇、部门分开填报。"})

    # 对企业自查自改进行抽查检查情况, items 1 to 8
    spot_checked: Count | None = Field(default=None, title="抽查检查的企业总数（家）")
    heads_not_studying: Count | None = Field(
        default=None, title="企业主要负责人未按要求亲自研究排查整治工作（家）")
    heads_not_leading: Count | None = Field(
        default=None, title="企业主要负责人未带队检查（家）")
    no_duty_list: Count | None = Field(
        default=None, title="企业未制定分管负责人职责清单（家）")
    no_safety_staff: Count | None = Field(
        default=None, title="企业未依法建立安全管理机构和配足安全管理人员（家）")
    unlicensed_work: Count | None = Field(
        default=None, title="电焊等特种作业岗位人员无证上岗作业（家）")
    outsourcing: Count | None = Field(default=None, title="外包外租安全管理混乱（家）")
    no_drills: Count | None = Field(
        default=None, title="未按规定开展应急演练、员工不熟悉逃生出口（家）")
    # 部门精准严格执法情况: items 1, 2, 4, 5, 8, 9, 10 (3, 6 and 7 are counted)
    towns_assisted: Count | None = Field(default=None, title="帮扶指导重点镇（个次）")
    enterprises_assisted: Count | None = Field(
        default=None, title="帮扶指导重点企业（家次）")
    double_penalties: Count | None = Field(
        default=None, title="企业和企业主要负责人“一案双罚”（次）")
    referred_persons: Count | None = Field(default=None, title="移送司法机关（人）")
    cases_published: Count | None = Field(default=None, title="公布典型案例（个）")
    dangerous_work_cases: Count | None = Field(
        default=None, title="其中危险作业罪案例（个）")
    persons_accountable: Count | None = Field(
        default=None, title="责任倒查追责问责（人）")
    interviews: Count | None = Field(default=None, title="约谈通报企业（次）")
    # 组织领导情况: items 1 to 3 and 7 split by 县、镇、部门 as the seed's cells are
    study_county: Count | None = Field(
        default=None, title="专题学习十五条硬措施：县（次）")
    study_town: Count | None = Field(
        default=None, title="专题学习十五条硬措施：镇（次）")
    study_department: Count | None = Field(
        default=None, title="专题学习十五条硬措施：部门（次）")
    research_county: Count | None = Field(
        default=None, title="股室负责人专题研究：县（次）")
    research_town: Count | None = Field(
        default=None, title="股室负责人专题研究：镇（次）")
    research_department: Count | None = Field(
        default=None, title="股室负责人专题研究：部门（次）")
    visits_county: Count | None = Field(
        default=None, title="领导小组负责同志现场督导检查：县（次）")
    visits_town: Count | None = Field(
        default=None, title="领导小组负责同志现场督导检查：镇（次）")
    visits_department: Count | None = Field(
        default=None, title="领导小组负责同志现场督导检查：部门（次）")
    briefings: Count | None = Field(
        default=None, title="分管领导分别到企业宣讲（次）")
    reward_wan: Wan | None = Field(default=None, title="举报奖励（万元）")
    anonymous_reward_wan: Wan | None = Field(
        default=None, title="其中匿名举报查实奖励（万元）")
    media_column: Literal["是", "否"] | None = Field(
        default=None, title="是否在本级主流媒体播放安全生产专题栏目")
    inspectors_county: Count | None = Field(
        default=None, title="配备专兼职技术检查员：县（人）")
    inspectors_town: Count | None = Field(
        default=None, title="配备专兼职技术检查员：镇（人）")
    assessments: Count | None = Field(
        default=None, title="组织开展考核巡查督导检查（次）")

    @model_validator(mode="after")
    def _parts_within_wholes(self) -> DispatchFigures:
        # "其中" is a part of the figure before it: a larger part is a typing error
        for part, whole, message in (
                ("dangerous_work_cases", "cases_published",
                 "其中危险作业罪案例数不能大于公布典型案例数"),
                ("anonymous_reward_wan", "reward_wan", "其中匿名举报查实奖励不能大于举报奖励")):
            value, total = getattr(self, part), getattr(self, whole)
            if value is not None and total is not None and value > total:
                raise PydanticCustomError("part_exceeds_whole", message, {"field": part})
        return self
