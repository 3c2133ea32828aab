"""Chinese descriptions and field titles of the schemas in /openapi.json whose models are
documented in English docstrings (service.api_models and the like), and of the kinds."""

from __future__ import annotations

from typing import Any

from service.kinds import KINDS

# Chinese descriptions (and field titles) for the schemas whose models are documented in
# English docstrings; a field title is replaced only where pydantic made one up.
SCHEMA_TEXT: dict[str, tuple[str, dict[str, str | tuple[str, str]]]] = {
    "ErrorBody": ("错误响应：稳定的错误代码（error）、中文说明（message）和逐项的字段错误"
                  "（fields）。错误代码见各响应的说明和x-error-codes。",
                  {"error": "错误代码", "message": "说明", "fields": "字段错误"}),
    "FieldError": ("一个字段的错误。", {"path": ("字段路径", "如 items.0.data.enterprise"),
                                        "message": "说明"}),
    "Issued": ("一份已签发的文书：签发请求的响应，也是登记簿的一行。", {
        "id": "文书id", "kind": "文书种类",
        "number": ("序号", "编号中的流水号；不编号的文书种类为null"),
        "number_text": ("文号", "印在文书上的文号，如（煤）移〔2022〕1号；不编号的为null"),
        "label": "标题摘要", "year": "年度", "issued_at": "签发时间",
        "issued_by": "签发人", "sha256": ("文件校验值", "各格式文件的SHA-256"),
        "warnings": ("提示", "关于数据的提示，如未计入的记录"), "links": "下载链接",
        "status": "状态", "note": "作废原因", "voided_at": "作废时间", "voided_by": "作废人",
        "replaces": "更正的文书", "replaced_by": "被更正为"}),
    "Links": ("已签发文书的下载链接。", {"docx": "DOCX", "pdf": "PDF"}),
    "DocumentList": ("登记簿的一页，新的在前。", {"documents": "文书", "total": "总数",
                                                 "limit": "每页条数", "offset": "起始位置"}),
    "KindInfo": ("一种文书。", {"kind": "文书种类", "name": "名称", "description": "说明",
                               "numbered": "是否编号", "links": "链接"}),
    "KindList": ("本服务能生成的文书种类。", {"kinds": "文书种类"}),
    "BatchRequest": ("批量任务：至多2000项，要生成的格式，以及是否签发（编号登记）。", {}),
    "BatchStatus": ("批量任务的进度。", {
        "id": "任务编号", "status": ("状态", "queued：排队中；running：进行中；finished：已完成"),
        "total": "总项数", "done": "已完成", "failed": "失败", "pending": "待处理",
        "created_at": "提交时间", "links": ("链接", "self：进度；zip：结果下载")}),
    "AuditEntry": ("一条操作记录。", {"seq": "序号", "at": "时间", "actor": "操作人",
                                     "action": "操作", "target": "对象", "detail": "详情",
                                     "address": "来源地址"}),
    "LeadIn": ("登记一条线索：线索清单的各列。", {}),
    "LeadOut": ("一条线索：交办书、反馈期限和反馈。", {
        "id": "线索id", "status_name": "状态（中文）", "received_on": "接报日期",
        "source": "举报来源", "content": "举报内容", "category": "举报类型",
        "enterprise": "涉及企业", "locality": "属地政府", "note": "备注",
        "document_number": "交办文书文号", "transferred_to": "交办单位",
        "transferred_on": "交办日期", "overdue": "已逾期", "due_soon": "两日内到期",
        "feedback": "反馈", "returned_reason": "退回理由", "closed_at": "销号时间",
        "has_file": "有反馈材料"}),
    "LeadList": ("本单位的线索，及as_of日的逾期和两日内到期计数。", {
        "as_of": "判断日期", "overdue": "已逾期", "due_soon": "两日内到期", "leads": "线索"}),
    "FeedbackIn": ("被交办方对交办书的反馈。", {}),
    "Result": ("一项办理结果，适用时附数量（罚款万元、家数等）。", {}),
    "Reason": ("退回或提级核查的理由。", {}),
    "LedgerRow": ("线索清单中的一条线索。", {}),
    "AuditList": ("本单位操作记录的一页，新的在前。", {"events": "记录", "total": "总数",
                                                     "limit": "每页条数", "offset": "起始位置"}),
    "Profile": ("单位资料：新建文书时表单中预先填好的内容。", {}),
    "UnitOut": ("单位：代码及其资料。", {"code": "单位代码", "profile": "单位资料"}),
    "TokenIn": ("本单位新的API令牌。", {}),
    "TokenInfo": ("本单位的一个令牌：名称和权限（不含令牌本身）。", {
        "name": "令牌名称", "read_only": "只读", "admin": "管理本单位", "revoked": "已撤销"}),
    "TokenList": ("本单位的令牌。", {"tokens": "令牌"}),
    "NewToken": ("新建的令牌：只显示这一次。", {"name": "令牌名称", "token": "令牌"}),
    "UserIn": ("本单位的新用户，或给已有用户设新密码。", {}),
    "UserInfo": ("本单位的一个用户。", {"username": "用户名", "active": "有效",
                                       "admin": "管理本单位", "read_only": "只读"}),
    "UserList": ("本单位的用户。", {"users": "用户"}),
    "UserName": ("刚建立或重设密码的用户。", {"username": "用户名"}),
    "VoidRequest": ("作废：写明这份文书为什么不再有效。", {}),
    "Analysis": ("【案例剖析】：模板中的三个方面，至少写一个。", {}),
    "Finding": ("发现的一处重大事故隐患或一项非法违法行为：周报统计表的一行。", {}),
    "Person": ("联系人，印作“姓名  联系方式：电话”。", {}),
    "Principal": ("签署承诺书的主要负责人。", {}),
}


def chinese_schemas(schemas: dict[str, Any]) -> None:
    for name, (description, fields) in SCHEMA_TEXT.items():
        schema = schemas.get(name)
        if schema is None:
            continue
        schema["description"] = description
        for key, text in fields.items():
            prop = schema.get("properties", {}).get(key)
            if prop is None:
                continue
            title, about = text if isinstance(text, tuple) else (text, None)
            if prop.get("title") in (None, key.replace("_", " ").title()):
                prop["title"] = title
            if about is not None:
                prop["description"] = about
    for kind in KINDS.values():  # the payload models: the kind's own Chinese description
        schemas[kind.model.__name__]["description"] = f"{kind.title}：{kind.description}"
