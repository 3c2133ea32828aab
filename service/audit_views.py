"""The audit trail for a unit's admins: `GET /api/v1/audit` and the page 操作记录 (/audit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from pydantic import BaseModel

from service import audit
from service.db import get_register
from service.errors import Forbidden, Invalid
from service.gate.login import current_principal

bp = Blueprint("audit", __name__)
PAGE = 50


class AuditEntry(BaseModel):
    """One audit entry."""

    seq: int
    at: datetime
    actor: str | None
    action: str
    target: str | None
    detail: dict[str, Any]
    address: str | None


class AuditList(BaseModel):
    """A page of a unit's audit trail, newest first."""

    events: list[AuditEntry]
    total: int
    limit: int
    offset: int


def _page(limit: int) -> tuple[list[audit.Event], int, int]:
    principal = current_principal()
    if not principal.admin:
        raise Forbidden("只有本单位的管理员才能查看操作记录", code="not_admin")
    action = request.args.get("action") or None
    if action is not None and action not in audit.ACTIONS:
        raise Invalid(f"没有“{action}”这种操作", fields=[
            {"path": "action", "message": "应为" + "、".join(audit.ACTIONS)}])
    raw = request.args.get("offset", "0")
    offset = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0
    events, total = audit.events(get_register().engine, principal.unit, action=action,
                                 actor=request.args.get("actor") or None,
                                 target=request.args.get("target") or None,
                                 limit=limit, offset=offset)
    return events, total, offset


@bp.get("/api/v1/audit")
def audit_list() -> Response:
    """The caller's unit's audit trail (admins), filtered by action, actor and target."""
    events, total, offset = _page(PAGE)
    page = AuditList(events=[AuditEntry(seq=e.seq, at=e.at, actor=e.actor, action=e.action,
                                        target=e.target, detail=e.detail, address=e.address)
                             for e in events], total=total, limit=PAGE, offset=offset)
    return jsonify(page.model_dump(mode="json"))


@bp.get("/audit")
def audit_page() -> str:
    """操作记录: the unit's audit trail for its admins."""
    events, total, offset = _page(PAGE)
    return render_template("web/audit.html", events=events, total=total, offset=offset,
                           page=PAGE, actions=audit.ACTIONS,
                           action=request.args.get("action", ""))
