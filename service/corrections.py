"""Mistakes corrected in the open: 作废 (void) marks an issued document invalid, with who,
when and why; 更正 (correct) issues the corrected document under a new number and voids the
old one in the same transaction. Numbers are never reused; stored files never change."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from service import issuing
from service.errors import Conflict, NotFound
from service.kinds.base import Cleaned, NonBlank, Strict
from service.register import NotIssued, Record, Register
from service.validation import validate_json

_HAN = re.compile(r"[\u3400-\u9fff]")
STATUS_NAMES = {"void": "已作废", "spoiled": "已作废（生成失败）", "pending": "正在签发"}


def _chinese(value: str) -> str:
    if len(value) < 2 or not _HAN.search(value):
        raise PydanticCustomError("reason_not_chinese", "请用中文写明作废原因（2至200个字）")
    return value


class VoidRequest(Strict):
    """作废: why the document is no longer valid."""

    reason: Annotated[str, StringConstraints(max_length=200), Cleaned, NonBlank,
                      AfterValidator(_chinese)] = Field(
        title="作废原因", description="2至200个字，如：主送单位名称有误")


def _not_issued(err: NotIssued) -> Conflict:
    state = STATUS_NAMES.get(err.status, "不是有效文书")
    return Conflict(f"这份文书{state}，不能再作废或更正", code="not_issued")


def void(register: Register, doc_id: str, payload: bytes | str | dict[str, Any], *,
         unit: str, by: str | None) -> Record:
    """Void one of `unit`'s issued documents; the reason is required."""
    request: VoidRequest = validate_json(VoidRequest, payload)
    try:
        record = register.void(doc_id, unit, request.reason, by)
    except NotIssued as err:
        raise _not_issued(err) from None
    if record is None:
        raise NotFound("没有这份文书")
    return record


def correct(register: Register, doc_id: str, payload: bytes | str | dict[str, Any], *,
            unit: str, by: str | None) -> Record:
    """Issue the corrected document (same kind, new number) and void the old one with it."""
    old = register.get(doc_id, unit)
    if old is None:
        raise NotFound("没有这份文书")
    if old.status != "issued":
        raise _not_issued(NotIssued(old.status))
    try:
        return issuing.issue(register, old.kind, payload, unit=unit, issued_by=by,
                             replaces=old.id, matter=register.matter_of(old.id))
    except NotIssued as err:  # voided by someone else meanwhile
        raise _not_issued(err) from None
