"""The officers' web pages through Flask's test client: forms, errors, drafts, issuing."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

import pytest
from pydantic import BaseModel

from service.form_posts import flatten
from service.kinds import KINDS
from tests.conftest import FIXTURES, load_fixture, pdf_text


def csrf(client) -> str:  # type: ignore[no-untyped-def]
    client.get("/new/transfer-notice")
    with client.session_transaction() as session:
        return str(session["_csrf"])


def form_data(data: dict[str, Any], token: str) -> dict[str, str]:
    out = {k: ("1" if v is True else str(v)) for k, v in flatten(data).items()
           if not k.endswith("__len__") and v is not False and v is not None}
    out["_csrf"] = token
    return out


def model_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every field of a model as the dotted path a form input must carry (lists as .0)."""
    paths = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        if (info.json_schema_extra or {}).get("x-widget") == "hidden":  # type: ignore[union-attr]
            continue  # carried by the page (a lead's id): tests/test_leads_web.py
        inner = info.annotation
        if typing.get_origin(inner) in (typing.Union, types.UnionType):  # X | None
            inner = next(a for a in typing.get_args(inner) if a is not type(None))
        if typing.get_origin(inner) is list:
            path += ".0"
            inner = typing.get_args(inner)[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            paths += model_paths(inner, path + ".")
        else:
            paths.append(path)
    return paths


def test_home_lists_every_kind_in_chinese(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/").get_data(as_text=True)
    for kind in KINDS.values():
        assert kind.title in html and f"/new/{kind.name}" in html


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_model_field_has_an_input_in_its_form(client, kind: str) -> None:  # type: ignore[no-untyped-def]
    html = client.get(f"/new/{kind}").get_data(as_text=True)
    names = set(re.findall(r'name="([^"]+)"', html))
    for path in model_paths(KINDS[kind].model):
        assert path in names, f"{kind}: no input for {path}"


def test_form_uses_chinese_labels_date_inputs_and_select_labels(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/new/transfer-notice").get_data(as_text=True)
    assert '<label for="f-recipient">主送单位' in html
    assert re.search(r'<input id="f-received_on" name="received_on" value=""\s+type="date"', html)
    assert '<option value="government">政府（你政府）</option>' in html
    assert 'name="issued_on" value="' in html and "data-default-from=\"issued_on\"" in html
    today = re.search(r'name="issued_on" value="(\d{4}-\d\d-\d\d)"', html)
    assert today is not None  # issued_on defaults to today


def test_errors_appear_beside_the_field_and_values_are_kept(client) -> None:  # type: ignore[no-untyped-def]
    data = load_fixture("transfer-notice")
    del data["recipient"]
    data["issued_on"] = "2022-13-45"
    response = client.post("/new/transfer-notice", data=form_data(data, csrf(client)))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field = re.search(r'<div class="field field-text has-error">\s*<label for="f-recipient">.*?</div>',
                      html, re.S)
    assert field and '<p class="error" id="err-recipient">缺少主送单位</p>' in field.group(0)
    assert "成文日期：日期格式应为YYYY-MM-DD" in html
    assert 'value="东岭县鑫源煤业有限公司"' in html  # subject kept
    assert "群众举报信（复印件）" in html  # list rows kept
    assert 'value="2022-13-45"' in html  # the wrong value stays for correcting


def test_preview_then_issue_then_similar(client) -> None:  # type: ignore[no-untyped-def]
    token = csrf(client)
    response = client.post("/new/transfer-notice", data=form_data(load_fixture("transfer-notice"), token))
    assert response.status_code == 302 and "/drafts/" in response.headers["Location"]
    draft_url = response.headers["Location"]
    assert client.get(draft_url).status_code == 200  # reloadable: the draft is kept
    pdf = client.get(draft_url + ".pdf")
    assert pdf.mimetype == "application/pdf" and "草稿" in pdf_text(pdf.data)
    assert pdf.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get("/api/v1/documents").json["total"] == 0  # preview used no number
    edit = client.get(f"/new/transfer-notice?draft={draft_url.rsplit('/', 1)[1]}").get_data(as_text=True)
    assert 'value="东岭县鑫源煤业有限公司"' in edit
    issued = client.post(draft_url + "/issue", data={"_csrf": token})
    again = client.post(draft_url + "/issue", data={"_csrf": token})
    assert issued.headers["Location"] == again.headers["Location"]  # a double click issues once
    page = client.get(issued.headers["Location"]).get_data(as_text=True)
    assert '<dd class="number" id="number">（煤）移〔2022〕1号</dd>' in page
    doc_id = issued.headers["Location"].rsplit("/", 1)[1]
    printed = client.get(f"/documents/{doc_id}/print.pdf")
    assert printed.mimetype == "application/pdf" and "（煤）移〔2022〕1号" in pdf_text(printed.data)
    similar = client.get(f"/new/transfer-notice?from={doc_id}").get_data(as_text=True)
    assert 'value="东岭县鑫源煤业有限公司"' in similar and "群众举报信（复印件）" in similar
    assert client.get("/api/v1/documents").json["total"] == 1


def test_register_page_filters_and_searches(client, app) -> None:  # type: ignore[no-untyped-def]
    client.post("/api/v1/documents/transfer-notice", json=load_fixture("transfer-notice"))
    client.post("/api/v1/documents/transfer-notice", json=load_fixture("transfer-notice-government"))
    html = client.get("/register").get_data(as_text=True)
    assert html.index("（特）移〔2021〕1号") < html.index("（煤）移〔2022〕1号")  # newest first
    assert "（特）移〔2021〕1号" not in client.get("/register?year=2022").get_data(as_text=True)
    found = client.get("/register?q=恒达").get_data(as_text=True)
    assert "共1份" in found and "（特）移〔2021〕1号" in found
    assert "/api/v1/documents/" in found  # re-download links


def test_rows_can_be_added_and_removed_without_javascript(client) -> None:  # type: ignore[no-untyped-def]
    data = form_data(load_fixture("transfer-notice"), csrf(client))
    html = client.post("/new/transfer-notice", data={**data, "_add": "attachments"}).get_data(as_text=True)
    assert 'name="attachments.2"' in html and "现场核查照片4张" in html
    html = client.post("/new/transfer-notice", data={**data, "_remove": "attachments.0"}).get_data(as_text=True)
    assert "群众举报信（复印件）" not in html
    assert re.search(r'name="attachments.0"[^>]*>现场核查照片4张<', html)


def test_posts_without_the_csrf_token_are_refused(client) -> None:  # type: ignore[no-untyped-def]
    data = form_data(load_fixture("transfer-notice"), "forged")
    response = client.post("/new/transfer-notice", data=data)
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)


def test_security_headers(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/new/transfer-notice")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.get_data(as_text=True)  # no inline script to allow


FIXTURE_CASES = sorted(p.stem for p in FIXTURES.glob("*.json"))


def _kind_of(fixture: str) -> str:
    return next(k for k in sorted(KINDS, key=len, reverse=True) if fixture.startswith(k))


@pytest.mark.parametrize("fixture", FIXTURE_CASES)
def test_every_fixture_goes_through_its_form_to_an_issued_document(client, fixture: str) -> None:  # type: ignore[no-untyped-def]
    kind = _kind_of(fixture)
    token = csrf(client)
    response = client.post(f"/new/{kind}", data=form_data(load_fixture(fixture), token))
    assert response.status_code == 302, re.findall(r'class="error"[^>]*>([^<]+)<', response.get_data(as_text=True))
    issued = client.post(response.headers["Location"] + "/issue", data={"_csrf": token})
    page = client.get(issued.headers["Location"]).get_data(as_text=True)
    assert "已签发" in page and KINDS[kind].title in page
    listing = client.get("/api/v1/documents").json["documents"]
    assert listing[0]["kind"] == kind
    assert listing[0]["label"] in page


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_form_shows_a_missing_required_field_beside_it(client, kind: str) -> None:  # type: ignore[no-untyped-def]
    fixture = next(f for f in FIXTURE_CASES if _kind_of(f) == kind)
    data = load_fixture(fixture)
    required = next(k for k in KINDS[kind].model.model_json_schema()["required"]
                    if isinstance(data.get(k), str))
    del data[required]
    response = client.post(f"/new/{kind}", data=form_data(data, csrf(client)))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="err-{required}">([^<]+)</p>', html)
    assert error and error.group(1).startswith("缺少")


def test_odd_query_values_on_the_register_page_are_ignored_not_errors(client) -> None:  # type: ignore[no-untyped-def]
    for query in ("year=²", "page=١", "year=99999999999999999999", "kind=nope", "q=" + "字" * 300):
        assert client.get(f"/register?{query}").status_code == 200, query
