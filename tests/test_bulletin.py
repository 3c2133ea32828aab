"""The weekly typical-case bulletin (安全生产典型案例通报): heading, contents, every case on
a page of its own, 第N期 numbering per unit and year, and a 50-case issue."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import docx
import pdfplumber
import pytest

from fixtures.make_bulletin import bulletin, main
from service.issuing import validate
from service.kinds import KINDS
from service.kinds.bulletin import period_text
from service.render import render
from tests.conftest import docx_paragraphs, docx_text, load_fixture, pdf_text, squeeze

KIND = KINDS["bulletin"]
ISSUE = "/api/v1/documents/bulletin"
PREVIEW = "/api/v1/render/bulletin"
PAGE_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")


def context(data: dict, serial: int | None = 1) -> dict:
    return KIND.build(validate(KIND, data), serial)


def pdf_pages(content: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def page_number(page: str) -> int | None:
    numbers = [m.group(1) for line in page.splitlines() if (m := PAGE_NUMBER.match(line.strip()))]
    return int(numbers[-1]) if numbers else None


def pdf_body(content: bytes) -> str:
    """The PDF text without its page-number lines."""
    lines = "\n".join(pdf_pages(content)).splitlines()
    return "\n".join(line for line in lines if not PAGE_NUMBER.match(line.strip()))


def small(n: int = 1, **changes: object) -> dict:
    """A bulletin with `n` generated cases (fast to render)."""
    return {**bulletin(n), **changes}


@pytest.fixture(scope="module")
def rendered():  # type: ignore[no-untyped-def]
    data = load_fixture("bulletin")
    ctx = context(data, data["issue_no"])
    return data, render(KIND.name, ctx, "docx"), render(KIND.name, ctx, "pdf")


@pytest.fixture(scope="module")
def fifty():  # type: ignore[no-untyped-def]
    data = bulletin(50)
    ctx = context(data, 4)
    return data, render(KIND.name, ctx, "docx"), render(KIND.name, ctx, "pdf")


def test_heading_prints_unit_issue_period_and_date(rendered) -> None:  # type: ignore[no-untyped-def]
    _, docx_bytes, pdf_bytes = rendered
    paragraphs = docx_paragraphs(docx_bytes)
    assert paragraphs[:3] == ["安全生产典型案例通报", "第2期", "（2022年1月10日至1月16日）"]
    assert paragraphs[3] == "东岭县应急管理局\t2022年1月17日"
    heading = "安全生产典型案例通报第2期（2022年1月10日至1月16日）东岭县应急管理局2022年1月17日目录"
    assert squeeze(pdf_body(pdf_bytes)).startswith(heading)


def test_docx_and_pdf_print_the_same_text(rendered) -> None:  # type: ignore[no-untyped-def]
    _, docx_bytes, pdf_bytes = rendered
    assert squeeze(docx_text(docx_bytes)) == squeeze(pdf_body(pdf_bytes))


def test_every_case_prints_its_seven_sections_in_order(rendered) -> None:  # type: ignore[no-untyped-def]
    data, docx_bytes, pdf_bytes = rendered
    for text in (squeeze(docx_text(docx_bytes)), squeeze(pdf_body(pdf_bytes))):
        position = text.index("目录")
        for case in data["cases"]:
            for phrase in ("【标题】", case["title"], "【关键词】", "；".join(case["keywords"]),
                           "【要旨】", case["gist"], "【基本案情】", *case["facts"], "【处理结果】",
                           *case["outcome"], "【案例剖析】", "1. 从", "【举一反三工作建议】",
                           "1. " + case["recommendations"][0]):
                position = text.index(squeeze(phrase), position) + len(squeeze(phrase))


def test_contents_list_the_case_titles_in_order(rendered) -> None:  # type: ignore[no-untyped-def]
    data, docx_bytes, pdf_bytes = rendered
    expected = [f"{i}. {case['title']}" for i, case in enumerate(data["cases"], 1)]
    paragraphs = docx_paragraphs(docx_bytes)
    start = paragraphs.index("目\u3000录") + 1
    assert paragraphs[start:start + len(expected)] == expected
    assert paragraphs[start + len(expected)] == "【标题】"
    contents = squeeze(pdf_pages(pdf_bytes)[0]).split("目录", 1)[1]
    assert contents.startswith("".join(squeeze(line) for line in expected))


def test_case_source_follows_its_title(rendered) -> None:  # type: ignore[no-untyped-def]
    _, docx_bytes, _ = rendered
    paragraphs = docx_paragraphs(docx_bytes)
    i = paragraphs.index("东岭县消防救援大队对东岭县金凤商贸有限公司消防检查案", 5)
    assert paragraphs[i + 1] == ("（报送单位：东岭县消防救援大队；报送日期：2022年1月15日；"
                                 "行业领域：消防）")


def test_each_case_starts_a_new_page(rendered) -> None:  # type: ignore[no-untyped-def]
    data, docx_bytes, pdf_bytes = rendered
    pages = [squeeze(p) for p in pdf_pages(pdf_bytes)]
    starts = [p[len("【标题】"):] for p in pages if p.startswith("【标题】")]
    titles = [squeeze(c["title"]) for c in data["cases"]]
    assert len(starts) == len(titles)
    assert all(start.startswith(title) for start, title in zip(starts, titles, strict=True))
    document = docx.Document(io.BytesIO(docx_bytes))
    firsts = [p for p in document.paragraphs if p.style.name == "案例起始"]
    assert [p.text for p in firsts] == ["【标题】"] * len(data["cases"])
    assert document.styles["案例起始"].paragraph_format.page_break_before is True


def test_period_prints_the_year_once() -> None:
    assert period_text(date(2022, 1, 10), date(2022, 1, 16)) == "2022年1月10日至1月16日"
    assert period_text(date(2021, 12, 27), date(2022, 1, 2)) == "2021年12月27日至2022年1月2日"
    assert period_text(date(2022, 3, 1), date(2022, 3, 1)) == "2022年3月1日"


def test_fifty_cases_render_with_page_numbers_running_through(fifty) -> None:  # type: ignore[no-untyped-def]
    data, docx_bytes, pdf_bytes = fifty
    pages = pdf_pages(pdf_bytes)
    assert len(pages) > 50
    assert [page_number(p) for p in pages] == list(range(1, len(pages) + 1))
    assert page_number(pages[-1]) == len(pages)
    titles = [squeeze(case["title"]) for case in data["cases"]]
    starts = [squeeze(p)[len("【标题】"):] for p in pages if squeeze(p).startswith("【标题】")]
    assert len(starts) == 50
    assert all(start.startswith(title) for start, title in zip(starts, titles, strict=True))
    document = docx.Document(io.BytesIO(docx_bytes))
    assert sum(p.style.name == "案例起始" for p in document.paragraphs) == 50
    assert squeeze(docx_text(docx_bytes)) == squeeze(pdf_body(pdf_bytes))


def test_generator_is_deterministic_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "bulletin-5.json"
    main(["5", str(out)])
    assert json.loads(out.read_text(encoding="utf-8")) == bulletin(5)
    titles = [case["title"] for case in bulletin(200)["cases"]]
    assert len(set(titles)) == 200
    validate(KIND, bulletin(200))


def post(client, data: dict) -> list[dict]:  # type: ignore[no-untyped-def]
    response = client.post(f"{PREVIEW}.pdf", json=data)
    assert response.status_code == 422, response.status_code
    return response.json["fields"]


def test_a_bad_case_is_named_by_its_path_and_section(client) -> None:  # type: ignore[no-untyped-def]
    data = small(5)
    del data["cases"][3]["gist"]
    data["cases"][1]["keywords"] = ["只有", "两个"]
    data["cases"][2]["facts"] = []
    fields = post(client, data)
    assert {"path": "cases.3.gist", "message": "缺少典型案例第4项【要旨】"} in fields
    assert {"path": "cases.2.facts", "message": "缺少典型案例第3项【基本案情】"} in fields
    assert {"path": "cases.1.keywords", "message": "关键词应为3至5个"} in fields


def test_period_end_not_before_start(client) -> None:  # type: ignore[no-untyped-def]
    data = small(period_start="2022-01-16", period_end="2022-01-10")
    assert post(client, data) == [{"path": "period_end", "message": "通报周期截止日期不能早于起始日期"}]


def test_one_to_two_hundred_cases(client) -> None:  # type: ignore[no-untyped-def]
    assert post(client, small(0)) == [{"path": "cases", "message": "典型案例：至少应有1项"}]
    assert post(client, small(201)) == [{"path": "cases", "message": "典型案例：最多200项"}]


def test_issue_no_must_be_positive(client) -> None:  # type: ignore[no-untyped-def]
    [error] = post(client, small(issue_no=0))
    assert error["path"] == "issue_no" and "不能小于1" in error["message"]


def test_a_case_reported_outside_the_period_is_a_warning(client) -> None:  # type: ignore[no-untyped-def]
    data = small(2)
    data["cases"][1]["reported_on"] = "2022-01-03"
    ctx = context(data)
    assert ctx["warnings"] == ["第2个案例的报送日期2022年1月3日不在本期通报周期内"]
    response = client.post(ISSUE, json=data)
    assert response.status_code == 201 and response.json["warnings"] == ctx["warnings"]


def test_preview_without_issue_no_is_a_draft(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(f"{PREVIEW}.pdf", json=small())
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "草稿（未签发，不作正式文书使用）" in text
    assert "安全生产典型案例通报第期" in squeeze(text)
    assert context(small(), None)["number"] == "第\u3000期"
    given = client.post(f"{PREVIEW}.docx", json=small(issue_no=9))
    assert docx_paragraphs(given.data)[1] == "第9期"
    assert client.get("/api/v1/documents").json["total"] == 0


def test_issue_numbers_run_per_unit_and_year(client) -> None:  # type: ignore[no-untyped-def]
    def issue(**changes: object) -> dict:
        response = client.post(ISSUE, json=small(**changes))
        assert response.status_code == 201, response.json
        return dict(response.json)

    first = issue()
    assert (first["number"], first["number_text"]) == (1, "东岭县应急管理局〔2022〕第1期")
    assert issue()["number"] == 2
    assert issue(unit="西河镇人民政府")["number"] == 1
    assert issue(issued_on="2023-01-03")["number"] == 1
    chosen = issue(issue_no=7)
    assert (chosen["number"], chosen["number_text"]) == (7, "东岭县应急管理局〔2022〕第7期")
    assert "第7期" in docx_text(client.get(chosen["links"]["docx"]).data)
    assert issue()["number"] == 8  # numbering goes on after a chosen number
    taken = client.post(ISSUE, json=small(issue_no=7))
    assert taken.status_code == 409 and taken.json["error"] == "number_taken"
    assert "第7期" in taken.json["message"]


def test_unit_fits_the_register_series_key(client) -> None:  # type: ignore[no-untyped-def]
    [error] = post(client, small(unit="东" * 61))
    assert error == {"path": "unit", "message": "编发单位：不能超过60个字符"}
