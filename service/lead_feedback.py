"""The receiving side's answer to a transfer notice, and what the office does with it: the
feedback (接收日期, 异议 within two days of 交办, 实际反馈日期, 是否属实, 办理结果 in the seeds'
ten categories with amounts, 查处进展情况, 答复情况, the head who signed it), the signed report
as a file, then 销号 (accepted, the lead 已办结), 退回 with a reason, or 提级核查 when overdue.
Every change goes to the audit trail."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from service import audit
from service.errors import Conflict, Invalid, NotFound
from service.kinds.base import Day, ShortText, Strict, Text
from service.leads import OPEN, LeadView, sync, today, view
from service.numbering import write_session
from service.tables import Lead, LeadFile
from service.validation import validate_json

OBJECTION_DAYS = 2
RESULTS = ("违法性质", "停产整顿", "关闭取缔", "行政处罚", "吊销证照", "重大事故隐患整改率",
           "提级核查", "失信企业联合惩戒", "党纪政纪处分", "刑事责任追究")
# what a file must start with to be what its type says
SIGNATURES = {"application/pdf": (b"%PDF-",), "image/png": (b"\x89PNG\r\n\x1a\n",),
              "image/jpeg": (b"\xff\xd8\xff",)}


class Result(Strict):
    """One category of 办理结果, with its amount where one applies (罚款万元, 家数 …)."""

    category: Literal[RESULTS] = Field(title="结果类别")  # type: ignore[valid-type]
    amount: float | None = Field(default=None, ge=0, le=1e9, title="数量",
                                 description="如罚款万元数、停产整顿家数")
    detail: ShortText | None = Field(default=None, title="说明")


class FeedbackIn(Strict):
    """The receiving side's answer to a notice."""

    acknowledged_on: Day = Field(title="接收日期")
    objection: bool = Field(default=False, title="是否有异议")
    objection_reason: ShortText | None = Field(default=None, title="异议理由")
    objected_on: Day | None = Field(default=None, title="提出异议日期",
                                    description="交办后2日内；不填为接收日期")
    feedback_on: Day | None = Field(default=None, title="实际反馈日期")
    substantiated: Literal["属实", "部分属实", "不属实"] | None = Field(
        default=None, title="是否属实")
    results: list[Result] = Field(default_factory=list, max_length=10, title="办理结果")
    progress: Text | None = Field(default=None, title="查处进展情况")
    reply: ShortText | None = Field(default=None, title="答复情况")
    signed_by: ShortText | None = Field(default=None, title="签字负责人")
    concluded: bool = Field(default=False, title="是否办结",
                            description="办结后由交办单位审核销号")

    @model_validator(mode="after")
    def _objection_has_a_reason(self) -> FeedbackIn:
        if self.objection and not self.objection_reason:
            raise PydanticCustomError("objection_reason", "提出异议须写明理由",
                                      {"field": "objection_reason"})
        if self.concluded and (self.feedback_on is None or self.substantiated is None):
            raise PydanticCustomError("concluded_incomplete", "办结须填写实际反馈日期和是否属实",
                                      {"field": "feedback_on"})
        return self


def _lead_of_notice(s: Session, unit: str, document_id: str) -> Lead:
    lead = s.execute(select(Lead).where(Lead.unit == unit, Lead.document_id == document_id)
                     ).scalar_one_or_none()
    if lead is None:
        raise NotFound("本单位没有这份交办书")
    return lead


def record(engine: Engine, unit: str, document_id: str, payload: object) -> LeadView:
    """Record (or replace) the answer to the unit's notice `document_id`."""
    data: FeedbackIn = validate_json(FeedbackIn, payload)  # type: ignore[arg-type]
    sync(engine, unit)
    with write_session(engine) as s:
        lead = _lead_of_notice(s, unit, document_id)
        if lead.status == "closed":
            raise Conflict("这条线索已经销号，反馈不能再改", code="lead_closed")
        objected = data.objected_on or data.acknowledged_on
        if data.objection and lead.transferred_on and (
                objected > lead.transferred_on + timedelta(days=OBJECTION_DAYS)):
            raise Invalid("异议须在交办后2日内提出", code="objection_too_late", fields=[
                {"path": "objection", "message": f"交办日期为{lead.transferred_on}，已过2日"}])
        lead.feedback = data.model_dump_json()
        lead.status = "answered" if data.feedback_on else lead.status
        audit.add(s, unit=unit, action="lead_feedback", target=lead.id,
                  detail={"document": document_id, "concluded": data.concluded,
                          "objection": data.objection})
        s.flush()
        return view(s, lead)


def attach(engine: Engine, unit: str, document_id: str, content: bytes, media_type: str,
           limit: int) -> LeadView:
    """Store the signed report of the answer: a PDF, PNG or JPEG up to `limit` bytes."""
    if media_type not in SIGNATURES:
        raise Invalid("反馈材料应为PDF、PNG或JPEG文件", code="unsupported_file",
                      fields=[{"path": "file", "message": "文件类型不支持"}])
    if not content.startswith(SIGNATURES[media_type]):
        raise Invalid("文件内容与所称类型不符", code="unsupported_file",
                      fields=[{"path": "file", "message": "不是有效的PDF或图片"}])
    if len(content) > limit:
        raise Invalid(f"文件不能超过{limit // (1024 * 1024)}MB", code="file_too_large",
                      fields=[{"path": "file", "message": "文件太大"}])
    sync(engine, unit)
    with write_session(engine) as s:
        lead = _lead_of_notice(s, unit, document_id)
        digest = hashlib.sha256(content).hexdigest()
        s.merge(LeadFile(lead_id=lead.id, media_type=media_type, sha256=digest,
                         size=len(content), content=content))
        audit.add(s, unit=unit, action="lead_file", target=lead.id,
                  detail={"sha256": digest, "size": len(content)})
        s.flush()
        return view(s, lead)


def file_of(engine: Engine, unit: str, lead_id: str) -> LeadFile:
    """The signed report of the unit's lead."""
    with Session(engine) as s:
        found = s.get(LeadFile, lead_id)
        lead = s.get(Lead, lead_id)
        if found is None or lead is None or lead.unit != unit:
            raise NotFound("这条线索没有反馈材料")
        s.expunge(found)
        return found


def _decide(engine: Engine, unit: str, lead_id: str, action: str, reason: str | None,
            actor: str | None, as_of: date | None = None) -> LeadView:
    with write_session(engine) as s:
        lead = s.get(Lead, lead_id)
        if lead is None or lead.unit != unit:
            raise NotFound("本单位没有这条线索")
        feedback = json.loads(lead.feedback) if lead.feedback else {}
        if action == "accept":
            if lead.status != "answered" or not feedback.get("concluded"):
                raise Conflict("只有反馈已办结的线索才能销号", code="lead_not_concluded")
            lead.status, lead.closed_at, lead.closed_by = "closed", datetime.now(UTC), actor
        elif action == "return":
            if lead.status != "answered":
                raise Conflict("只有已反馈的线索才能退回", code="lead_not_answered")
            lead.status, lead.returned_reason = "returned", reason
        else:
            current = view(s, lead)
            if not current.overdue(as_of or today()):
                raise Conflict("只有逾期未反馈的线索才能提级核查", code="lead_not_overdue")
            lead.escalated_at, lead.escalated_reason = datetime.now(UTC), reason
        audit.add(s, unit=unit, action=f"lead_{action}", target=lead.id,
                  detail={"reason": reason} if reason else {}, actor=actor)
        s.flush()
        return view(s, lead)


def accept(engine: Engine, unit: str, lead_id: str, actor: str | None) -> LeadView:
    """销号: the answer says 办结 and the office accepts it; the lead is 已办结."""
    return _decide(engine, unit, lead_id, "accept", None, actor)


def send_back(engine: Engine, unit: str, lead_id: str, reason: str,
              actor: str | None) -> LeadView:
    """退回: the answer is not good enough; the lead waits for a new one."""
    return _decide(engine, unit, lead_id, "return", reason, actor)


def escalate(engine: Engine, unit: str, lead_id: str, reason: str, actor: str | None,
             as_of: date | None = None) -> LeadView:
    """提级核查: an overdue lead is taken up by the office itself."""
    return _decide(engine, unit, lead_id, "escalate", reason, actor, as_of)


__all__ = ["OPEN", "FeedbackIn", "accept", "attach", "escalate", "file_of", "record",
           "send_back"]
