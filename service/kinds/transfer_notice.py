"""督查检查或群众举报事项交办（移送）书 — seed 000 附件3, seed 001 附件5."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator
from pydantic_core import PydanticCustomError

from service.kinds.base import MAX_ITEMS, Day, Kind, Person, Series, ShortText, Strict, Text
from service.text import cn_date, text_width_em
from service.titles import title_lines

FORM_TITLE = "督查检查或群众举报事项交办（移送）书"
CLOSING = "本文书一式两份：一份由交办部门备案，一份交移送单位。"
PRONOUN = {"enterprise": "你单位", "office": "你股室", "government": "你政府"}
FEEDBACK_DAYS = 7  # the seeds' rule: feedback within 7 days of the notice

# The 代字 prints inside the number: no spaces, brackets, controls or invisible characters.
Code = Annotated[str, StringConstraints(
    min_length=1, max_length=6,
    pattern="^[^\\s（）()〔〕\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]+$",
)]


LeadId = Annotated[str, StringConstraints(pattern="^[0-9a-f]{32}$")]


class TransferNotice(Strict):
    """交办（移送）书: a reported or inspected matter handed to a unit for handling."""

    campaign: ShortText = Field(
        title="专项行动名称",
        description="印在标题中，如：安全生产领域风险隐患大排查大整治“百日攻坚”",
    )
    code: Code = Field(title="文号代字", description="文号（煤）移〔2022〕1号中的“煤”，1至6个字")
    recipient: ShortText = Field(title="主送单位", description="企业、股室或政府")
    recipient_kind: Literal["enterprise", "office", "government"] = Field(
        title="主送单位类别",
        description="决定正文称“你单位”“你股室”还是“你政府”",
        json_schema_extra={"x-labels": {"enterprise": "企业（你单位）", "office": "股室（你股室）",
                                        "government": "政府（你政府）"}},
    )
    received_on: Day = Field(title="接报日期")
    received_by: ShortText = Field(title="接报机构", description="如：局专项行动办公室")
    source: Literal["report", "inspection"] = Field(
        title="线索来源",
        json_schema_extra={"x-labels": {"report": "群众举报", "inspection": "督查检查中发现"}},
    )
    subject: ShortText = Field(title="涉及单位或个人")
    allegation: Text = Field(title="涉嫌问题", description="如：涉嫌瞒报亡人事故")
    basis: Text = Field(
        title="依据文件",
        description="实施方案通知的全称；正文中先引全称，再称《通知》，内层书名号改为〈〉",
    )
    measures: ShortText = Field(default="七项措施", title="处理措施")
    feedback_due: Day | None = Field(
        default=None, title="反馈期限", description="不填则为成文日期后7日",
        json_schema_extra={"x-default": {"from": "issued_on", "days": FEEDBACK_DAYS}},
    )
    supervisor: Person = Field(title="督办人")
    handler: Person = Field(title="承办人")
    attachments: list[Text] = Field(title="有关材料", max_length=MAX_ITEMS)
    issuer: ShortText = Field(title="交办单位（代章）")
    issued_on: Day = Field(title="成文日期", description="文号的年份取成文日期的年份",
                           json_schema_extra={"x-default": "today"})
    cc: list[ShortText] = Field(default_factory=list, title="抄送", max_length=MAX_ITEMS)
    lead: LeadId | None = Field(
        default=None, title="线索",
        description="由已登记的线索交办时填该线索的id，交办书随即记入该线索；不填则按本交办书"
                    "新建一条线索。不印在交办书上",
        json_schema_extra={"x-widget": "hidden"})

    @field_validator("basis")
    @classmethod
    def _strip_book_marks(cls, value: str) -> str:
        # The body adds 《》 itself; a title sent with them must not print as 《《…》》.
        if value.startswith("《") and value.endswith("》") and len(value) > 2:
            value = value[1:-1]
        # Title marks inside 《》 become 〈〉 (GB/T 15834-2011 4.15).
        return value.replace("《", "〈").replace("》", "〉")

    @model_validator(mode="after")
    def _dates_in_order(self) -> TransferNotice:
        if self.received_on > self.issued_on:
            raise PydanticCustomError(
                "received_after_issue", "接报日期不能晚于成文日期", {"field": "received_on"}
            )
        if self.feedback_due is not None and self.feedback_due < self.issued_on:
            raise PydanticCustomError(
                "feedback_before_issue", "反馈期限不能早于成文日期", {"field": "feedback_due"}
            )
        return self

    def feedback_date(self) -> date:
        """The feedback deadline: as given, or seven days after the notice."""
        return self.feedback_due or self.issued_on + timedelta(days=FEEDBACK_DAYS)


def series(doc: TransferNotice) -> Series:
    """Notices are numbered per (代字, year): （煤）移〔2022〕1号."""
    year = doc.issued_on.year
    pattern = f"（{doc.code}）移〔{year}〕{{serial}}号"
    return Series(key=f"移:{doc.code}", year=year, pattern=pattern)


def _contact(role: str, person: Person) -> str:
    """`督办人：姓名  联系方式：电话`; without a phone the label still prints and the rest of
    the line is left blank to be written in by hand, as on the seeds' paper form."""
    return f"{role}：{person.name}\u3000\u3000联系方式：{person.phone or ''}"


def signature_indents(issuer: str, dated: str) -> tuple[float, float]:
    """Right indents (em): the date always 4 characters in (GB/T 9704 7.3.5.1), the issuer
    centred over it, or flush right where it is too long to centre."""
    w_issuer, w_date = text_width_em(issuer), text_width_em(dated)
    return round(max(0.0, 4 + (w_date - w_issuer) / 2), 2), 4.0


def build(doc: TransferNotice, serial: int | None) -> dict[str, Any]:
    """The printed text of the notice, ready for both templates."""
    if doc.source == "report":
        found = f"{doc.received_by}接到群众关于{doc.subject}{doc.allegation}的举报"
    else:
        found = f"{doc.received_by}在督查检查中发现{doc.subject}{doc.allegation}的问题"
    body = (
        f"{cn_date(doc.received_on)}，{found}，根据《{doc.basis}》（以下简称《通知》）要求，"
        f"现将该事项移交{PRONOUN[doc.recipient_kind]}，按照《通知》中明确的“{doc.measures}”，"
        f"认真核查办理，并将办理情况于{cn_date(doc.feedback_date())}前反馈我办。"
        "如存在未如期办结的、“接而不办”或虚假办结的，我办将提级核查，从严追责问责。"
    )
    items = [f"{i}. {text}" for i, text in enumerate(doc.attachments, 1)]
    items = [t + ("；" if i < len(items) - 1 else "") for i, t in enumerate(items)]
    issuer = doc.issuer if doc.issuer.endswith("（代章）") else f"{doc.issuer}（代章）"
    dated = cn_date(doc.issued_on)
    issuer_right, date_right = signature_indents(issuer, dated)
    return {
        "draft": serial is None,
        "title_lines": [
            {"text": text, "tight": tight}
            for text, tight in title_lines([doc.campaign, FORM_TITLE])
        ],
        "number": series(doc).text(serial),
        "recipient": f"{doc.recipient}：",
        "body": body,
        "contacts": [_contact("督办人", doc.supervisor), _contact("承办人", doc.handler)],
        "attachments_lead": "附该事项有关材料：",
        "attachments_first": items[0] if items else "",
        "attachments_rest": items[1:],
        "issuer": issuer,
        "issued_on": dated,
        "issuer_right": issuer_right,
        "date_right": date_right,
        "closing": CLOSING,
        "cc": "，".join(doc.cc) + "。" if doc.cc else "",
    }


KIND = Kind(
    name="transfer-notice",
    title="督查检查或群众举报事项交办（移送）书",
    short="交办（移送）书",
    description="把群众举报或督查检查发现的问题线索编号交办给企业、股室或政府，限期反馈办理情况。",
    model=TransferNotice,
    build=build,
    series=series,
    dated=lambda doc: doc.issued_on,
    label=lambda doc: f"{doc.recipient}：{doc.subject}{doc.allegation}",
    numbered=True,
)
