"""安全生产典型案例通报 — the weekly bulletin that collects typical cases (seed 000 (五),
seed 001: cases reported with each weekly progress report), numbered 第N期 per unit and year."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from service.kinds.base import Cleaned, Day, Kind, NonBlank, Series, Strict
from service.kinds.case_context import case_context
from service.kinds.typical_case_model import TypicalCase
from service.text import cn_date
from service.titles import title_lines

FORM_TITLE = "安全生产典型案例通报"
MAX_CASES = 200
# The register's series key is at most 64 characters: "通报:" plus the unit.
UNIT_MAX = 60

ISSUE_MAX = 9999
IssueNo = Annotated[int, Field(ge=1, le=ISSUE_MAX)]
Unit = Annotated[str, StringConstraints(max_length=UNIT_MAX), Cleaned, NonBlank]


class Bulletin(Strict):
    """典型案例通报: one issue (第N期) with every case reported in a period."""

    unit: Unit = Field(
        title="编发单位", description="如：东岭县应急管理局"
    )
    issue_no: IssueNo | None = Field(
        default=None, title="期号", description="不填则由系统按本单位当年顺序编号"
    )
    period_start: Day = Field(title="通报周期起始日期")
    period_end: Day = Field(title="通报周期截止日期")
    issued_on: Day = Field(title="印发日期", description="期号按该日期的年份编排",
                           json_schema_extra={"x-default": "today"})
    cases: list[TypicalCase] = Field(title="典型案例", min_length=1, max_length=MAX_CASES)

    @model_validator(mode="after")
    def _period_in_order(self) -> Bulletin:
        if self.period_end < self.period_start:
            raise PydanticCustomError(
                "period_reversed", "通报周期截止日期不能早于起始日期", {"field": "period_end"}
            )
        return self


def series(doc: Bulletin) -> Series:
    """Issues run per (unit, year): 第1期, 第2期 …; a given issue_no is used as it is. The
    register's number names unit and year, since every unit has its own 第1期."""
    year = doc.issued_on.year
    return Series(key=f"通报:{doc.unit}", year=year,
                  pattern=f"{doc.unit}〔{year}〕第{{serial}}期", fixed=doc.issue_no,
                  maximum=ISSUE_MAX)


def issue_text(number: int | None) -> str:
    """The 期号 as the heading prints it: 第2期 (第　期 in a draft without one)."""
    return f"第{number if number is not None else chr(0x3000)}期"


def period_text(start: date, end: date) -> str:
    """`2022年1月10日至1月16日`: the end date drops the year when it is the same."""
    if start == end:
        return cn_date(start)
    tail = f"{end.month}月{end.day}日" if end.year == start.year else cn_date(end)
    return f"{cn_date(start)}至{tail}"


def _warnings(doc: Bulletin) -> list[str]:
    out = []
    for i, case in enumerate(doc.cases, 1):
        day = case.reported_on
        if day is not None and not doc.period_start <= day <= doc.period_end:
            out.append(f"第{i}个案例的报送日期{cn_date(day)}不在本期通报周期内")
    return out


def build(doc: Bulletin, serial: int | None) -> dict[str, Any]:
    """The printed text of the bulletin: heading, contents and every case."""
    number = serial if serial is not None else doc.issue_no
    return {
        "draft": serial is None,
        "title_lines": [
            {"text": text, "tight": tight} for text, tight in title_lines([FORM_TITLE])
        ],
        "number": issue_text(number),
        "period": f"（{period_text(doc.period_start, doc.period_end)}）",
        "unit": doc.unit,
        "issued_on": cn_date(doc.issued_on),
        "contents_heading": "目\u3000录",
        "contents": [f"{i}. {case.title}" for i, case in enumerate(doc.cases, 1)],
        "cases": [case_context(case) for case in doc.cases],
        "warnings": _warnings(doc),
    }


KIND = Kind(
    name="bulletin",
    title="安全生产典型案例通报",
    short="安全生产典型案例通报",
    description="把一个通报周期内报送的安全生产典型案例编成一期通报（第N期），附目录，"
    "每个案例另起一页。",
    model=Bulletin,
    build=build,
    series=series,
    dated=lambda doc: doc.issued_on,
    label=lambda doc: f"{doc.unit}{FORM_TITLE}（{period_text(doc.period_start, doc.period_end)}）",
    numbered=True,
)
