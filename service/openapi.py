"""`/openapi.json` (OpenAPI 3.1, built from the pydantic models) and `/docs` to read it.

The document is the integrators' contract: every operation has a snake_case operationId
and a tag of its area (service.openapi_style), every error answer lists the stable `error`
codes it can carry (in its description and as `x-error-codes`), every kind's request body
carries the repository's fixtures as examples, and a batch item is typed by its kind (a
`oneOf` with a discriminator on `kind`). Descriptions are Chinese: the English docstrings
of the response models are replaced here. Validators and client generators take the
document as it is (tests/test_openapi_client.py)."""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, jsonify, render_template
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from service import audit, bulletin_api, contacts_views, lead_api, unit_api
from service.api_models import response_models
from service.audit_views import AuditList
from service.batches.api import BatchRequest, BatchStatus
from service.corrections import VoidRequest
from service.kinds import KINDS
from service.openapi_bulletins import bulletin_paths
from service.openapi_leads import lead_paths
from service.openapi_parts import (
    BODY_ERRORS,
    DISPOSITION,
    ERROR_CODES,
    IDEMPOTENCY_KEY,
    LOCATION,
    OPEN,
    READING,
    RENDER_ERRORS,
    REPLAYED,
    SCHEMAS,
    batch_items,
    batch_paths,
    binary,
    describe_errors,
    errors,
    fixture_examples,
    header,
    json_response,
    unit_paths,
    with_errors,
)
from service.openapi_style import TAGS, finish, kind_schema, snake
from service.openapi_text import chinese_schemas
from service.render import MEDIA_TYPES

log = logging.getLogger(__name__)
bp = Blueprint("openapi", __name__)
@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of API version 1."""
    models: list[tuple[type[BaseModel], Any]] = [(k.model, "validation") for k in KINDS.values()]
    models += [(m, "serialization") for m in response_models().values()]
    models += [(BatchRequest, "validation"), (BatchStatus, "serialization")]
    models += list(unit_api.MODELS.values()) + list(lead_api.MODELS.values())
    models += list(bulletin_api.MODELS.values())
    models += [(VoidRequest, "validation"), (AuditList, "serialization")]
    refs, defs = models_json_schema(models, ref_template=SCHEMAS + "{model}")
    ref = {model: refs[(model, mode)]["$ref"] for model, mode in models}
    resp = response_models()
    doc_id = [{"name": "id", "in": "path", "required": True, "description": "文书id",
               "schema": {"type": "string"}}]
    kind_ref = {"$ref": SCHEMAS + "Kind"}
    paths: dict[str, Any] = {
        "/api/v1/kinds": {"get": {
            "operationId": "list_kinds", "summary": "文书种类", "tags": ["kinds"],
            "responses": {"200": json_response(ref[resp["KindList"]], "文书种类及其中文名称和链接"),
                          **errors("invalid")}}},
        "/api/v1/kinds/{kind}/schema": {"get": {
            "operationId": "get_kind_schema", "summary": "某种文书的JSON Schema",
            "tags": ["kinds"],
            "parameters": [{"name": "kind", "in": "path", "required": True,
                            "description": "文书种类", "schema": kind_ref}],
            "responses": {"200": {"description": "该种文书数据的JSON Schema", "content": {
                "application/json": {"schema": {"type": "object"}}}},
                **errors("unknown_kind", "invalid")}}},
        "/api/v1/documents": {"get": {
            "operationId": "list_documents", "summary": "登记簿：已签发文书，新的在前",
            "tags": ["documents"],
            "parameters": [
                {"name": "kind", "in": "query", "description": "只列这种文书",
                 "schema": kind_ref},
                {"name": "year", "in": "query", "description": "只列这一年度的",
                 "schema": {"type": "integer", "minimum": 1949, "maximum": 9999}},
                {"name": "q", "in": "query", "description": "查找：文号、标题摘要等中的文字",
                 "schema": {"type": "string", "maxLength": 200}},
                {"name": "limit", "in": "query", "description": "每页条数",
                 "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
                {"name": "offset", "in": "query", "description": "从第几条起（从0起）",
                 "schema": {"type": "integer", "minimum": 0, "default": 0}},
            ],
            "responses": {"200": json_response(ref[resp["DocumentList"]], "登记簿的一页"),
                          **errors("invalid")}}},
        "/api/v1/documents/{id}": {"get": {
            "operationId": "get_document", "summary": "一份已签发文书的登记信息",
            "tags": ["documents"], "parameters": doc_id,
            "responses": {"200": json_response(ref[resp["Issued"]], "登记信息"),
                          **errors("not_found", "invalid")}}},
    }
    for fmt in MEDIA_TYPES:
        paths[f"/api/v1/documents/{{id}}.{fmt}"] = {"get": {
            "operationId": f"download_document_{fmt}", "summary": f"下载已签发文书（{fmt}）",
            "description": "每次下载的文件逐字节相同。已作废的文书照原样提供，"
                           "响应头X-Document-Status标明其状态。" + (
                               "只有统计表和线索清单有xlsx。" if fmt == "xlsx" else ""),
            "tags": ["documents"], "parameters": doc_id,
            "responses": {"200": binary(fmt, f"{fmt.upper()}文件", {
                "Content-Disposition": DISPOSITION,
                "X-Document-Status": header("文书的状态：issued（有效）或void（已作废）")}),
                **errors("not_found", "invalid")}}}
    for kind in KINDS.values():
        examples = fixture_examples(kind)
        content: dict[str, Any] = {"schema": {"$ref": ref[kind.model]}}
        if examples:
            content["examples"] = examples
        body = {"required": True, "description": f"{kind.title}的数据",
                "content": {"application/json": content}}
        conflicts = ["idempotency_conflict", "idempotency_in_progress"]
        if "issue_no" in kind.model.model_fields:
            conflicts.insert(0, "number_taken")
        if kind.numbered:
            conflicts.insert(0, "series_full")
        links = ["not_found", "lead_transferred"] if "lead" in kind.model.model_fields else []
        paths[f"/api/v1/documents/{kind.name}"] = {"post": {
            "operationId": f"issue_{snake(kind.name)}", "summary": f"签发{kind.title}",
            "description": kind.description, "tags": ["documents"], "requestBody": body,
            "parameters": [IDEMPOTENCY_KEY],
            "responses": {"201": json_response(ref[resp["Issued"]], "已签发：编号、生成并登记", {
                "Location": LOCATION, "Idempotent-Replayed": REPLAYED}),
                **errors(*BODY_ERRORS, "bad_idempotency_key", *links, *conflicts,
                          *RENDER_ERRORS)}}}
        for fmt in kind.formats:
            paths[f"/api/v1/render/{kind.name}.{fmt}"] = {"post": {
                "operationId": f"preview_{snake(kind.name)}_{fmt}",
                "summary": f"预览{kind.title}（草稿，不编号）", "tags": ["previews"],
                "requestBody": body,
                "responses": {"200": binary(fmt, f"草稿的{fmt.upper()}文件", {
                    "Content-Disposition": DISPOSITION,
                    "X-Draft": header("总为true：这是草稿"),
                    "X-Warnings": header("关于数据的提示：JSON字符串数组，百分号编码（UTF-8）")}),
                    **errors(*BODY_ERRORS, *RENDER_ERRORS)}}}
    paths.update(batch_paths(ref[BatchRequest], ref[BatchStatus]))
    paths["/api/v1/audit"] = {"get": {
        "operationId": "list_audit_events", "summary": "本单位的操作记录（管理员），新的在前",
        "tags": ["audit"],
        "parameters": [
            {"name": "action", "in": "query", "description": "只列这种操作",
             "schema": {"type": "string", "enum": list(audit.ACTIONS)}},
            {"name": "actor", "in": "query", "description": "只列此人（令牌或用户）的操作",
             "schema": {"type": "string"}},
            {"name": "target", "in": "query", "description": "只列对此对象（如文书id）的操作",
             "schema": {"type": "string"}},
            {"name": "offset", "in": "query", "description": "从第几条起（从0起）",
             "schema": {"type": "integer", "minimum": 0}}],
        "responses": {"200": json_response(ref[AuditList], "操作记录的一页"),
                      **errors("invalid", "not_admin")}}}
    paths["/api/v1/documents/{id}/void"] = {"post": {
        "operationId": "void_document", "summary": "作废一份已签发文书（写明原因）",
        "description": "文号不再使用，文件不变；下载时X-Document-Status为void。",
        "tags": ["documents"],
        "parameters": doc_id, "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"$ref": ref[VoidRequest]}}}},
        "responses": {"200": json_response(ref[resp["Issued"]], "已作废的文书"),
                      **errors(*BODY_ERRORS, "not_found", "not_issued")}}}
    paths["/api/v1/documents/{id}/correct"] = {"post": {
        "operationId": "correct_document",
        "summary": "更正：以新文号签发更正后的文书，原文书同时作废",
        "description": "请求体为该文书种类的完整数据（与签发时相同的格式）。",
        "tags": ["documents"],
        "parameters": doc_id, "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"anyOf": [{"$ref": ref[k.model]}
                                                      for k in KINDS.values()]}}}},
        "responses": {"201": json_response(ref[resp["Issued"]], "更正后的新文书",
                                           {"Location": LOCATION}),
                      **errors(*BODY_ERRORS, "not_found", "not_issued", "number_taken",
                                "series_full", *RENDER_ERRORS)}}}
    paths.update(unit_paths({name: ref[model] for name, (model, _) in unit_api.MODELS.items()}))
    paths.update(contacts_views.openapi_paths())
    paths.update(lead_paths({name: ref[model] for name, (model, _) in lead_api.MODELS.items()}))
    paths.update(bulletin_paths(ref[bulletin_api.BulletinCaseList]))
    schemas = defs.get("$defs", {})
    batch_items(schemas)
    chinese_schemas(schemas)
    schemas["Kind"] = kind_schema(list(KINDS))
    return finish({
        "openapi": "3.1.0",
        "info": {"title": "Gongwen API", "version": "1",
                 "x-title-zh": "安全生产专项行动文书服务 API",
                 "description": "安全生产专项行动文书服务 API：交办（移送）书等公文的编号、"
                                "生成（DOCX/PDF）与登记。错误一律为JSON（ErrorBody），"
                                "各响应列出可能的错误代码。"},
        "tags": TAGS,
        "paths": _secure(paths),
        "components": {"schemas": dict(sorted(schemas.items())),
                       "securitySchemes": {"bearerAuth": {
                           "type": "http", "scheme": "bearer",
                           "description": "API令牌：本单位管理员用POST /api/v1/unit/tokens新建，"
                                          "或在服务器上运行`flask --app wsgi token create 名称 "
                                          "--unit 单位`"}}},
    })


def _secure(paths: dict[str, Any]) -> dict[str, Any]:
    """Add what the gate in front of every request may answer, then describe every error
    response by its codes."""
    for operations in paths.values():
        for method, op in operations.items():
            codes = ["local_only"]  # local mode serves this machine only, whatever is asked
            if op["operationId"] not in OPEN:
                op["security"] = [{"bearerAuth": []}]
                codes.append("unauthorized")
                if method not in READING and not op["operationId"].startswith("preview"):
                    codes.append("forbidden")  # a read-only caller may not change anything
                # each of them uses the register (a download is audited): a full disk or a
                # read-only database can answer any
                codes.append("storage_unavailable")
            with_errors(op["responses"], *codes)
            op["responses"] = dict(sorted(op["responses"].items()))
            describe_errors(op["responses"])
    return paths


def as_json(value: Any) -> str:
    """A value as JSON text (true, null, ["docx", "pdf"]), Chinese kept as it is."""
    return json.dumps(value, ensure_ascii=False)


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI document."""
    return jsonify(document())


@bp.get("/docs")
def docs() -> str:
    """A page to read the API description, without any script."""
    codes = sorted(ERROR_CODES.items(), key=lambda item: item[1][0])
    return render_template("docs.html", api=document(), kinds=KINDS, as_json=as_json,
                           error_codes=codes, where={"path": "路径", "query": "查询",
                                                     "header": "请求头"})
