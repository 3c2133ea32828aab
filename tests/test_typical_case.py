"""The typical case (安全生产典型案例): seven sections in both formats, the template's
numbering, and validation messages that name the section to fix."""

from __future__ import annotations

import io
import re

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn

from service.issuing import validate
from service.kinds import KINDS
from service.render import render
from tests.conftest import docx_paragraphs, docx_text, load_fixture, pdf_text, squeeze

KIND = KINDS["typical-case"]
PREVIEW = "/api/v1/render/typical-case.pdf"
HEADINGS = ["【标题】", "【关键词】", "【要旨】", "【基本案情】", "【处理结果】", "【案例剖析】",
            "【举一反三工作建议】"]
KEYS = ["title", "keywords", "gist", "facts", "outcome", "analysis", "recommendations"]
PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$")


def context(data: dict) -> dict:
    return KIND.build(validate(KIND, data), None)


def pdf_body(content: bytes) -> str:
    """The PDF text without its page-number lines."""
    lines = pdf_text(content).splitlines()
    return "\n".join(line for line in lines if not PAGE_NUMBER.match(line.strip()))


@pytest.fixture(scope="module", params=["typical-case", "typical-case-minimal"])
def rendered(request):  # type: ignore[no-untyped-def]
    data = load_fixture(request.param)
    ctx = context(data)
    return data, render(KIND.name, ctx, "docx"), render(KIND.name, ctx, "pdf")


def expected_text(data: dict) -> list[str]:
    """Each section's heading followed by its printed values, in the template's order."""
    aspects = {"responsibility": "从落实党政领导责任、部门监管责任、企业主体责任方面",
               "institutions": "从体制机制法制建立完善方面", "factors": "从存在的主、客观因素方面"}
    present = [f"{label}：{data['analysis'][k]}" for k, label in aspects.items()
               if data["analysis"].get(k)]
    return [
        "【标题】", data["title"], "【关键词】", "；".join(data["keywords"]),
        "【要旨】", data["gist"], "【基本案情】", *data["facts"], "【处理结果】", *data["outcome"],
        "【案例剖析】", *[f"{i}. {t}" for i, t in enumerate(present, 1)],
        "【举一反三工作建议】", *[f"{i}. {t}" for i, t in enumerate(data["recommendations"], 1)],
    ]


def assert_in_order(text: str, phrases: list[str]) -> None:
    position = 0
    for phrase in phrases:
        found = text.find(squeeze(phrase), position)
        assert found >= 0, f"{phrase!r} missing or out of order"
        position = found + len(squeeze(phrase))


def test_docx_prints_the_seven_sections_in_order(rendered) -> None:  # type: ignore[no-untyped-def]
    data, docx_bytes, _ = rendered
    assert_in_order(squeeze(docx_text(docx_bytes)), expected_text(data))


def test_pdf_prints_the_seven_sections_in_order(rendered) -> None:  # type: ignore[no-untyped-def]
    data, _, pdf_bytes = rendered
    assert_in_order(squeeze(pdf_body(pdf_bytes)), expected_text(data))


def test_docx_and_pdf_print_the_same_text(rendered) -> None:  # type: ignore[no-untyped-def]
    _, docx_bytes, pdf_bytes = rendered
    assert squeeze(docx_text(docx_bytes)) == squeeze(pdf_body(pdf_bytes))


def test_headings_are_black_heading_paragraphs(rendered) -> None:  # type: ignore[no-untyped-def]
    _, docx_bytes, pdf_bytes = rendered
    document = docx.Document(io.BytesIO(docx_bytes))
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert all(styles[h] == "一级标题" for h in HEADINGS)
    # python-docx's font.name is the Latin face (Times New Roman); the Chinese one is eastAsia
    assert document.styles["一级标题"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    text = "".join(c["text"] for c in chars)
    for heading in HEADINGS:
        start = text.index(heading)
        fonts = {c["fontname"].split("+")[-1] for c in chars[start:start + len(heading)]}
        assert fonts == {"Noto-Sans-CJK-SC"}, (heading, fonts)  # the 黑体 stand-in


def test_facts_of_the_full_fixture_are_printed() -> None:
    ctx = context(load_fixture("typical-case"))
    assert ctx["case"]["meta"] == ["报送单位：东岭县应急管理局", "报送日期：2022年1月14日",
                                   "行业领域：煤矿", "案例类型：负面典型案例"]
    assert ctx["draft"] is False  # not numbered: a preview is the case itself
    minimal = context(load_fixture("typical-case-minimal"))
    assert minimal["case"]["meta"] == []


def test_analysis_numbers_only_the_aspects_present() -> None:
    full = context(load_fixture("typical-case"))["case"]["sections"][5]["paragraphs"]
    assert [p[:3] for p in full] == ["1. ", "2. ", "3. "]
    assert full[0].startswith("1. 从落实党政领导责任、部门监管责任、企业主体责任方面：企业主体")
    assert full[1].startswith("2. 从体制机制法制建立完善方面：")
    assert full[2].startswith("3. 从存在的主、客观因素方面：主观上")
    minimal = context(load_fixture("typical-case-minimal"))["case"]["sections"][5]["paragraphs"]
    assert minimal == ["1. 从落实党政领导责任、部门监管责任、企业主体责任方面："
                       "加油站负责人对特殊作业管理规定不熟悉，未履行作业审批职责，企业主体责任落实不到位。"]
    data = load_fixture("typical-case")
    data["analysis"] = {"institutions": "制度不全。", "factors": "心存侥幸。", "responsibility": " "}
    two = context(data)["case"]["sections"][5]["paragraphs"]
    assert two == ["1. 从体制机制法制建立完善方面：制度不全。", "2. 从存在的主、客观因素方面：心存侥幸。"]


def test_recommendations_are_numbered() -> None:
    paragraphs = context(load_fixture("typical-case"))["case"]["sections"][6]["paragraphs"]
    assert paragraphs[0].startswith("1. 全面推进煤矿产量监测系统联网")
    assert paragraphs[2].startswith("3. 强化联合惩戒和公开曝光")


def test_values_print_literally() -> None:
    data = {**load_fixture("typical-case-minimal"), "gist": "{{ 7*7 }} <b>粗</b> & \"引号\"\x07"}
    ctx = context(data)
    literal = "{{ 7*7 }} <b>粗</b> & \"引号\""
    assert squeeze(literal) in squeeze(docx_text(render(KIND.name, ctx, "docx")))
    assert squeeze(literal) in squeeze(pdf_text(render(KIND.name, ctx, "pdf")))


def post(client, data: dict):  # type: ignore[no-untyped-def]
    response = client.post(PREVIEW, json=data)
    assert response.status_code == 422, response.status_code
    return response.json["fields"]


@pytest.mark.parametrize("key,heading", list(zip(KEYS, HEADINGS, strict=True)))
def test_a_missing_section_is_named(client, key: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    data = load_fixture("typical-case")
    del data[key]
    assert post(client, data) == [{"path": key, "message": f"缺少{heading}"}]


@pytest.mark.parametrize("key,empty", [
    ("title", ""), ("keywords", []), ("gist", "   "), ("gist", None), ("facts", []),
    ("facts", ["", " "]), ("outcome", []), ("analysis", {}),
    ("analysis", {"responsibility": "", "factors": None}), ("recommendations", []),
])
def test_an_empty_section_counts_as_missing(client, key: str, empty: object) -> None:  # type: ignore[no-untyped-def]
    data = {**load_fixture("typical-case"), key: empty}
    heading = HEADINGS[KEYS.index(key)]
    assert post(client, data) == [{"path": key, "message": f"缺少{heading}"}]


@pytest.mark.parametrize("keywords", [["超能力", "停产"], ["a", "b", "c", "d", "e", "f"]])
def test_three_to_five_keywords(client, keywords: list[str]) -> None:  # type: ignore[no-untyped-def]
    data = {**load_fixture("typical-case"), "keywords": keywords}
    assert post(client, data) == [{"path": "keywords", "message": "关键词应为3至5个"}]


def test_keywords_must_be_distinct(client) -> None:  # type: ignore[no-untyped-def]
    data = {**load_fixture("typical-case"), "keywords": ["停产整顿", "罚款", " 停产整顿"]}
    [error] = post(client, data)
    assert error["path"] == "keywords"
    assert error["message"] == "关键词不能重复：“停产整顿”"


def test_title_must_end_with_an(client) -> None:  # type: ignore[no-untyped-def]
    data = {**load_fixture("typical-case"), "title": "东岭县恒泰煤业有限公司超能力组织生产"}
    [error] = post(client, data)
    assert error["path"] == "title"
    assert "应以“案”结尾" in error["message"] and "检查主体+违法主体+案" in error["message"]


def test_unknown_keys_are_rejected(client) -> None:  # type: ignore[no-untyped-def]
    data = {**load_fixture("typical-case-minimal"), "analysis": {"responsibilty": "拼错"}}
    fields = post(client, data)
    assert fields[0]["path"] == "analysis.responsibilty"


def test_preview_and_issue_without_a_number(client) -> None:  # type: ignore[no-untyped-def]
    kinds = {k["kind"]: k for k in client.get("/api/v1/kinds").json["kinds"]}
    assert kinds["typical-case"]["numbered"] is False
    data = load_fixture("typical-case-minimal")
    preview = client.post("/api/v1/render/typical-case.docx", json=data)
    assert preview.status_code == 200 and preview.headers["X-Draft"] == "true"
    assert docx_paragraphs(preview.data)[0] == "安全生产典型案例"
    issued = client.post("/api/v1/documents/typical-case", json=data)
    assert issued.status_code == 201
    body = issued.json
    assert body["number"] is None and body["number_text"] is None
    assert body["label"] == data["title"]
    pdf = client.get(body["links"]["pdf"])
    assert squeeze(data["title"]) in squeeze(pdf_text(pdf.data))
    listed = client.get("/api/v1/documents?kind=typical-case").json
    assert listed["total"] == 1 and listed["documents"][0]["id"] == body["id"]
