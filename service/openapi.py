"""`/openapi.json` (OpenAPI 3.1, built from the pydantic models) and `/docs` to read it."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, jsonify, render_template
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from service import unit_api
from service.api_models import response_models
from service.batches.api import BatchRequest, BatchStatus
from service.kinds import KINDS
from service.render import MEDIA_TYPES

bp = Blueprint("openapi", __name__)
ERR = {"$ref": "#/components/schemas/ErrorBody"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERR}}}


def _binary(fmt: str) -> dict[str, Any]:
    return {"description": f"the {fmt.upper()} file",
            "content": {MEDIA_TYPES[fmt]: {"schema": {"type": "string", "format": "binary"}}}}


def _json(ref: str, description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": ref}}}}


CLIENT_ERRORS = {
    "400": _error("malformed JSON"),
    "413": _error("request body too large"),
    "415": _error("body is not JSON"),
    "422": _error("invalid data; `fields` names each wrong field"),
}
RENDER_ERRORS = {"503": _error("rendering took too long and was stopped (nothing stored)")}
AUTH_ERRORS = {"401": _error("no valid token (Authorization: Bearer …) and no log-in"),
               "403": _error("the token is read-only, or only the unit's admins may do this")}
OPEN = {"listKinds", "kindSchema"}  # every other operation needs a token when auth is on


def _secure(paths: dict[str, Any]) -> dict[str, Any]:
    for operations in paths.values():
        for op in operations.values():
            if op["operationId"] not in OPEN:
                op["security"] = [{"bearerAuth": []}]
                op["responses"].update(AUTH_ERRORS)
    return paths


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of API version 1."""
    models: list[tuple[type[BaseModel], Any]] = [(k.model, "validation") for k in KINDS.values()]
    models += [(m, "serialization") for m in response_models().values()]
    models += [(BatchRequest, "validation"), (BatchStatus, "serialization")]
    models += list(unit_api.MODELS.values())
    refs, defs = models_json_schema(models, ref_template="#/components/schemas/{model}")
    ref = {model: refs[(model, mode)]["$ref"] for model, mode in models}
    resp = response_models()
    paths: dict[str, Any] = {
        "/api/v1/kinds": {"get": {
            "operationId": "listKinds", "summary": "文书种类",
            "responses": {"200": _json(ref[resp["KindList"]], "the kinds")}}},
        "/api/v1/kinds/{kind}/schema": {"get": {
            "operationId": "kindSchema", "summary": "某种文书的JSON Schema",
            "parameters": [{"name": "kind", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": list(KINDS)}}],
            "responses": {"200": {"description": "JSON Schema", "content": {
                "application/json": {"schema": {"type": "object"}}}},
                "404": _error("unknown kind")}}},
        "/api/v1/documents": {"get": {
            "operationId": "listDocuments", "summary": "登记簿：已签发文书，新的在前",
            "parameters": [
                {"name": "kind", "in": "query", "schema": {"type": "string", "enum": list(KINDS)}},
                {"name": "year", "in": "query",
                 "schema": {"type": "integer", "minimum": 1949, "maximum": 9999}},
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}},
                {"name": "limit", "in": "query",
                 "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
            ],
            "responses": {"200": _json(ref[resp["DocumentList"]], "a page of the register"),
                          "422": _error("bad query parameter")}}},
        "/api/v1/documents/{id}": {"get": {
            "operationId": "getDocument", "summary": "一份已签发文书的登记信息",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": _json(ref[resp["Issued"]], "the register entry"),
                          "404": _error("no such document")}}},
    }
    for fmt in MEDIA_TYPES:
        paths[f"/api/v1/documents/{{id}}.{fmt}"] = {"get": {
            "operationId": f"download{fmt.title()}", "summary": f"下载已签发文书（{fmt}）",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": _binary(fmt), "404": _error("no such document")}}}
    for kind in KINDS.values():
        body = {"required": True,
                "content": {"application/json": {"schema": {"$ref": ref[kind.model]}}}}
        op = kind.name.replace("-", "_")
        paths[f"/api/v1/documents/{kind.name}"] = {"post": {
            "operationId": f"issue_{op}", "summary": f"签发{kind.title}",
            "description": kind.description, "requestBody": body,
            "parameters": [{"name": "Idempotency-Key", "in": "header", "schema": {
                "type": "string", "pattern": "^[\\x21-\\x7e]{1,255}$"}}],
            "responses": {"201": _json(ref[resp["Issued"]], "issued"),
                          "409": _error("Idempotency-Key reused with other data, a chosen "
                                        "number (issue_no) already used, or the series at "
                                        "its maximum (series_full)"),
                          **CLIENT_ERRORS, **RENDER_ERRORS}}}
        for fmt in MEDIA_TYPES:
            paths[f"/api/v1/render/{kind.name}.{fmt}"] = {"post": {
                "operationId": f"preview_{op}_{fmt}",
                "summary": f"预览{kind.title}（草稿，不编号）",
                "requestBody": body,
                "responses": {"200": _binary(fmt), **CLIENT_ERRORS, **RENDER_ERRORS}}}
    paths.update(_batch_paths(ref[BatchRequest], ref[BatchStatus]))
    paths.update(_unit_paths({name: ref[model] for name, (model, _) in unit_api.MODELS.items()}))
    return {
        "openapi": "3.1.0",
        "info": {"title": "安全生产专项行动文书服务 API", "version": "1",
                 "description": "交办（移送）书等公文的编号、生成（DOCX/PDF）与登记。"},
        "paths": _secure(paths),
        "components": {"schemas": defs.get("$defs", {}),
                       "securitySchemes": {"bearerAuth": {
                           "type": "http", "scheme": "bearer",
                           "description": "flask --app wsgi token create NAME"}}},
    }


def _batch_paths(request_ref: str, status_ref: str) -> dict[str, Any]:
    batch_id = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    return {
        "/api/v1/batches": {"post": {
            "operationId": "submitBatch", "summary": "提交批量任务（异步，返回任务编号）",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": request_ref}}}},
            "responses": {"202": _json(status_ref, "queued"), **CLIENT_ERRORS}}},
        "/api/v1/batches/{id}": {"get": {
            "operationId": "batchStatus", "summary": "批量任务进度", "parameters": batch_id,
            "responses": {"200": _json(status_ref, "progress"), "404": _error("no such job")}}},
        "/api/v1/batches/{id}.zip": {"get": {
            "operationId": "batchZip", "summary": "下载批量任务结果（zip）", "parameters": batch_id,
            "responses": {"200": {"description": "outputs, manifest.json and errors.jsonl",
                                  "content": {"application/zip": {"schema": {
                                      "type": "string", "format": "binary"}}}},
                          "404": _error("no such job"), "409": _error("not finished yet")}}},
    }


def _unit_paths(ref: dict[str, str]) -> dict[str, Any]:
    def body(name: str) -> dict[str, Any]:
        return {"required": True, "content": {"application/json": {"schema": {"$ref": ref[name]}}}}

    def named(name: str) -> list[dict[str, Any]]:
        return [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}]

    gone = {"204": {"description": "done"}, "404": _error("no such token or officer in the unit")}
    return {
        "/api/v1/unit": {
            "get": {"operationId": "getUnit", "summary": "本单位及其资料",
                    "responses": {"200": _json(ref["UnitOut"], "the caller's unit")}},
            "put": {"operationId": "updateUnit", "summary": "修改本单位资料（管理员）",
                    "requestBody": body("Profile"),
                    "responses": {"200": _json(ref["UnitOut"], "saved"), **CLIENT_ERRORS}}},
        "/api/v1/unit/tokens": {
            "get": {"operationId": "listUnitTokens", "summary": "本单位的API令牌（管理员）",
                    "responses": {"200": _json(ref["TokenList"], "the tokens")}},
            "post": {"operationId": "createUnitToken", "summary": "新建本单位的API令牌（管理员）",
                     "requestBody": body("TokenIn"),
                     "responses": {"201": _json(ref["NewToken"], "the token, shown once"),
                                   "409": _error("a token of that name exists"),
                                   **CLIENT_ERRORS}}},
        "/api/v1/unit/tokens/{name}": {"delete": {
            "operationId": "revokeUnitToken", "summary": "撤销本单位的API令牌（管理员）",
            "parameters": named("name"), "responses": gone}},
        "/api/v1/unit/users": {
            "get": {"operationId": "listUnitUsers", "summary": "本单位的用户（管理员）",
                    "responses": {"200": _json(ref["UserList"], "the officers")}},
            "post": {"operationId": "setUnitUser", "summary": "新建用户或重设密码（管理员）",
                     "requestBody": body("UserIn"),
                     "responses": {"201": _json(ref["UserName"], "saved"),
                                   "404": _error("an officer of another unit"),
                                   **CLIENT_ERRORS}}},
        "/api/v1/unit/users/{username}/disable": {"post": {
            "operationId": "disableUnitUser", "summary": "停用本单位的用户（管理员）",
            "parameters": named("username"), "responses": gone}},
    }


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI document."""
    return jsonify(document())


@bp.get("/docs")
def docs() -> str:
    """A page to read the API description, without any script."""
    return render_template("docs.html", api=document(), kinds=KINDS)
