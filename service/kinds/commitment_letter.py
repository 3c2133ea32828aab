"""承诺书 — the “三级”承诺制 of seed 001 六（四）and 七（三）, seed 003 三（二）."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from service.kinds.base import MAX_ITEMS, Day, Kind, Name, ShortText, Strict, Text
from service.text import cn_date, text_width_em
from service.titles import title_lines
from service.workdays import fallback_warning, last_workday

DEADLINE_HOUR = 15  # seed 001: 每月最后一个工作日15时前
TYPE_AREA_EM = 156 / 25.4 * 72 / 16  # 版心 width in 3号 characters (27.6)
PRINCIPAL, SEAL = "主要负责人（签字）：", "承诺单位（盖章）："  # a wrapped line hangs after them


@dataclass(frozen=True)
class Level:
    """How one level of the “三级”承诺制 speaks of itself and what it pledges."""

    scope: str  # 本企业 / 本辖区
    unit_word: str  # 本企业 / 本单位, in the acknowledgement
    hazards: str  # standard commitment 1
    illegal: str  # standard commitment 2


LEVELS: dict[str, Level] = {
    "enterprise": Level(
        scope="本企业", unit_word="本企业",
        hazards="本企业隐患排查到位。已对生产经营场所、设施设备和作业环节全面开展自查自改，"
        "排查出的事故隐患均已登记建档，落实整改措施、责任、资金、时限和预案。",
        illegal="本企业不存在非法违法生产经营建设行为，不存在无证照或证照过期、"
        "超范围生产经营、擅自建设投用等行为。",
    ),
    "township": Level(
        scope="本辖区", unit_word="本单位",
        hazards="本辖区隐患排查到位。已督促企业全面自查自改并逐一检查，"
        "发现的事故隐患均已登记建档、跟踪督办。",
        illegal="本辖区不存在非法企业（窝点）。已对辖区拉网式排查，发现的非法违法行为均已依法查处。",
    ),
    "county": Level(
        scope="本辖区", unit_word="本单位",
        hazards="本辖区隐患排查到位。已组织各监管所和企业逐级排查、逐级承诺，"
        "发现的隐患均已登记建档、跟踪督办。",
        illegal="本辖区不存在非法企业（窝点）。已组织对辖区拉网式排查，"
        "发现的非法违法行为均已依法查处、关闭取缔。",
    ),
}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_ENDS = "。；！？!?"  # a sentence that ends so (perhaps inside ” or ）) needs no 。


MONTH_PATTERN = (r"^(1949-1[0-2]|19[5-9]\d-(0[1-9]|1[0-2])|20\d\d-(0[1-9]|1[0-2])"
                 r"|2100-(0[1-9]|1[0-2]))$")


def _real_month(value: str) -> str:
    match = _MONTH.match(value)
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        raise PydanticCustomError(
            "period_invalid", "应为真实的年月，格式YYYY-MM，例如2022-01"
        )
    if not "1949-10" <= value <= "2100-12":  # the dates' range (base.Day)
        raise PydanticCustomError("period_out_of_range", "应在1949年10月至2100年12月之间")
    return value


Month = Annotated[
    str,
    Field(json_schema_extra={"pattern": MONTH_PATTERN, "examples": ["2022-01"],
                             "format": "month"}),
    AfterValidator(_real_month),
]


class Principal(Strict):
    """The 主要负责人 who signs the letter."""

    name: Name = Field(title="姓名")
    title: Name = Field(title="职务", description="如：局长、所长、总经理")


class CommitmentLetter(Strict):
    """承诺书: a unit's principal pledges, month by month, that hazards are investigated and
    no illegal enterprise (or, for an enterprise, no illegal production) exists."""

    level: Literal["enterprise", "township", "county"] = Field(
        title="承诺层级",
        description="决定承诺的措辞：企业承诺本企业，监管所和县局承诺本辖区",
        json_schema_extra={"x-labels": {"enterprise": "企业", "township": "乡（镇、街道）监管所",
                                        "county": "县（市、区）局"}},
    )
    unit: ShortText = Field(title="承诺单位")
    jurisdiction: ShortText | None = Field(
        default=None, title="辖区范围",
        description="开头“本辖区（…）”中的说明，仅监管所和县局填写，如：全县14个乡镇",
    )
    principal: Principal = Field(title="主要负责人")
    period: Month = Field(
        title="承诺月份", description="承诺所涉月份；报送截止时间为该月最后一个工作日15时"
    )
    addressee: ShortText = Field(title="报送机关", description="如：市局“百日攻坚”办公室")
    commitments: list[Text] = Field(
        default_factory=list, title="其他承诺事项", max_length=MAX_ITEMS,
        description="在两项标准承诺之后接续编号",
    )
    signed_on: Day = Field(title="签署日期", json_schema_extra={"x-default": "today"})
    campaign: ShortText = Field(
        default="“百日攻坚”集中行动", title="专项行动名称", description="印在标题中"
    )

    @model_validator(mode="after")
    def _jurisdiction_needs_a_region(self) -> CommitmentLetter:
        if self.level == "enterprise" and self.jurisdiction is not None:
            raise PydanticCustomError(
                "jurisdiction_for_enterprise",
                "企业承诺书不填写辖区范围（仅乡镇监管所和县局承诺书使用）",
                {"field": "jurisdiction"},
            )
        return self

    def month(self) -> tuple[int, int]:
        """The period as (year, month)."""
        year, month = self.period.split("-")
        return int(year), int(month)


def _sentence(text: str) -> str:
    return text if text.rstrip("”’）)」").endswith(tuple(_ENDS)) else text + "。"


def build(doc: CommitmentLetter, serial: int | None) -> dict[str, Any]:
    """The printed text of the letter, ready for both templates."""
    level = LEVELS[doc.level]
    year, month = doc.month()
    period = f"{year}年{month}月"
    due = last_workday(year, month)
    warnings = [] if due.official else [fallback_warning(year)]
    deadline = f"{cn_date(due.day)}{DEADLINE_HOUR}时"
    if doc.signed_on > due.day:
        warnings.append(f"签署日期{cn_date(doc.signed_on)}晚于报送截止时间{deadline}，请核对")
    scope = level.scope
    if doc.jurisdiction:
        scope += f"（{doc.jurisdiction}）"
    opening = (
        f"本人作为{doc.unit}主要负责人，按照{doc.campaign}“三级”承诺制要求，"
        f"对{scope}{period}有关情况郑重承诺如下："
    )
    items = [level.hazards, level.illegal, *(_sentence(c) for c in doc.commitments)]
    addressee = doc.addressee.rstrip("：:")
    principal = f"{PRINCIPAL}{doc.principal.name}（{doc.principal.title}）"
    unit = f"{SEAL}{doc.unit}"
    unit_hang = text_width_em(SEAL)
    widest = max(text_width_em(principal), text_width_em(unit))
    if widest > TYPE_AREA_EM:
        # A unit's name is never broken in the seal block: too long to follow its label,
        # it goes whole onto the next line, as far right as it needs to fit.
        unit = f"{SEAL}\n{doc.unit}"
        unit_hang = max(0.0, min(unit_hang, TYPE_AREA_EM - text_width_em(doc.unit)))
        widest = TYPE_AREA_EM
    return {
        "draft": False,  # not numbered: a preview and the issued letter are built alike
        "title_lines": [
            {"text": text, "tight": tight}
            for text, tight in title_lines([doc.unit, f"关于{doc.campaign}的承诺书"])
        ],
        "period": f"（{period}）",
        "addressee": f"{addressee}：",
        "opening": opening,
        "items": [f"{i}.{text}" for i, text in enumerate(items, 1)],
        "pledge": "本人对上述承诺的真实性负责。对于虚假承诺、承诺事项未兑现的，"
        f"本人及{level.unit_word}愿依法依规接受追溯问责。",
        "sign_principal": principal,
        "sign_unit": unit,
        "sign_left": max(0.0, float(int(TYPE_AREA_EM - 2 - widest))),
        "principal_hang": text_width_em(PRINCIPAL),
        "unit_hang": unit_hang,
        "signed_on": cn_date(doc.signed_on),
        "deadline": deadline,
        "deadline_note": f"（本承诺书须于{deadline}前报送{addressee}）",
        "warnings": warnings,
    }


def _dated(doc: CommitmentLetter) -> date:
    return doc.signed_on


def _label(doc: CommitmentLetter) -> str:
    year, month = doc.month()
    return f"{doc.unit}{year}年{month}月"


KIND = Kind(
    name="commitment-letter",
    title="承诺书",
    short="承诺书",
    description="企业、乡（镇、街道）监管所、县（市、区）局主要负责人按月对隐患排查到位、"
    "不存在非法企业（窝点）或非法违法生产经营建设行为作出的承诺，每月最后一个工作日15时前报送。",
    model=CommitmentLetter,
    build=build,
    series=lambda doc: None,
    dated=_dated,
    label=_label,
)
