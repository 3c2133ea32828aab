"""The one use case every entry point shares: validate → number → render → store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from service.errors import ServiceError, invalid
from service.kinds import KINDS, Kind
from service.register import NumberTaken, Record, Register
from service.render import FORMATS, Format, glyphs, render
from service.text import xml_safe
from service.timeout import RenderTimeout, deadline, limit


def get_kind(name: str) -> Kind:
    """The kind called `name`, or a 404 ServiceError listing the known ones."""
    kind = KINDS.get(name)
    if kind is None:
        known = "、".join(KINDS)
        raise ServiceError(404, "unknown_kind", f"没有“{name}”这种文书，可用的有：{known}")
    return kind


def validate(kind: Kind, payload: bytes | str | dict[str, Any]) -> BaseModel:
    """Validate a JSON payload (text or already parsed) against the kind's model."""
    raw = payload if isinstance(payload, bytes | str) else json.dumps(payload, ensure_ascii=False)
    try:
        return kind.model.model_validate_json(raw)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            if (repaired := _without_lone_surrogates(raw)) is not None:
                return validate(kind, repaired)
            raise ServiceError(400, "bad_json", "请求内容不是有效的JSON") from None
        raise invalid(kind.model, exc) from None


def _without_lone_surrogates(raw: bytes | str) -> str | None:
    """JSON whose only fault is a lone surrogate escape (\\ud800), with those removed like
    any other unprintable character; None if it is not valid JSON at all."""
    try:
        value = json.loads(raw, parse_constant=_refuse)
    except (ValueError, RecursionError):
        return None
    repaired = json.dumps(_drop_surrogates(value), ensure_ascii=False)
    return repaired if repaired != raw else None


def _drop_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return "".join(c for c in value if not 0xD800 <= ord(c) <= 0xDFFF)
    if isinstance(value, dict):
        return {_drop_surrogates(k): _drop_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_drop_surrogates(v) for v in value]
    return value


def _refuse(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


_warm: set[str] = set()  # formats this process has rendered once


def _render(kind: Kind, context: dict[str, Any], fmt: Format) -> bytes:
    """Render within the time limit; a runaway render becomes a 503 and rolls back. A
    process's first render of a format is not limited: an interrupted first use could
    leave a half-imported module behind."""
    context = xml_safe(context)  # a last guard for fields a model does not clean
    if fmt not in _warm:
        content = render(kind.name, context, fmt)
        _warm.add(fmt)
        return content
    try:
        with deadline():
            return render(kind.name, context, fmt)
    except RenderTimeout:
        raise ServiceError(503, "render_timeout",
                           f"生成文书超时（超过{limit():g}秒）已停止，未占用文号；"
                           "请精简内容或分成几份后重试") from None


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
) -> Record:
    """Issue a document: validate, take its number, render every format and store it."""
    kind = get_kind(kind_name)
    doc = validate(kind, payload)

    def render_all(serial: int | None) -> tuple[dict[str, bytes], list[str]]:
        context = {**kind.build(doc, serial), "draft": False}
        files: dict[str, bytes] = {fmt: _render(kind, context, fmt) for fmt in FORMATS}
        return files, [*context.get("warnings", []), *glyphs.warnings(context)]

    try:
        return register.issue(
            kind=kind.name,
            series=kind.series(doc),
            year=kind.dated(doc).year,
            label=kind.label(doc),
            data=doc.model_dump(mode="json"),
            render=render_all,
            idempotency_key=idempotency_key,
            issued_by=issued_by,
        )
    except NumberTaken as taken:
        message = f"文号{taken}已被使用，请换一个或留空由系统编号"
        raise ServiceError(409, "number_taken", message) from None
