"""The one place errors become HTTP answers: JSON in the documented shape for the API, a
Chinese page inside the site's layout for the officers' pages."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from service.errors import (
    Conflict,
    Forbidden,
    Invalid,
    Malformed,
    NotFound,
    RenderFailed,
    RenderTimeout,
    ServiceError,
    StorageUnavailable,
)
from service.storage import storage_error

log = logging.getLogger(__name__)

# The most specific class first: Malformed is an Invalid, RenderTimeout a RenderFailed.
STATUS: tuple[tuple[type[ServiceError], int], ...] = (
    (Malformed, 400), (Invalid, 422), (Forbidden, 403), (NotFound, 404), (Conflict, 409),
    (RenderTimeout, 503), (RenderFailed, 500), (StorageUnavailable, 503),
)
HTTP_MESSAGES = {
    400: ("bad_request", "请求格式不正确"),
    401: ("unauthorized", "需要登录"),
    403: ("forbidden", "没有权限进行此操作"),
    404: ("not_found", "没有找到所请求的资源"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("too_large", "请求内容过大"),
    415: ("unsupported_media_type", "请求内容应为JSON（Content-Type: application/json）"),
    500: ("internal", "服务器内部错误，请稍后重试"),
}
PAGE_TITLES = {400: "请求有误", 401: "需要登录", 403: "没有权限", 404: "页面不存在",
               405: "请求方法不对", 409: "与登记簿冲突", 413: "内容过大", 415: "格式不对",
               422: "数据有误", 500: "服务器出错", 503: "暂时无法完成"}


def http_status(err: ServiceError) -> int:
    """The HTTP status of a domain error."""
    return next((status for cls, status in STATUS if isinstance(err, cls)), 500)


def wants_json() -> bool:
    """Whether this request is the API's (JSON errors) rather than a page's."""
    return request.path.startswith("/api/") or request.path == "/openapi.json"


def error_page(status: int, message: str) -> tuple[str, int]:
    """A Chinese error page in the site layout."""
    title = PAGE_TITLES.get(status, "出错了")
    return render_template("web/error.html", status=status, title=title, message=message), status


def _too_large(app: Flask) -> str:
    limit = request.max_content_length or app.config.get("MAX_CONTENT_LENGTH") or 0
    return f"请求内容过大（上限{limit // 1024 // 1024}MB）"


def init_app(app: Flask) -> None:
    """Answer every error as JSON (API) or as a Chinese page (officers' pages)."""

    @app.errorhandler(ServiceError)
    def _service_error(err: ServiceError) -> Any:
        if wants_json():
            return jsonify(err.body()), http_status(err)
        return error_page(http_status(err), err.message)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> Any:
        status = err.code or 500
        code, message = HTTP_MESSAGES.get(status, ("http_error", err.name))
        if status == 413:
            message = _too_large(app)
        elif err.description and not err.description.isascii():
            message = err.description  # ours, already in Chinese
        if not wants_json():
            page, _ = error_page(status, message)
            response = Response(page, status, mimetype="text/html")
        else:
            response = jsonify({"error": code, "message": message, "fields": []})
            response.status_code = status
        for name, value in err.get_headers():  # e.g. Allow on a 405
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Any:
        if (storage := storage_error(err)) is not None:  # a full disk, a read-only database
            log.warning("register not writable on %s %s: %s", request.method, request.path, err)
            return _service_error(storage)
        log.exception("unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return jsonify({"error": "internal", "message": HTTP_MESSAGES[500][1],
                            "fields": []}), 500
        return error_page(500, "服务器内部错误，已记录，请稍后重试；如一再出现请联系管理员。")
