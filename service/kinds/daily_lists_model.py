"""The payload of 集中行动四个清单（日报） (seed 000 附件4): the progress figures that only the
units know, and the records of lists 2–4 (enforcement, accountability, major hazards) from
which the service counts the rest of list 1."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from service.kinds.base import Cleaned, Day, NonBlank, Strict

# Rows of one day's report, in one list and in all of them. A row of long cells takes a
# landscape page, and WeasyPrint lays out about eight such pages a second here: 100 rows
# render well inside the 20 s limit (500 a list took 46 s), and a county's day is far fewer.
MAX_ROWS = 100
MAX_TOTAL = 100
MAX_COUNT = 100_000  # a county's figure for one day; anything larger is a typing error
MAX_FINE_WAN = 1_000_000.0  # 100亿元: anything larger is a typing error


def _one_line(value: str) -> str:
    return " ".join(value.split("\n"))


# A table row is never split over two pages (Word would clip it), so every cell is bounded:
# 150 characters of the 26 mm 整改措施 column take 25 lines at 10.5 pt, 350 of the 442 pt of
# a landscape page, 400 with the repeated header rows. Limits count the value as sent (base.Text).
_OneLine = AfterValidator(_one_line)
Cell = Annotated[str, StringConstraints(max_length=50), Cleaned, NonBlank, _OneLine]  # names
Long = Annotated[str, StringConstraints(max_length=150), Cleaned, NonBlank, _OneLine]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Measure = Literal["党政纪处分", "追究刑事责任"]
# Records name their township or project; list 1 counts them under it (a name not in list 1
# gets a row of its own, its entered figures blank).
PROJECT_HELP = "记录所属的乡镇或项目，与进展清单的单位/项目一致，据此计入进展清单"


class DailyProgress(Strict):
    """进展清单的一行：乡镇或项目填报的、无法由清单2–4统计的各项数字。"""

    name: Cell = Field(title="单位/项目")
    inspection_groups: Count = Field(default=0, title="检查组(个)")
    enterprises: Count = Field(default=0, title="检查企业(家)")
    illegal_cases: Count = Field(default=0, title="非法违法生产经营行为案例")
    exposed: Count = Field(default=0, title="曝光单位(家)")
    typical: Count = Field(default=0, title="典型(详情另报)(个)")


class DailyEnforcement(Strict):
    """执法检查清单中的一家企业及其整改验收情况。"""

    project: Cell = Field(title="所属单位/项目", description=PROJECT_HELP)
    enterprise: Cell = Field(title="企业名称")
    reason: Long = Field(title="原因")
    accepted_on: Day | None = Field(default=None, title="验收时间")
    accepted_by: Cell | None = Field(default=None, title="验收单位")
    status: Long | None = Field(default=None, title="整改情况")
    note: Cell | None = Field(default=None, title="备注")


class DailyFine(DailyEnforcement):
    """行政处罚款中的一项：罚款金额计入进展清单的行政罚款(万)。"""

    amount_wan: float = Field(title="罚款金额（万元）", allow_inf_nan=False, ge=0,
                              le=MAX_FINE_WAN)


class DailyEnforcementLists(Strict):
    """执法检查清单：责令限期整改、行政处罚款、停产整顿、暂扣吊销证照、关闭取缔五类。"""

    deadline: list[DailyEnforcement] = Field(default_factory=list, max_length=MAX_ROWS,
                                        title="责令限期整改")
    fines: list[DailyFine] = Field(default_factory=list, max_length=MAX_ROWS, title="行政处罚款")
    suspensions: list[DailyEnforcement] = Field(default_factory=list, max_length=MAX_ROWS,
                                           title="停产整顿")
    licenses: list[DailyEnforcement] = Field(default_factory=list, max_length=MAX_ROWS,
                                        title="暂扣吊销证照")
    closures: list[DailyEnforcement] = Field(default_factory=list, max_length=MAX_ROWS,
                                        title="关闭取缔")


class DailyPerson(Strict):
    """追责问责清单中的一人。"""

    project: Cell = Field(title="所属单位/项目", description=PROJECT_HELP)
    measure: Measure = Field(title="追责问责情形")
    name: Cell = Field(title="姓名")
    employer: Cell = Field(title="单位")
    position: Cell = Field(title="职务")


class DailyHazard(Strict):
    """重大隐患挂牌督办清单中的一项隐患；验收后整改销号。"""

    project: Cell = Field(title="所属单位/项目", description=PROJECT_HELP)
    checked_by: Cell = Field(title="检查单位")
    industry: Cell = Field(title="行业领域")
    enterprise: Cell = Field(title="被检查对象")
    hazard: Long = Field(title="重大隐患内容")
    measures: Long = Field(title="整改措施")
    deadline: Day = Field(title="整改时限")
    responsible_unit: Cell = Field(title="整改责任单位")
    responsible_person: Cell = Field(title="整改责任人")
    supervisor: Cell = Field(title="挂牌督办单位")
    supervisor_person: Cell = Field(title="挂牌责任人")
    closed_on: Day | None = Field(default=None, title="销号日期",
                                  description="验收销号的日期；未销号不填")
    closed_by: Cell | None = Field(default=None, title="销号验收单位",
                                   description="验收销号的单位；与销号日期一并填写")


class DailyLists(Strict):
    """集中行动四个清单（日报）：进展清单中填报的数字，以及据以统计的清单2–4的记录。"""

    campaign: Cell | None = Field(
        default=None, title="专项行动名称",
        description="印在表名和进展清单名之前（可不填），如：“百日攻坚”")
    unit: Cell = Field(title="填报单位")
    filled_by: Cell = Field(title="填表人")
    filled_on: Day = Field(title="填表日期", json_schema_extra={"x-default": "today"})
    progress: list[DailyProgress] = Field(default_factory=list, max_length=MAX_ROWS,
                                     title="进展清单")
    enforcement: DailyEnforcementLists = Field(default_factory=DailyEnforcementLists,
                                          title="执法检查清单")
    accountability: list[DailyPerson] = Field(default_factory=list, max_length=MAX_ROWS,
                                         title="追责问责清单")
    hazards: list[DailyHazard] = Field(default_factory=list, max_length=MAX_ROWS,
                                  title="重大隐患挂牌督办清单")

    @model_validator(mode="after")
    def _consistent(self) -> DailyLists:
        lists = {"progress": self.progress, "accountability": self.accountability,
                 "hazards": self.hazards, **{f"enforcement.{name}": getattr(self.enforcement, name)
                                             for name in DailyEnforcementLists.model_fields}}
        total = sum(len(rows) for rows in lists.values())
        if total > MAX_TOTAL:
            longest = max(lists, key=lambda name: len(lists[name]))
            raise PydanticCustomError(
                "too_many_rows", "四个清单合计最多{limit}行（本表{count}行），请分多份报送",
                {"field": longest, "limit": MAX_TOTAL, "count": total})
        seen: set[str] = set()
        for i, row in enumerate(self.progress):
            if row.name in seen:
                raise PydanticCustomError("duplicate_row", "单位/项目“{name}”重复，每个只填一行",
                                          {"field": f"progress.{i}.name", "name": row.name})
            seen.add(row.name)
        for block in DailyEnforcementLists.model_fields:
            for i, record in enumerate(getattr(self.enforcement, block)):
                _not_after(record.accepted_on, self.filled_on,
                           f"enforcement.{block}.{i}.accepted_on", "验收时间")
        for i, hazard in enumerate(self.hazards):
            where = f"hazards.{i}"
            if (hazard.closed_on is None) != (hazard.closed_by is None):
                missing = "closed_by" if hazard.closed_by is None else "closed_on"
                raise PydanticCustomError(
                    "closure_incomplete", "整改销号情况：销号日期和销号验收单位应一并填写",
                    {"field": f"{where}.{missing}"})
            _not_after(hazard.closed_on, self.filled_on, f"{where}.closed_on", "销号日期")
        return self


def _not_after(day: date | None, filled_on: date, field: str, name: str) -> None:
    """A day the report tells of cannot be later than the day it is filled in."""
    if day is not None and day > filled_on:
        raise PydanticCustomError("after_filled_on", "{name}不能晚于填表日期",
                                  {"field": field, "name": name})
