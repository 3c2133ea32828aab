"""The OpenAPI path of the bulletin's cases (service.bulletin_api)."""

from __future__ import annotations

from typing import Any

from service.openapi_parts import errors, json_response


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


def bulletin_paths(list_ref: str) -> dict[str, Any]:
    """GET /api/v1/bulletins/cases, given the schema ref of its answer."""
    day = {"type": "string", "format": "date"}
    doc_id = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
    return {"/api/v1/bulletins/cases": {"get": {
        "operationId": "list_bulletin_cases", "summary": "编发通报用的本单位已签发典型案例",
        "tags": ["bulletins"],
        "description": "本单位已签发且有效的典型案例（已作废的不列出；更正过的给出更正后的），"
                       "按报送日期（没有的按签发日期）从早到晚，每个附其数据data。把各案例的"
                       "data依次放入通报的cases即可签发通报，通报的数据格式不变。给出id时只取"
                       "这些案例（原案例已更正的取更正后的），其余条件不起作用；不属于本单位或已"
                       "作废的id答404。",
        "parameters": [
            _query("q", "查找：标题、关键词、报送单位等中的文字，各词都须出现",
                   {"type": "string", "maxLength": 200}),
            _query("week", "ISO周，如2022-W03：该周周一至周日；给出时不看from和to",
                   {"type": "string", "pattern": "^[0-9]{4}-[Ww][0-9]{1,2}$"}),
            _query("from", "日期起（含）", day), _query("to", "日期止（含）", day),
            {**_query("id", "只取这些案例（可重复）", {"type": "array", "items": doc_id}),
             "style": "form", "explode": True},
            _query("limit", "最多列出几个", {"type": "integer", "minimum": 1, "maximum": 200,
                                         "default": 200})],
        "responses": {"200": json_response(list_ref, "找到的典型案例及其数据"),
                      **errors("not_found", "invalid")}}}}
