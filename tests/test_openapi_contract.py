"""The integrators' contract: /openapi.json and the /docs page generated from it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from service.http_errors import HTTP_MESSAGES
from service.kinds import KINDS
from service.openapi import ERROR_CODES
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
CJK = re.compile(r"[\u3400-\u9fff]")
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
# Codes that never reach the JSON API: the web forms', the command line's, and the unit
# commands' (run on the server), and HTTP answers no documented operation gives.
NOT_API = {"bad_row", "bad_week", "bad_format", "unit_exists", "method_not_allowed",
           "http_error", "error", "conflict"}


@pytest.fixture
def spec(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    document: dict[str, Any] = client.get("/openapi.json").json
    return document


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield path, method, op


def fixtures_of(kind: str) -> dict[str, Any]:
    """fixtures/<kind>.json and fixtures/<kind>-*.json (not another kind's), by stem."""
    others = [k for k in KINDS if k != kind and k.startswith(kind + "-")]
    out = {}
    for path in sorted(FIXTURES.glob("*.json")):
        mine = path.stem == kind or path.stem.startswith(kind + "-")
        if mine and not any(path.stem == k or path.stem.startswith(k + "-") for k in others):
            out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return out


def texts(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every summary and description in the document (not inside example values)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("summary", "description") and isinstance(value, str):
                yield f"{where}/{key}", value
            if key == "examples" and isinstance(value, dict):
                for name, example in value.items():
                    yield from texts({k: v for k, v in example.items() if k != "value"},
                                     f"{where}/examples/{name}")
            elif key in ("properties", "mapping", "paths") and isinstance(value, dict):
                for name, sub in value.items():  # names there are fields, kinds or paths
                    yield from texts(sub, f"{where}/{key}/{name}")
            elif key not in ("example", "default", "const", "enum"):
                yield from texts(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from texts(value, f"{where}/{i}")


def test_operation_ids_are_snake_case_verbs_and_unique(spec) -> None:  # type: ignore[no-untyped-def]
    ids = [op["operationId"] for _, _, op in operations(spec)]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if not SNAKE.match(i)] == []
    verbs = {"list", "get", "issue", "preview", "download", "void", "correct", "submit",
             "create", "update", "revoke", "set", "disable", "register", "accept", "return",
             "escalate", "record", "attach", "import", "summarize"}
    assert [i for i in ids if i.split("_")[0] not in verbs] == []
    for expected in ("list_kinds", "get_kind_schema", "issue_transfer_notice",
                     "preview_transfer_notice_pdf", "download_document_docx", "get_document",
                     "submit_batch", "download_batch_zip", "download_unit_contacts_pdf"):
        assert expected in ids


def test_every_operation_is_tagged_with_a_declared_tag(spec) -> None:  # type: ignore[no-untyped-def]
    declared = [tag["name"] for tag in spec["tags"]]
    assert declared == ["kinds", "documents", "previews", "batches", "imports", "leads",
                        "bulletins", "units", "audit"]
    for tag in spec["tags"]:
        assert CJK.search(tag["x-displayName"]) and CJK.search(tag["description"])
    for path, method, op in operations(spec):
        assert op.get("tags"), (method, path)
        assert set(op["tags"]) <= set(declared), (method, path)
    used = {tag for _, _, op in operations(spec) for tag in op["tags"]}
    assert used == set(declared)


@pytest.mark.parametrize("kind", list(KINDS))
def test_request_bodies_carry_the_fixtures_as_examples(spec, kind) -> None:  # type: ignore[no-untyped-def]
    expected = fixtures_of(kind)
    assert expected, f"no fixture for {kind}"
    paths = [f"/api/v1/documents/{kind}", f"/api/v1/render/{kind}.pdf",
             f"/api/v1/render/{kind}.docx"]
    for path in paths:
        media = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        examples = media["examples"]
        assert {name: e["value"] for name, e in examples.items()} == expected, path
        assert all(CJK.search(e["summary"]) for e in examples.values())


@pytest.mark.parametrize("kind", list(KINDS))
def test_examples_are_valid_and_accepted(client, spec, kind) -> None:  # type: ignore[no-untyped-def]
    media = spec["paths"][f"/api/v1/documents/{kind}"]["post"]["requestBody"]["content"]
    ref = media["application/json"]["schema"]["$ref"]
    published = jsonschema_rs.validator_for({"$ref": ref, "components": spec["components"]})
    own = jsonschema_rs.validator_for(client.get(f"/api/v1/kinds/{kind}/schema").json)
    for name, example in media["application/json"]["examples"].items():
        value = example["value"]
        assert [e.message for e in published.iter_errors(value)] == [], name
        assert [e.message for e in own.iter_errors(value)] == [], name
        response = client.post(f"/api/v1/render/{kind}.pdf", json=value)
        assert response.status_code == 200, (name, response.get_data(as_text=True))
        assert response.data.startswith(b"%PDF")


def test_a_batch_example_is_accepted(client, spec) -> None:  # type: ignore[no-untyped-def]
    media = spec["paths"]["/api/v1/batches"]["post"]["requestBody"]["content"]
    validator = jsonschema_rs.validator_for({"$ref": media["application/json"]["schema"]["$ref"],
                                             "components": spec["components"]})
    for example in media["application/json"]["examples"].values():
        assert [e.message for e in validator.iter_errors(example["value"])] == []
        assert client.post("/api/v1/batches", json=example["value"]).status_code == 202


def test_batch_items_are_typed_by_kind(spec) -> None:  # type: ignore[no-untyped-def]
    schemas = spec["components"]["schemas"]
    items = schemas["BatchRequest"]["properties"]["items"]["items"]
    assert items == {"$ref": "#/components/schemas/BatchItem"}
    item = schemas["BatchItem"]
    assert item["discriminator"]["propertyName"] == "kind"
    mapping = item["discriminator"]["mapping"]
    assert set(mapping) == set(KINDS)
    assert [v["$ref"] for v in item["oneOf"]] == [mapping[k] for k in KINDS]
    for name, ref in mapping.items():
        variant = schemas[ref.rsplit("/", 1)[-1]]
        assert variant["properties"]["kind"]["const"] == name
        assert variant["required"] == ["kind", "data"]
        assert variant["additionalProperties"] is False
        model = KINDS[name].model.__name__
        assert variant["properties"]["data"]["anyOf"][0] == {
            "$ref": f"#/components/schemas/{model}"}
        assert CJK.search(variant["properties"]["ref"]["description"])
    assert "BatchItemIn" not in schemas


def test_a_batch_item_of_the_wrong_shape_is_still_refused(client, spec) -> None:  # type: ignore[no-untyped-def]
    data = fixtures_of("transfer-notice")["transfer-notice"]
    good = {"kind": "transfer-notice", "data": data}
    for item in ({**good, "extra": 1}, {**good, "kind": "memo"}, {**good, "data": [data]},
                 {**good, "ref": ""}):
        assert client.post("/api/v1/batches", json={"items": [item]}).status_code == 422
    assert client.post("/api/v1/batches", json={"items": [good]}).status_code == 202


def test_idempotency_key_and_ref_are_documented(spec) -> None:  # type: ignore[no-untyped-def]
    issuing = [f"/api/v1/documents/{kind}" for kind in KINDS] + ["/api/v1/batches"]
    for path in issuing:
        [key] = [p for p in spec["paths"][path]["post"]["parameters"]
                 if p["name"] == "Idempotency-Key"]
        assert key["in"] == "header" and CJK.search(key["description"])
        assert "idempotency_conflict" in spec["paths"][path]["post"]["responses"]["409"][
            "x-error-codes"]
    assert "ref" in spec["paths"]["/api/v1/batches"]["post"]["description"]


def test_every_error_response_lists_its_codes(spec) -> None:  # type: ignore[no-untyped-def]
    for path, method, op in operations(spec):
        for status, response in op["responses"].items():
            if int(status) < 400:
                continue
            codes = response["x-error-codes"]
            assert codes, (method, path, status)
            for code in codes:
                assert ERROR_CODES[code][0] == int(status), (method, path, code)
                assert code in response["description"], (method, path, code)
            assert response["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorBody"}
        if "security" in op:
            assert "unauthorized" in op["responses"]["401"]["x-error-codes"]
    issue = spec["paths"]["/api/v1/documents/bulletin"]["post"]["responses"]
    assert {"number_taken", "series_full"} <= set(issue["409"]["x-error-codes"])
    assert "bad_idempotency_key" in issue["400"]["x-error-codes"]
    assert "render_timeout" in issue["503"]["x-error-codes"]
    tokens = spec["paths"]["/api/v1/unit/tokens"]["post"]["responses"]
    assert "not_admin" in tokens["403"]["x-error-codes"]
    assert "token_exists" in tokens["409"]["x-error-codes"]


def test_every_code_the_service_sends_is_catalogued() -> None:
    sent = {m.group(1) for path in (ROOT / "service").rglob("*.py")
            for m in re.finditer(r"""code=["']([a-z_]+)["']""", path.read_text(encoding="utf-8"))}
    sent |= {m.group(1) for path in (ROOT / "service").rglob("*.py")
             for m in re.finditer(r"""_denied\(\d+, ["']([a-z_]+)["']""",
                                  path.read_text(encoding="utf-8"))}
    sent |= {code for code, _ in HTTP_MESSAGES.values()}
    sent -= {"default"}  # units.create's Unit(code=…) is a unit, not an error
    assert sent - set(ERROR_CODES) - NOT_API == set()


def test_summaries_and_descriptions_are_chinese(spec) -> None:  # type: ignore[no-untyped-def]
    found = list(texts(spec))
    assert len(found) > 200
    english = [(where, text) for where, text in found if not CJK.search(text)]
    assert english == []
    # Nor English prose beside the Chinese: three English words in a row, outside `code`.
    prose = re.compile(r"\b[A-Za-z]{2,}[ ,]+[a-z]{2,}[ ,]+[a-z]{2,}\b")
    mixed = [(where, text) for where, text in found if prose.search(re.sub(r"`[^`]*`", "", text))]
    assert mixed == []


def test_defaults_are_json(client, spec) -> None:  # type: ignore[no-untyped-def]
    batch = spec["components"]["schemas"]["BatchRequest"]["properties"]
    assert batch["formats"]["default"] == ["docx", "pdf"]
    assert batch["issue"]["default"] is False
    html = client.get("/docs").get_data(as_text=True)
    shown = re.findall(r"默认：?\s*<code>(.*?)</code>", html)
    assert shown
    for text in shown:
        json.loads(text.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
                   .replace("&lt;", "<").replace("&gt;", ">"))
    assert "默认：<code>[&#34;docx&#34;, &#34;pdf&#34;]</code>" in html
    assert "默认：<code>false</code>" in html and "默认：<code>null</code>" in html
    for python in ("<code>None</code>", "<code>True</code>", "<code>False</code>", "<code>['"):
        assert python not in html


def test_docs_page_is_styled_from_a_file_and_links_back(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "style-src 'self'" in page.headers["Content-Security-Policy"]
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)
    assert links == ["/static/web/docs.css"]
    css = client.get(links[0])
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert "<style" not in html.lower()
    assert re.search(r"\sstyle\s*=", html, re.IGNORECASE) is None
    assert 'href="/"' in html and 'href="/register"' in html
    for label in ("首页", "新建文书", "登记簿"):
        assert label in html
    for name in ("issue_transfer_notice", "submit_batch", "BatchItem", "idempotency_conflict",
                 "签发与登记簿", "安全生产专项行动文书服务"):
        assert name in html


def test_without_the_fixtures_folder_there_are_no_examples(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from service import openapi, openapi_parts

    monkeypatch.setattr(openapi_parts, "FIXTURES", tmp_path / "absent")
    spec = openapi.document.__wrapped__()
    for _, _, op in operations(spec):
        if "requestBody" in op:
            assert "examples" not in op["requestBody"]["content"].get("application/json", {})
    assert "BatchItem" in spec["components"]["schemas"]
