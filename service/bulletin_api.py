"""The bulletin's cases over the API: the unit's issued typical cases of a period (or by id)
with their stored payloads, to put into a bulletin's `cases` as they are. The bulletin's
own payload is unchanged: this only reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from pydantic import BaseModel, ConfigDict, Field

from service import bulletin_cases
from service.db import get_register
from service.errors import Invalid
from service.gate.login import current_unit

bp = Blueprint("bulletin_api", __name__, url_prefix="/api/v1/bulletins")
PARAMETERS = {"q", "week", "from", "to", "id", "limit"}
TYPICAL_CASE = "#/components/schemas/TypicalCase"


def _typical_case(schema: dict[str, Any]) -> None:
    """The payload is exactly a typical case's data: say so by reference (in allOf, which
    pydantic leaves alone; a bare $ref it would try to resolve among its own models)."""
    schema.clear()
    schema.update({"allOf": [{"$ref": TYPICAL_CASE}], "title": "案例数据",
                   "description": "可原样放入通报的cases"})


class BulletinCase(BaseModel):
    """One issued typical case of the caller's unit, with its payload."""

    # The contract's descriptions are Chinese (tests/test_openapi_contract.py)
    model_config = ConfigDict(
        json_schema_extra={"description": "本单位已签发的一个典型案例及其数据"})

    id: str = Field(title="文书id")
    title: str = Field(title="标题")
    day: date = Field(title="所属日期", description="报送日期；没有报送日期的为签发日期")
    reported_by: str | None = Field(title="报送单位")
    issued_at: datetime = Field(title="签发时间")
    replaces: str | None = Field(title="更正的是", description="此案例更正了的原案例的id")
    document: str = Field(title="登记信息的地址")
    data: dict[str, Any] = Field(json_schema_extra=_typical_case)


class BulletinCaseList(BaseModel):
    """The unit's typical cases found for a bulletin, oldest first."""

    model_config = ConfigDict(json_schema_extra={"description": "编发通报用的典型案例，从早到晚"})
    cases: list[BulletinCase] = Field(title="典型案例")
    total: int = Field(title="找到的总数", description="多于limit时只列出前limit个")
    period_start: date | None = Field(title="查找的起始日期")
    period_end: date | None = Field(title="查找的截止日期")


MODELS: dict[str, tuple[type[BaseModel], str]] = {"BulletinCaseList": (BulletinCaseList,
                                                                       "serialization")}


def _limit() -> int:
    top = bulletin_cases.LIMIT
    raw = request.args.get("limit", str(top))
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= top:
        raise Invalid(f"参数limit应为1至{top}之间的整数",
                      fields=[{"path": "limit", "message": f"应为1至{top}之间的整数"}])
    return int(raw)


@bp.get("/cases")
def cases() -> Response:
    """The unit's valid typical cases by text and period, or the ones named by id."""
    unknown = sorted(set(request.args) - PARAMETERS)
    if unknown:  # a misspelt parameter is an error, as everywhere in the API
        raise Invalid(f"不认识的查询参数：{'、'.join(unknown)}",
                      fields=[{"path": name, "message": "不认识的查询参数"} for name in unknown])
    args = request.args
    for name in ("week", "from", "to", "q"):  # given but empty is not leaving it out
        if name in args and not args[name].strip():
            raise Invalid(f"参数{name}不能为空", fields=[{"path": name, "message": "不能为空"}])
    start, end = bulletin_cases.period(args.get("week", ""), args.get("from", ""),
                                       args.get("to", ""))
    limit, q = _limit(), args.get("q", "")
    if len(q) > 200:
        raise Invalid("查找内容不能超过200个字符",
                      fields=[{"path": "q", "message": "不能超过200个字符"}])
    register, unit = get_register(), current_unit()
    if ids := args.getlist("id"):
        found = bulletin_cases.take(register, unit, ids)  # another unit's id: 404
        total = len(found)
    else:
        found, total = bulletin_cases.find(register, unit, q=q, start=start, end=end,
                                           limit=limit)
    out = BulletinCaseList(period_start=start, period_end=end, total=total, cases=[BulletinCase(
        id=c.id, title=c.title, day=c.day, reported_by=c.reported_by, issued_at=c.issued_at,
        replaces=c.replaces, document=url_for("api.document", doc_id=c.id), data=c.data)
        for c in found])
    return jsonify(out.model_dump(mode="json"))
