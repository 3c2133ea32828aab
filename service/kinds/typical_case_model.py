"""The model of one typical case (seed 000 附件2, seed 001 附件4, 典型案例模板): its seven
sections, shared by the typical-case and bulletin kinds."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from service.kinds.base import MAX_ITEMS, Day, ShortText, Strict, Text
from service.text import clean

# The seven sections of the template, in the template's order, with their printed headings.
SECTIONS: dict[str, str] = {
    "title": "【标题】",
    "keywords": "【关键词】",
    "gist": "【要旨】",
    "facts": "【基本案情】",
    "outcome": "【处理结果】",
    "analysis": "【案例剖析】",
    "recommendations": "【举一反三工作建议】",
}
# The three aspects of 【案例剖析】 as the template words them.
ASPECTS: dict[str, str] = {
    "responsibility": "从落实党政领导责任、部门监管责任、企业主体责任方面",
    "institutions": "从体制机制法制建立完善方面",
    "factors": "从存在的主、客观因素方面",
}
KEYWORDS_MIN, KEYWORDS_MAX = 3, 5
TITLE_HELP = (
    "【标题】应以“案”结尾，格式为“检查主体+违法主体+案”，"
    "例如“县消防救援大队对某企业消防检查案”"
)


def _absent(value: Any) -> bool:
    """True for what counts as a missing section: null, blank text, [] or {} of blanks."""
    if value is None:
        return True
    if isinstance(value, str):
        return not clean(value).strip()
    if isinstance(value, list):
        return all(_absent(v) for v in value)
    if isinstance(value, dict):
        return all(_absent(v) for v in value.values())
    return False


def _present(value: Any) -> Any:
    """Report an empty section as missing, so the message names it: 缺少【要旨】."""
    if _absent(value):
        raise PydanticCustomError("missing", "缺少该部分")
    return value


Section = BeforeValidator(_present)


class Analysis(Strict):
    """【案例剖析】: the three aspects of the template, at least one of them."""

    responsibility: Text | None = Field(
        default=None, title="党政领导责任、部门监管责任、企业主体责任方面",
        description="从落实党政领导责任、部门监管责任、企业主体责任方面",
    )
    institutions: Text | None = Field(
        default=None, title="体制机制法制建立完善方面", description="从体制机制法制建立完善方面"
    )
    factors: Text | None = Field(
        default=None, title="主、客观因素方面", description="从存在的主、客观因素方面"
    )

    @field_validator("responsibility", "institutions", "factors", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        return None if isinstance(value, str) and _absent(value) else value


class TypicalCase(Strict):
    """安全生产典型案例: seven sections in the template's order, plus optional facts."""

    title: Annotated[ShortText, Section] = Field(
        title=SECTIONS["title"], description="“检查主体+违法主体+案”，以“案”结尾"
    )
    keywords: Annotated[list[ShortText], Section] = Field(
        title=SECTIONS["keywords"], description="3至5个不重复的关键词",
        json_schema_extra={"minItems": KEYWORDS_MIN, "maxItems": KEYWORDS_MAX,
                           "uniqueItems": True},
    )
    gist: Annotated[Text, Section] = Field(
        title=SECTIONS["gist"], description="根据法律法规、标准规范和相关规定要求，应当符合的情形"
    )
    facts: Annotated[list[Text], Section] = Field(
        title=SECTIONS["facts"], min_length=1, max_length=MAX_ITEMS,
        description="案件事实及构成重大问题或重大隐患的判定依据，每段一项",
    )
    outcome: Annotated[list[Text], Section] = Field(
        title=SECTIONS["outcome"], min_length=1, max_length=MAX_ITEMS,
        description="责令停产整顿、行政处罚、警示约谈等处理结果，每段一项",
    )
    analysis: Annotated[Analysis, Section] = Field(
        title=SECTIONS["analysis"], description="三个方面至少填写一项"
    )
    recommendations: Annotated[list[Text], Section] = Field(
        title=SECTIONS["recommendations"], min_length=1, max_length=MAX_ITEMS,
        description="按 1. 2. … 编号印出",
    )
    unit: ShortText | None = Field(default=None, title="报送单位")
    reported_on: Day | None = Field(default=None, title="报送日期")
    negative: bool = Field(default=False, title="负面典型案例")
    industry: ShortText | None = Field(default=None, title="行业领域", description="如：煤矿")

    @model_validator(mode="after")
    def _template_rules(self) -> TypicalCase:
        if not self.title.endswith("案"):
            raise PydanticCustomError("title_format", TITLE_HELP, {"field": "title"})
        if not KEYWORDS_MIN <= len(self.keywords) <= KEYWORDS_MAX:
            raise PydanticCustomError(
                "keyword_count", f"关键词应为{KEYWORDS_MIN}至{KEYWORDS_MAX}个",
                {"field": "keywords"},
            )
        repeated = [k for k, n in Counter(self.keywords).items() if n > 1]
        if repeated:
            message = "关键词不能重复：" + "、".join(f"“{k}”" for k in repeated)
            raise PydanticCustomError("keyword_repeated", message, {"field": "keywords"})
        return self
