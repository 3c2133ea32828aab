"""Errors a client can cause, in Chinese for people and with stable codes for programs."""

from __future__ import annotations

import logging
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, jsonify, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


@dataclass
class ServiceError(Exception):
    """An error with an HTTP status, a stable code, a Chinese message and field details."""

    status: int
    code: str
    message: str
    fields: list[dict[str, str]] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        """The JSON error document of the API."""
        return {"error": self.code, "message": self.message, "fields": self.fields}


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


def invalid(model: type[BaseModel], exc: ValidationError) -> ServiceError:
    """A 422 ServiceError for a payload that failed validation."""
    fields = field_errors(model, exc)
    summary = "；".join(f["message"] for f in fields[:5]) + ("……" if len(fields) > 5 else "")
    return ServiceError(422, "invalid", f"数据有{len(fields)}处错误：{summary}", fields)


HTTP_MESSAGES = {
    400: ("bad_request", "请求格式不正确"),
    404: ("not_found", "没有找到所请求的资源"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("too_large", "请求内容过大"),
    415: ("unsupported_media_type", "请求内容应为JSON（Content-Type: application/json）"),
}


def init_app(app: Flask) -> None:
    """Answer every API error as JSON in the documented shape."""

    @app.errorhandler(ServiceError)
    def _service_error(err: ServiceError) -> tuple[Response, int]:
        return jsonify(err.body()), err.status

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> Any:
        if not _wants_json():
            return err
        code, message = HTTP_MESSAGES.get(err.code or 500, ("http_error", err.name))
        if err.code == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH") or 0
            message = f"请求内容过大（上限{limit // 1024 // 1024}MB）"
        response = jsonify({"error": code, "message": message, "fields": []})
        for name, value in err.get_headers():  # e.g. Allow on a 405
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response, err.code

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not _wants_json():
            raise err
        body = {"error": "internal", "message": "服务器内部错误，请稍后重试", "fields": []}
        return jsonify(body), 500


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/openapi.json"
