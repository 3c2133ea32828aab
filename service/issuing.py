"""The use cases every entry point shares: preview (validate → render) and issue
(validate → number → render → store)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from service.errors import Conflict, NotFound
from service.kinds import KINDS, Kind
from service.register import (
    IdempotencyConflict,
    IdempotencyInProgress,
    NumberTaken,
    Record,
    Register,
    SeriesFull,
)
from service.render import FORMATS, Format, glyphs
from service.render.pool import render_limited
from service.tables import DEFAULT_UNIT
from service.text import xml_safe
from service.validation import validate_json


def get_kind(name: str) -> Kind:
    """The kind called `name`, or NotFound listing the known ones."""
    kind = KINDS.get(name)
    if kind is None:
        known = "、".join(KINDS)
        raise NotFound(f"没有“{name}”这种文书，可用的有：{known}", code="unknown_kind")
    return kind


def validate(kind: Kind, payload: bytes | str | dict[str, Any]) -> BaseModel:
    """Validate a JSON payload (text or already parsed) against the kind's model."""
    model: BaseModel = validate_json(kind.model, payload)
    return model


def _render(kind: Kind, context: dict[str, Any], fmt: Format) -> bytes:
    # xml_safe: a last guard for fields a model does not clean
    return render_limited(kind.name, xml_safe(context), fmt)


def file_name(kind: Kind, number_text: str | None, label: str, fmt: str) -> str:
    """The Chinese download name: `（煤）移〔2022〕1号-交办（移送）书.pdf`."""
    stem = f"{number_text}-{kind.short}" if number_text else f"{label[:40]}-{kind.short}"
    stem = "".join(c for c in stem if c.isprintable() and c not in '/\\:*?"<>|')
    return f"{stem}.{fmt}"


@dataclass(frozen=True)
class Draft:
    """A rendered preview: bytes, file name and the warnings the data gave rise to."""

    content: bytes
    name: str
    warnings: list[str]


def preview(kind_name: str, payload: bytes | str | dict[str, Any], fmt: Format) -> Draft:
    """Render a draft: no number taken, nothing stored."""
    kind = get_kind(kind_name)
    doc = validate(kind, payload)
    context = {**kind.build(doc, None), "draft": True}  # marked 草稿 whatever the kind
    content = _render(kind, context, fmt)
    warnings = [*context.get("warnings", []), *glyphs.warnings(context)]
    return Draft(content, f"草稿-{kind.short}.{fmt}", warnings)


def issue(
    register: Register,
    kind_name: str,
    payload: bytes | str | dict[str, Any],
    *,
    idempotency_key: str | None = None,
    issued_by: str | None = None,
    unit: str = DEFAULT_UNIT,
) -> Record:
    """Issue a document of `unit`: validate, take its number in the unit's own series,
    render every format and store it."""
    kind = get_kind(kind_name)
    doc = validate(kind, payload)

    def render_all(serial: int | None) -> tuple[dict[str, bytes], list[str]]:
        context = {**kind.build(doc, serial), "draft": False}
        files: dict[str, bytes] = {fmt: _render(kind, context, fmt) for fmt in FORMATS}
        return files, [*context.get("warnings", []), *glyphs.warnings(context)]

    try:
        return register.issue(
            kind=kind.name, series=kind.series(doc), year=kind.dated(doc).year,
            label=kind.label(doc), data=doc.model_dump(mode="json"), render=render_all,
            idempotency_key=idempotency_key, issued_by=issued_by, unit=unit,
        )
    except NumberTaken as taken:
        raise Conflict(f"文号{taken}已被使用，请换一个或留空由系统编号",
                       code="number_taken") from None
    except SeriesFull as full:
        raise Conflict(f"编号已用到{full}，不能再自动编号", code="series_full") from None
    except IdempotencyConflict:
        raise Conflict("该Idempotency-Key已用于另一份不同内容的文书",
                       code="idempotency_conflict") from None
    except IdempotencyInProgress:
        raise Conflict("使用该Idempotency-Key的请求正在处理中，请稍后重试",
                       code="idempotency_in_progress") from None
