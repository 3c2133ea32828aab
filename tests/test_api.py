"""The JSON API as its contract (/openapi.json, docs/api.md) fixes it."""

from __future__ import annotations

import hashlib
from urllib.parse import unquote

import pytest

from tests.conftest import docx_text, load_fixture, pdf_text, squeeze

NOTICE = "/api/v1/documents/transfer-notice"


def test_kinds_lists_chinese_names_and_schema_links(client) -> None:  # type: ignore[no-untyped-def]
    kinds = client.get("/api/v1/kinds").json["kinds"]
    notice = next(k for k in kinds if k["kind"] == "transfer-notice")
    assert notice["name"] == "督查检查或群众举报事项交办（移送）书" and notice["numbered"]
    schema = client.get(notice["links"]["schema"]).json
    assert schema["additionalProperties"] is False
    assert {"campaign", "code", "recipient_kind", "issued_on"} <= set(schema["required"])
    assert client.get("/api/v1/kinds/nonsense/schema").status_code == 404


def test_issue_then_download_byte_identical(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(NOTICE, json=load_fixture("transfer-notice"))
    assert response.status_code == 201
    body = response.json
    assert body["kind"] == "transfer-notice" and body["number"] == 1
    assert body["number_text"] == "（煤）移〔2022〕1号"
    assert response.headers["Location"].endswith(body["id"])
    first = client.get(body["links"]["pdf"])
    second = client.get(body["links"]["pdf"])
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert first.data == second.data
    assert hashlib.sha256(first.data).hexdigest() == body["sha256"]["pdf"]
    assert "（煤）移〔2022〕1号" in pdf_text(first.data)
    disposition = first.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "（煤）移〔2022〕1号-交办（移送）书-东岭县鑫源煤业有限公司.pdf"
    assert 'filename="transfer-notice-2022-1.pdf"' in disposition
    docx_response = client.get(body["links"]["docx"])
    assert docx_response.mimetype.endswith("wordprocessingml.document")
    assert "（煤）移〔2022〕1号" in docx_text(docx_response.data)
    assert client.post(NOTICE, json=load_fixture("transfer-notice")).json["number"] == 2


def test_conditional_download_uses_the_sha256_etag(client) -> None:  # type: ignore[no-untyped-def]
    body = client.post(NOTICE, json=load_fixture("transfer-notice")).json
    first = client.get(body["links"]["docx"])
    assert first.headers["ETag"].strip('"') == body["sha256"]["docx"]
    again = client.get(body["links"]["docx"], headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_preview_is_a_draft_and_stores_nothing(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/render/transfer-notice.pdf", json=load_fixture("transfer-notice"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "草稿（未签发，不作正式文书使用）" in text and "（煤）移〔2022〕号" in squeeze(text)
    assert response.headers["X-Draft"] == "true"
    assert client.get("/api/v1/documents").json["total"] == 0


def test_idempotent_retry_returns_the_first_result(client) -> None:  # type: ignore[no-untyped-def]
    data = load_fixture("transfer-notice")
    headers = {"Idempotency-Key": "county-42-7f3a"}
    first = client.post(NOTICE, json=data, headers=headers)
    retry = client.post(NOTICE, json=data, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json == first.json and retry.headers["Idempotent-Replayed"] == "true"
    other = client.post(NOTICE, json={**data, "subject": "另一家企业"}, headers=headers)
    assert other.status_code == 409 and other.json["error"] == "idempotency_conflict"
    assert client.post(NOTICE, json=data).json["number"] == 2
    bad = client.post(NOTICE, json=data, headers={"Idempotency-Key": "含中文"})
    assert bad.status_code == 400


def test_register_listing_filters(client) -> None:  # type: ignore[no-untyped-def]
    enterprise = load_fixture("transfer-notice")
    government = load_fixture("transfer-notice-government")
    client.post(NOTICE, json=enterprise)
    client.post(NOTICE, json=government)
    client.post(NOTICE, json=enterprise)
    listing = client.get("/api/v1/documents").json
    assert listing["total"] == 3
    assert [d["number_text"] for d in listing["documents"]] == [
        "（煤）移〔2022〕2号", "（特）移〔2021〕1号", "（煤）移〔2022〕1号"]
    assert client.get("/api/v1/documents?year=2021").json["total"] == 1
    assert client.get("/api/v1/documents?kind=transfer-notice&year=2022").json["total"] == 2
    assert client.get("/api/v1/documents?q=恒达气体").json["total"] == 1
    assert client.get("/api/v1/documents?q=（煤）移〔2022〕2号").json["total"] == 1
    assert client.get("/api/v1/documents?limit=1&offset=2").json["documents"][0]["number"] == 1
    bad = client.get("/api/v1/documents?year=twenty")
    assert bad.status_code == 422 and bad.json["fields"][0]["path"] == "year"
    assert client.get("/api/v1/documents?kind=nope").status_code == 422


def test_document_entry_and_missing_ids(client) -> None:  # type: ignore[no-untyped-def]
    body = client.post(NOTICE, json=load_fixture("transfer-notice")).json
    entry = client.get(f"/api/v1/documents/{body['id']}").json
    assert entry["number_text"] == body["number_text"] and entry["links"] == body["links"]
    for url in ("/api/v1/documents/abc", "/api/v1/documents/abc.pdf", "/api/v1/nothing"):
        response = client.get(url)
        assert response.status_code == 404 and response.json["error"] == "not_found"
    assert client.post("/api/v1/documents/no-such-kind", json={}).status_code == 404
    assert client.post("/api/v1/render/no-such-kind.pdf", json={}).json["error"] == "unknown_kind"


@pytest.mark.parametrize(
    "change,path,message",
    [
        ({"recipient": None}, "recipient", "缺少主送单位"),
        ({"recipent": "错拼的键"}, "recipent", "不认识的字段“recipent”"),
        ({"issued_on": "2022-02-30"}, "issued_on", "成文日期：日期格式应为YYYY-MM-DD"),
        ({"issued_on": "2022/1/7"}, "issued_on", "成文日期：日期格式应为YYYY-MM-DD"),
        ({"received_on": 1641513600}, "received_on", "接报日期：日期格式应为YYYY-MM-DD"),
        ({"recipient_kind": "company"}, "recipient_kind", "应为以下之一：enterprise、office、government"),
        ({"code": "煤煤煤煤煤煤煤"}, "code", "文号代字：不能超过6个字符"),
        ({"code": ""}, "code", "文号代字：不能为空"),
        ({"subject": "   "}, "subject", "涉及单位或个人：不能为空"),
        ({"supervisor": {"name": "某", "mobile": "1"}}, "supervisor.mobile", "不认识的字段"),
        ({"attachments": ["正常", 3]}, "attachments.1", "有关材料第2项：应为文本"),
        ({"received_on": "2022-02-01"}, "received_on", "接报日期不能晚于成文日期"),
        ({"feedback_due": "2022-01-01"}, "feedback_due", "反馈期限不能早于成文日期"),
    ],
)
def test_invalid_data_is_422_naming_the_field(client, change, path, message) -> None:  # type: ignore[no-untyped-def]
    data = {**load_fixture("transfer-notice"), **change}
    data = {k: v for k, v in data.items() if v is not None}
    for url in (NOTICE, "/api/v1/render/transfer-notice.pdf"):
        response = client.post(url, json=data)
        assert response.status_code == 422
        body = response.json
        assert body["error"] == "invalid" and body["message"].startswith("数据有")
        entry = next(f for f in body["fields"] if f["path"] == path)
        assert message in entry["message"]
    assert client.get("/api/v1/documents").json["total"] == 0


def test_malformed_json_wrong_type_and_too_large(client, app) -> None:  # type: ignore[no-untyped-def]
    bad = client.post(NOTICE, data=b'{"code": ', content_type="application/json")
    assert bad.status_code == 400 and bad.json["error"] == "bad_json"
    assert client.post(NOTICE, data=b"\xff\xfe", content_type="application/json").status_code == 400
    assert client.post(NOTICE, data=b"[1, 2]", content_type="application/json").status_code == 422
    form = client.post(NOTICE, data={"code": "煤"})
    assert form.status_code == 415 and form.json["error"] == "unsupported_media_type"
    huge = b'{"campaign": "' + b"a" * (app.config["MAX_CONTENT_LENGTH"] + 10) + b'"}'
    too_large = client.post(NOTICE, data=huge, content_type="application/json")
    assert too_large.status_code == 413 and too_large.json["error"] == "too_large"
    assert "上限" in too_large.json["message"]


def test_openapi_is_generated_from_the_models(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    schema = spec["components"]["schemas"]["TransferNotice"]
    assert schema["properties"]["recipient_kind"]["enum"] == ["enterprise", "office", "government"]
    operation = spec["paths"]["/api/v1/documents/transfer-notice"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/TransferNotice")
    assert {"201", "400", "413", "415", "422"} <= set(operation["responses"])
    for path in ("/api/v1/kinds", "/api/v1/documents", "/api/v1/documents/{id}.pdf",
                 "/api/v1/render/transfer-notice.docx"):
        assert path in spec["paths"]
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "recipient_kind" in html and "主送单位" in html and "/openapi.json" in html


def test_register_query_parameters_are_checked(client) -> None:  # type: ignore[no-untyped-def]
    for query, path in (("year=²", "year"), ("limit=", "limit"), ("kind=", "kind"),
                        ("colour=red", "colour"), ("q=" + "a" * 201, "q")):
        response = client.get(f"/api/v1/documents?{query}")
        assert response.status_code == 422, query
        assert response.json["fields"][0]["path"] == path
    assert client.get("/api/v1/documents?q=").status_code == 200


def test_posting_to_a_document_url_is_405_with_allow(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/documents/" + "a" * 32, json={})
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert response.json["error"] == "method_not_allowed"
