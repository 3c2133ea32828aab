"""Payload validation: JSON in, a kind's model out, or every wrong field named in Chinese."""

from __future__ import annotations

import json
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from service.crosschecks import cross_field_errors
from service.errors import Invalid, Malformed

TYPE_NAMES = {
    "string_type": "文本", "int_type": "整数", "int_parsing": "整数", "float_type": "数字",
    "float_parsing": "数字", "bool_type": "true 或 false", "bool_parsing": "true 或 false",
    "list_type": "列表（数组）", "dict_type": "对象", "model_type": "对象",
    "model_attributes_type": "对象",
}
DATE_HELP = "日期格式应为YYYY-MM-DD，例如2022-01-07"


def _reason(err: Any) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind in TYPE_NAMES:
        return f"应为{TYPE_NAMES[kind]}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return DATE_HELP
    if kind == "string_too_short":
        return "不能为空" if ctx.get("min_length") == 1 else f"至少{ctx.get('min_length')}个字符"
    if kind == "string_too_long":
        return f"不能超过{ctx.get('max_length')}个字符"
    if kind == "string_pattern_mismatch":
        return "格式不正确"
    if kind == "too_short":
        return f"至少应有{ctx.get('min_length')}项"
    if kind == "too_long":
        if isinstance(err.get("input"), str):
            return f"不能超过{ctx.get('max_length')}个字符"
        return f"最多{ctx.get('max_length')}项"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return "应为以下之一：" + "、".join(x.strip() for x in expected.split(","))
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于{ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于{ctx.get('le', ctx.get('lt'))}"
    if kind == "finite_number":
        return "应为有限的数字"
    if kind == "value_error":
        return str(ctx.get("error", err.get("msg", "")))
    if kind == "union_tag_invalid":
        return "类型不正确"
    # PydanticCustomError: our own validators already speak Chinese.
    if not err.get("msg", "").isascii():
        return str(err["msg"])
    return f"数据不正确（{kind}）"


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found:
                return found
    return None


def _label(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> str:
    """The Chinese name of the field at `loc`: 督办人·姓名, 有关材料第2项."""
    parts: list[str] = []
    for step in loc:
        if isinstance(step, int):
            parts.append(f"第{step + 1}项")
            continue
        info = model.model_fields.get(str(step)) if model else None
        parts.append(("·" if parts and not parts[-1].startswith("第") else "") +
                     (info.title if info and info.title else str(step)))
        model = _model_of(info.annotation) if info else None
    return "".join(parts)


def field_errors(model: type[BaseModel], exc: ValidationError) -> list[dict[str, str]]:
    """Translate pydantic errors into [{"path": "a.0.b", "message": "中文"}]."""
    out: list[dict[str, str]] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        ctx = err.get("ctx") or {}
        named = bool(ctx.get("field"))
        if named:  # a check across fields that names the field it blames
            loc = (*loc, *str(ctx["field"]).split("."))
        path = ".".join(str(p) for p in loc)
        label = _label(model, loc)
        if named:
            message = _reason(err)
        elif err["type"] == "missing":
            message = f"缺少{label}"
        elif err["type"] == "extra_forbidden":
            message = f"不认识的字段“{path}”（字段名区分大小写，请对照接口说明）"
        elif label:
            message = f"{label}：{_reason(err)}"
        else:
            message = _reason(err)
        out.append({"path": path, "message": message})
    return out


def invalid(model: type[BaseModel], exc: ValidationError, data: Any = None) -> Invalid:
    """The Invalid error for a payload that failed validation, every field named; with the
    payload, the checks across fields that its valid fields fail are named too."""
    fields = field_errors(model, exc)
    named = {f["path"] for f in fields}
    fields += [f for f in cross_field_errors(model, data) if f["path"] not in named]
    summary = "；".join(f["message"] for f in fields[:5]) + ("……" if len(fields) > 5 else "")
    return Invalid(f"数据有{len(fields)}处错误：{summary}", fields=fields)


def validate_json(model: type[BaseModel], payload: bytes | str | dict[str, Any]) -> Any:
    """Validate a JSON payload (text or already parsed) against `model`."""
    raw = payload if isinstance(payload, bytes | str) else json.dumps(payload, ensure_ascii=False)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            if (repaired := _without_lone_surrogates(raw)) is not None:
                return validate_json(model, repaired)
            raise Malformed("请求内容不是有效的JSON", code="bad_json") from None
        raise invalid(model, exc, json.loads(raw)) from None


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
