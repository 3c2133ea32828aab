"""The pieces /openapi.json is built from (service.openapi): the error-code catalogue, the
response and header helpers, the fixtures as examples, batch items typed by kind, and the
batch and unit paths (Chinese schema texts: service.openapi_text)."""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path
from typing import Any

from service.kinds import KINDS, Kind
from service.render import MEDIA_TYPES

log = logging.getLogger(__name__)

SCHEMAS = "#/components/schemas/"
ERR = {"$ref": SCHEMAS + "ErrorBody"}
# The invented sample payloads at the repository's root; an installed package has none.
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# Every stable `error` code the API answers with: its HTTP status and what it means.
ERROR_CODES: dict[str, tuple[int, str]] = {
    "bad_request": (400, "请求格式不正确"),
    "bad_json": (400, "请求内容不是有效的JSON"),
    "bad_idempotency_key": (400, "Idempotency-Key应为1至255个可见ASCII字符"),
    "unauthorized": (401, "没有有效的API令牌（Authorization: Bearer <令牌>），也未登录"),
    "forbidden": (403, "只读的令牌或用户只能查询、下载和预览"),
    "not_admin": (403, "只有本单位的管理员才能这样做"),
    "local_only": (403, "本地模式（GONGWEN_LOCAL=1）只接受本机访问"),
    "not_found": (404, "没有找到（或不属于本单位）"),
    "unknown_kind": (404, "没有这种文书"),
    "unknown_unit": (404, "没有这个单位"),
    "unknown_format": (404, "这种文书没有这种格式（只有统计表和线索清单有xlsx）"),
    "number_taken": (409, "所选的期号已被使用"),
    "series_full": (409, "编号已用到最大值，不能再编号"),
    "idempotency_conflict": (409, "该Idempotency-Key已用于内容不同的另一个请求"),
    "idempotency_in_progress": (409, "使用该Idempotency-Key的请求正在处理中，请稍后重试"),
    "not_issued": (409, "这份文书已作废（或生成失败），不能再作废或更正"),
    "not_finished": (409, "批量任务尚未完成"),
    "token_exists": (409, "同名的令牌已存在"),
    "user_exists": (409, "该用户名属于另一个单位"),
    "lead_transferred": (409, "这条线索已经交办过"),
    "lead_closed": (409, "这条线索已经销号，反馈不能再改"),
    "lead_not_concluded": (409, "只有反馈已办结的线索才能销号"),
    "lead_not_answered": (409, "只有已反馈的线索才能退回"),
    "lead_not_overdue": (409, "只有逾期未反馈的线索才能提级核查"),
    "too_large": (413, "请求内容过大"),
    "unsupported_media_type": (415, "请求内容应为JSON（Content-Type: application/json）"),
    "invalid": (422, "数据或查询参数有误，fields逐项指出错在哪里"),
    "objection_too_late": (422, "异议须在交办后2日内提出"),
    "unsupported_file": (422, "反馈材料应为PDF、PNG或JPEG文件，且内容与类型相符"),
    "file_too_large": (422, "反馈材料不能超过10MB"),
    "render_failed": (500, "生成文书失败，未保存任何内容"),
    "internal": (500, "服务器内部错误（已记录），请稍后重试"),
    "render_timeout": (503, "生成文书超过时限已停止，未保存任何内容"),
    "storage_unavailable": (503, "登记簿暂时无法写入（磁盘已满或数据库只读），未保存任何内容；"
                                 "腾出空间后重试即可"),
}
STATUS_TEXT = {400: "请求有误", 401: "需要认证", 403: "没有权限", 404: "没有找到",
               409: "与登记簿冲突", 413: "内容过大", 415: "格式不对", 422: "数据有误",
               500: "服务器出错", 503: "暂时无法完成"}
BODY_ERRORS = ("bad_request", "bad_json", "too_large", "unsupported_media_type", "invalid")
RENDER_ERRORS = ("render_failed", "internal", "render_timeout")

# Operations anyone may call, even when authentication is on (service.gate.login.PUBLIC).
OPEN = {"list_kinds", "get_kind_schema"}
# Operations that store nothing and so are open to read-only callers too (READING_POSTS).
READING = {"get"}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "调用方自己的请求编号（1至255个可见ASCII字符）。同一调用方用同一个键重发相同的"
                   "请求，返回第一次的结果（响应头Idempotent-Replayed: true），不再占用文号；"
                   "同一个键用于内容不同的请求答409 idempotency_conflict。另一个令牌或用户的"
                   "同名键是另一个请求。",
    "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,255}$"}}

def errors(*codes: str) -> dict[str, Any]:
    """Error responses for `codes`, one per HTTP status (described in `describe_errors`)."""
    out: dict[str, Any] = {}
    for code in codes:
        status = str(ERROR_CODES[code][0])
        response = out.setdefault(status, {
            "description": "", "x-error-codes": [],
            "content": {"application/json": {"schema": ERR}}})
        if code not in response["x-error-codes"]:
            response["x-error-codes"].append(code)
    return out


def with_errors(responses: dict[str, Any], *codes: str) -> dict[str, Any]:
    """`responses` with the error responses of `codes` added (merged per status)."""
    for status, response in errors(*codes).items():
        if status in responses:
            listed = responses[status]["x-error-codes"]
            listed += [c for c in response["x-error-codes"] if c not in listed]
        else:
            responses[status] = response
    return responses


def describe_errors(responses: dict[str, Any]) -> None:
    for status, response in responses.items():
        codes = response.get("x-error-codes")
        if codes:
            listed = "；".join(f"{code}：{ERROR_CODES[code][1]}" for code in codes)
            response["description"] = f"{STATUS_TEXT[int(status)]}。错误代码——{listed}"


def binary(fmt: str, description: str, headers: dict[str, Any] | None = None
            ) -> dict[str, Any]:
    out = {"description": description,
           "content": {MEDIA_TYPES[fmt]: {"schema": {"type": "string", "format": "binary"}}}}
    if headers:
        out["headers"] = headers
    return out


def json_response(ref: str, description: str, headers: dict[str, Any] | None = None
                  ) -> dict[str, Any]:
    out = {"description": description,
           "content": {"application/json": {"schema": {"$ref": ref}}}}
    if headers:
        out["headers"] = headers
    return out


def header(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string"}}


LOCATION = header("新资源的地址")
REPLAYED = header("为true时，这是同一Idempotency-Key的重复请求，返回的是第一次的结果")
DISPOSITION = header("附件名：filename*为中文文件名（RFC 6266），filename为ASCII备用名")


def fixture_examples(kind: Kind) -> dict[str, Any]:
    """The kind's fixtures (fixtures/<kind>.json and fixtures/<kind>-*.json) as OpenAPI
    examples named by file stem; none when the fixtures folder is missing."""
    if not FIXTURES.is_dir():
        return {}
    longer = [k for k in KINDS if k != kind.name and k.startswith(kind.name + "-")]
    examples: dict[str, Any] = {}
    for path in sorted(FIXTURES.glob("*.json")):
        stem = path.stem
        if not (stem == kind.name or stem.startswith(kind.name + "-")):
            continue
        if any(stem == k or stem.startswith(k + "-") for k in longer):
            continue  # another kind's, whose name begins with this one's
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("fixture %s left out of the OpenAPI examples: %s", path, exc)
            continue
        variant = stem[len(kind.name) + 1:]
        examples[stem] = {"summary": f"{kind.short}示例" + (f"（{variant}）" if variant else ""),
                          "value": value}
    return examples


def batch_items(schemas: dict[str, Any]) -> None:
    """Publish BatchItem as one object per kind (a oneOf with a discriminator on `kind`)
    instead of the runtime model's {kind: enum, data: object}."""
    loose = schemas.pop("BatchItemIn")
    mapping: dict[str, str] = {}
    for kind in KINDS.values():
        name = f"BatchItem{kind.model.__name__}"
        schemas[name] = {
            "type": "object", "title": name,
            "description": f"批量任务中的一份{kind.title}：data应为{kind.model.__name__}。"
                           "提交时只检查data是对象，执行该项时才按文书种类校验，"
                           "不符的项记为失败并写入结果的errors.jsonl。",
            "properties": {
                "kind": {"type": "string", "const": kind.name, "title": "文书种类"},
                "data": {"title": "文书数据", "anyOf": [
                    {"$ref": SCHEMAS + kind.model.__name__},
                    {"type": "object", "title": "UncheckedData",
                     "x-title-zh": "未校验的数据",
                     "description": "提交时接受任何对象：数据在执行该项时才校验"}]},
                "ref": copy.deepcopy(loose["properties"]["ref"]),
            },
            "required": ["kind", "data"], "additionalProperties": False}
        mapping[kind.name] = SCHEMAS + name
    schemas["BatchItem"] = {
        "title": "BatchItem",
        "description": "批量任务的一项：文书种类（kind）、该种文书的数据（data），可带本方案件编号"
                       "（ref）。同一单位、同一种文书、同一ref只签发一次；不带ref时按内容识别。",
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "kind", "mapping": mapping}}
    schemas["BatchRequest"]["properties"]["items"]["items"] = {"$ref": SCHEMAS + "BatchItem"}


def batch_paths(request_ref: str, status_ref: str) -> dict[str, Any]:
    batch_id = [{"name": "id", "in": "path", "required": True, "description": "任务编号",
                 "schema": {"type": "string"}}]
    content: dict[str, Any] = {"schema": {"$ref": request_ref}}
    notice = fixture_examples(KINDS["transfer-notice"]).get("transfer-notice")
    if notice is not None:
        item = {"kind": "transfer-notice", "ref": "东岭应急〔2022〕交办001",
                "data": notice["value"]}
        content["examples"] = {"transfer-notice": {
            "summary": "一份交办（移送）书的草稿（带本方案件编号ref）",
            "value": {"items": [item], "formats": ["pdf"], "issue": False}}}
    return {
        "/api/v1/batches": {"post": {
            "operationId": "submit_batch", "summary": "提交批量任务（异步，返回任务编号）",
            "description": "同一Idempotency-Key与相同请求再次提交，返回原任务"
                           "（Idempotent-Replayed: true）；每项可带ref（本方案件编号），"
                           "已签发的事项不会再次编号。提交时只检查各项的形式，"
                           "各项数据在执行时校验，不符的项记入结果中的errors.jsonl。",
            "tags": ["batches"],
            "parameters": [IDEMPOTENCY_KEY],
            "requestBody": {"required": True, "content": {"application/json": content}},
            "responses": {"202": json_response(status_ref, "已排队（或同一任务的重复提交）", {
                "Location": LOCATION, "Idempotent-Replayed": REPLAYED}),
                **errors(*BODY_ERRORS, "bad_idempotency_key", "idempotency_conflict")}}},
        "/api/v1/batches/{id}": {"get": {
            "operationId": "get_batch", "summary": "批量任务进度", "tags": ["batches"],
            "parameters": batch_id,
            "responses": {"200": json_response(status_ref, "任务进度"), **errors("not_found")}}},
        "/api/v1/batches/{id}.zip": {"get": {
            "operationId": "download_batch_zip", "summary": "下载批量任务结果（zip）",
            "tags": ["batches"],
            "parameters": batch_id,
            "responses": {"200": {"description": "生成的文件、manifest.json和errors.jsonl",
                                  "headers": {"Content-Disposition": DISPOSITION},
                                  "content": {"application/zip": {"schema": {
                                      "type": "string", "format": "binary"}}}},
                          **errors("not_found", "not_finished")}}},
    }


def unit_paths(ref: dict[str, str]) -> dict[str, Any]:
    def body(name: str) -> dict[str, Any]:
        return {"required": True, "content": {"application/json": {"schema": {"$ref": ref[name]}}}}

    def named(name: str, description: str) -> list[dict[str, Any]]:
        return [{"name": name, "in": "path", "required": True, "description": description,
                 "schema": {"type": "string"}}]

    tag = ["units"]
    return {
        "/api/v1/unit": {
            "get": {"operationId": "get_unit", "summary": "本单位及其资料", "tags": tag,
                    "responses": {"200": json_response(ref["UnitOut"], "调用方所属的单位"),
                                  **errors("unknown_unit")}},
            "put": {"operationId": "update_unit", "summary": "修改本单位资料（管理员）",
                    "tags": tag, "requestBody": body("Profile"),
                    "responses": {"200": json_response(ref["UnitOut"], "已保存"),
                                  **errors(*BODY_ERRORS, "not_admin", "unknown_unit")}}},
        "/api/v1/unit/tokens": {
            "get": {"operationId": "list_unit_tokens", "summary": "本单位的API令牌（管理员）",
                    "tags": tag,
                    "responses": {"200": json_response(ref["TokenList"], "本单位的令牌"),
                                  **errors("not_admin")}},
            "post": {"operationId": "create_unit_token", "summary": "新建本单位的API令牌（管理员）",
                     "tags": tag, "requestBody": body("TokenIn"),
                     "responses": {"201": json_response(ref["NewToken"], "新令牌（只显示这一次）"),
                                   **errors(*BODY_ERRORS, "not_admin", "unknown_unit",
                                             "token_exists")}}},
        "/api/v1/unit/tokens/{name}": {"delete": {
            "operationId": "revoke_unit_token", "summary": "撤销本单位的API令牌（管理员）",
            "tags": tag, "parameters": named("name", "令牌名称"),
            "responses": {"204": {"description": "已撤销"}, **errors("not_admin", "not_found")}}},
        "/api/v1/unit/users": {
            "get": {"operationId": "list_unit_users", "summary": "本单位的用户（管理员）",
                    "tags": tag,
                    "responses": {"200": json_response(ref["UserList"], "本单位的用户"),
                                  **errors("not_admin")}},
            "post": {"operationId": "set_unit_user", "summary": "新建用户或重设密码（管理员）",
                     "description": "重设密码后，该用户的所有会话随即结束。另一单位的用户答404。",
                     "tags": tag, "requestBody": body("UserIn"),
                     "responses": {"201": json_response(ref["UserName"], "已保存"),
                                   **errors(*BODY_ERRORS, "not_admin", "not_found",
                                             "user_exists")}}},
        "/api/v1/unit/users/{username}/disable": {"post": {
            "operationId": "disable_unit_user", "summary": "停用本单位的用户（管理员）",
            "description": "该用户的所有会话随即结束。", "tags": tag,
            "parameters": named("username", "用户名"),
            "responses": {"204": {"description": "已停用"}, **errors("not_admin", "not_found")}}},
    }
