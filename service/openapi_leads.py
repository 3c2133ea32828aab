"""The OpenAPI paths of the leads (service.lead_api): the closed loop's operations."""

from __future__ import annotations

from typing import Any

from service.openapi_parts import BODY_ERRORS, errors, json_response

TAG = ["leads"]
IMPORT_LISTS = ["progress", "enforcement.deadline", "enforcement.fines",
                "enforcement.suspensions", "enforcement.licenses", "enforcement.closures",
                "accountability", "hazards"]  # the list= of the four lists' import
LEDGER_MEDIA = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _id(description: str) -> list[dict[str, Any]]:
    return [{"name": "id", "in": "path", "required": True, "description": description,
             "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}]


def _query(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "string", **schema}}


def _records(model: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{model}"}}


def _one_list_import(op: str, what: str, sheet: str, field: str, model: str
                     ) -> dict[str, Any]:
    """POST /api/v1/import/<kind> of a kind with one list (its printed sheet's headers)."""
    return {"post": {
        "operationId": op, "summary": f"导入{what}（Excel或CSV）", "tags": ["imports"],
        "description": f"请求体为.xlsx文件（读取其“{sheet}”表）或CSV（UTF-8或GB18030），表头与"
                       f"导出的Excel相同。返回{what}数据中的{field}；有错时逐条指出第几行哪一列，"
                       "一条也不导入。",
        "requestBody": {"required": True, "content": {
            LEDGER_MEDIA["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
            "text/csv": {"schema": {"type": "string"}}}},
        "responses": {"200": {"description": what, "content": {"application/json": {
            "schema": {"type": "object", "properties": {field: _records(model)}}}}},
            **errors("invalid", "too_large")}}}


def lead_paths(ref: dict[str, str]) -> dict[str, Any]:
    """Paths of /api/v1/leads and the notices' feedback, given the schema refs by name."""
    def body(name: str) -> dict[str, Any]:
        return {"required": True, "content": {"application/json": {"schema": {"$ref": ref[name]}}}}

    lead = json_response(ref["LeadOut"], "线索")
    decide = errors(*BODY_ERRORS, "not_found", "lead_not_answered", "lead_not_overdue")
    day = {"format": "date"}
    return {
        "/api/v1/leads": {
            "post": {"operationId": "register_lead", "summary": "登记线索", "tags": TAG,
                     "description": "按接报日期的年份取本单位的下一个线索编号。举报人信息只在"
                                    "本单位的线索和线索清单中出现。",
                     "requestBody": body("LeadIn"),
                     "responses": {"201": lead, **errors(*BODY_ERRORS)}},
            "get": {"operationId": "list_leads", "summary": "本单位的线索", "tags": TAG,
                    "description": "status取registered、transferred、answered、returned、closed，"
                                   "或overdue（逾期未反馈）、due_soon（两日内到期）、escalated"
                                   "（提级核查）、open（待反馈）；as_of为判断逾期的日期，"
                                   "默认今天。反馈期限按自然日计算。",
                    "parameters": [
                        _query("status", "状态或筛选"), _query("as_of", "判断日期", **day),
                        _query("from", "接报日期起", **day), _query("to", "接报日期止", **day)],
                    "responses": {"200": json_response(ref["LeadList"], "线索及逾期计数"),
                                  **errors("invalid")}}},
        "/api/v1/leads/summary": {"get": {
            "operationId": "summarize_leads", "summary": "由线索生成统计表（周报）的数据",
            "tags": TAG,
            "description": "统计期内接报的重大事故隐患、非法违法行为和瞒报事故线索及其反馈，作为"
                           "统计表（周报）的问题记录；办理结果换算为处理措施和罚款，提级核查的线索"
                           "计入提级核查，已销号的按已整改统计。返回的数据可原样提交签发或预览。",
            "parameters": [_query("from", "统计期起", **day), _query("to", "统计期止", **day),
                           _query("filled_by", "填表人")],
            "responses": {"200": json_response("#/components/schemas/Summary", "统计表的数据"),
                          **errors("invalid")}}},
        "/api/v1/leads/{id}": {"get": {
            "operationId": "get_lead", "summary": "一条线索", "tags": TAG,
            "parameters": _id("线索id"), "responses": {"200": lead, **errors("not_found")}}},
        "/api/v1/leads/{id}/file": {"get": {
            "operationId": "download_lead_file", "summary": "下载反馈材料（签字的报告）",
            "tags": TAG,
            "parameters": _id("线索id"),
            "responses": {"200": {"description": "反馈材料", "content": {
                t: {"schema": {"type": "string", "format": "binary"}}
                for t in ("application/pdf", "image/png", "image/jpeg")}},
                **errors("not_found")}}},
        "/api/v1/leads/{id}/accept": {"post": {
            "operationId": "accept_lead", "summary": "销号（反馈已办结）", "tags": TAG,
            "parameters": _id("线索id"),
            "responses": {"200": lead, **errors("not_found", "lead_not_concluded")}}},
        "/api/v1/leads/{id}/return": {"post": {
            "operationId": "return_lead", "summary": "退回反馈", "tags": TAG,
            "parameters": _id("线索id"), "requestBody": body("Reason"),
            "responses": {"200": lead, **decide}}},
        "/api/v1/leads/{id}/escalate": {"post": {
            "operationId": "escalate_lead", "summary": "提级核查（逾期未反馈）", "tags": TAG,
            "parameters": _id("线索id"), "requestBody": body("Reason"),
            "responses": {"200": lead, **decide}}},
        **{f"/api/v1/leads/ledger.{fmt}": {"get": {
            "operationId": f"download_lead_ledger_{fmt}",
            "summary": f"每日举报问题线索清单（{fmt.upper()}）", "tags": TAG,
            "description": "本单位在接报日期from至to之间的线索，按附件7的16列及填表说明；"
                           "只给to为当日清单，都不给为今天。public=1为公开版（三公开），"
                           "不含举报人信息和备注。",
            "parameters": [_query("from", "接报日期起", **day), _query("to", "接报日期止", **day),
                           _query("public", "公开版", enum=["0", "1"])],
            "responses": {"200": {"description": "线索清单", "content": {media: {
                "schema": {"type": "string", "format": "binary"}}}}, **errors("invalid")}}}
            for fmt, media in LEDGER_MEDIA.items()},
        "/api/v1/import/summary": {"post": {
            "operationId": "import_summary_records", "summary": "导入统计表的记录（Excel或CSV）",
            "tags": ["imports"],
            "description": "请求体为.xlsx文件（读取其“记录”表）或CSV（UTF-8或GB18030），"
                           "表头与导出的“记录”表相同。返回统计表数据中的findings；有错时逐条指出第几行哪一列，"
                           "一条也不导入。",
            "requestBody": {"required": True, "content": {
                LEDGER_MEDIA["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string"}}}},
            "responses": {"200": {"description": "记录", "content": {"application/json": {
                "schema": {"type": "object", "properties": {"findings": {
                    "type": "array", "items": {"$ref": "#/components/schemas/Finding"}}}}}}},
                **errors("invalid", "too_large")}}},
        "/api/v1/import/daily-lists": {"post": {
            "operationId": "import_daily_lists_records",
            "summary": "导入四个清单的记录（Excel或CSV）", "tags": ["imports"],
            "description": "请求体为.xlsx文件或CSV（UTF-8或GB18030）。Excel读取其中的"
                           "各记录表（记录-进展清单、记录-责令限期整改……，与导出的Excel相同），"
                           "或只读list指明的一张；CSV只有一张表，须用list指明。返回四个清单数据"
                           "中相应的部分；有错时逐条指出哪张表第几行哪一列，一条也不导入。",
            "parameters": [_query("list", "导入哪一个清单：字段路径（" + "、".join(IMPORT_LISTS) +
                                  "）或中文名（如行政处罚款）；CSV必填，不认识时422")],
            "requestBody": {"required": True, "content": {
                LEDGER_MEDIA["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string"}}}},
            "responses": {"200": {"description": "四个清单数据中导入的记录", "content": {
                "application/json": {"schema": {"type": "object", "properties": {
                    "progress": _records("DailyProgress"),
                    "enforcement": {"type": "object", "properties": {
                        k: _records("DailyFine" if k == "fines" else "DailyEnforcement")
                        for k in ("deadline", "fines", "suspensions", "licenses",
                                  "closures")}},
                    "accountability": _records("DailyPerson"),
                    "hazards": _records("DailyHazard")}}}}},
                **errors("invalid", "too_large")}}},
        "/api/v1/import/lead-ledger": _one_list_import(
            "import_lead_ledger_records", "线索清单的线索", "每日举报问题线索清单", "rows",
            "LedgerRow"),
        "/api/v1/import/contacts": _one_list_import(
            "import_contacts_records", "联络人表的联络人", "联络人", "contacts", "ContactRow"),
        "/api/v1/documents/{id}/feedback": {"put": {
            "operationId": "record_feedback", "summary": "登记交办书的反馈", "tags": TAG,
            "description": "接收日期、异议（交办后2日内）、实际反馈日期、是否属实、办理结果、"
                           "查处进展、答复情况、签字负责人；再次提交即替换。",
            "parameters": _id("交办书id"), "requestBody": body("FeedbackIn"),
            "responses": {"200": lead, **errors(*BODY_ERRORS, "not_found", "lead_closed",
                                                "objection_too_late")}}},
        "/api/v1/documents/{id}/feedback/file": {"put": {
            "operationId": "attach_feedback_file", "summary": "上传反馈材料（PDF或图片）",
            "tags": TAG, "parameters": _id("交办书id"),
            "requestBody": {"required": True, "content": {
                t: {"schema": {"type": "string", "format": "binary"}}
                for t in ("application/pdf", "image/png", "image/jpeg")}},
            "responses": {"200": lead, **errors("not_found", "unsupported_file",
                                                "file_too_large", "too_large")}}},
    }
