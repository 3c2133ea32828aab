"""The commitment letter (承诺书): wording per level, numbering of the commitments, the
submission deadline by the holiday calendar, warnings, validation, both formats."""

from __future__ import annotations

import io
import json
from urllib.parse import unquote

import docx
import pdfplumber
import pytest

from service.issuing import validate
from service.kinds import KINDS
from service.render import render
from tests.conftest import (
    docx_paragraphs,
    docx_text,
    load_fixture,
    pdf_body_text,
    pdf_text,
    squeeze,
)

KIND = KINDS["commitment-letter"]
FIXTURE_NAMES = ["commitment-letter", "commitment-letter-enterprise", "commitment-letter-township"]
ISSUE = "/api/v1/documents/commitment-letter"
PREVIEW = "/api/v1/render/commitment-letter"
PLEDGE = "对于虚假承诺、承诺事项未兑现的，"
FALLBACK_2027 = "2027年的法定节假日安排尚未收录，截止时间按周一至周五推算，请核对"


def context(data: dict) -> dict:
    return KIND.build(validate(KIND, data), None)


def letter(**changes: object) -> dict:
    return {**load_fixture("commitment-letter"), **changes}


@pytest.fixture(scope="module", params=FIXTURE_NAMES)
def rendered(request):  # type: ignore[no-untyped-def]
    data = load_fixture(request.param)
    ctx = context(data)
    return data, render(KIND.name, ctx, "docx"), render(KIND.name, ctx, "pdf")


def expected_phrases(data: dict) -> list[str]:
    """Every value and fixed phrase a correct letter must print."""
    p = data["principal"]
    return [
        data["unit"], "关于“百日攻坚”集中行动的承诺书", data["addressee"] + "：",
        f"本人作为{data['unit']}主要负责人", "“三级”承诺制",
        "1.", "2.", PLEDGE + "本人及", "愿依法依规接受追溯问责。",
        f"主要负责人（签字）：{p['name']}（{p['title']}）",
        f"承诺单位（盖章）：{data['unit']}",
        *data.get("commitments", []),
    ]


def test_docx_holds_every_value_and_fixed_phrase(rendered) -> None:  # type: ignore[no-untyped-def]
    data, docx_bytes, _ = rendered
    text = squeeze(docx_text(docx_bytes))
    for phrase in expected_phrases(data):
        assert squeeze(phrase) in text, phrase


def test_pdf_holds_every_value_and_fixed_phrase(rendered) -> None:  # type: ignore[no-untyped-def]
    data, _, pdf_bytes = rendered
    text = squeeze(pdf_text(pdf_bytes))
    for phrase in expected_phrases(data):
        assert squeeze(phrase) in text, phrase


def test_docx_and_pdf_print_the_same_text(rendered) -> None:  # type: ignore[no-untyped-def]
    _, docx_bytes, pdf_bytes = rendered
    assert squeeze(docx_text(docx_bytes)) == pdf_body_text(pdf_bytes)


def test_county_letter_fits_one_page() -> None:
    ctx = context(load_fixture("commitment-letter"))
    with pdfplumber.open(io.BytesIO(render(KIND.name, ctx, "pdf"))) as pdf:
        assert len(pdf.pages) == 1


def test_enterprise_wording() -> None:
    ctx = context(load_fixture("commitment-letter-enterprise"))
    text = "".join([ctx["opening"], *ctx["items"], ctx["pledge"]])
    assert ctx["items"][0].startswith("1.本企业隐患排查到位。")
    assert ctx["items"][1].startswith("2.本企业不存在非法违法生产经营建设行为")
    assert "对本企业2022年2月有关情况郑重承诺如下：" in ctx["opening"]
    assert "本辖区" not in text and "窝点" not in text
    assert ctx["pledge"].endswith("本人及本企业愿依法依规接受追溯问责。")


@pytest.mark.parametrize("name,jurisdiction", [("commitment-letter", "全县14个乡镇"),
                                               ("commitment-letter-township", "西河镇所辖23个行政村")])
def test_township_and_county_speak_of_the_jurisdiction(name: str, jurisdiction: str) -> None:
    ctx = context(load_fixture(name))
    assert f"对本辖区（{jurisdiction}）" in ctx["opening"]
    assert ctx["items"][0].startswith("1.本辖区隐患排查到位。")
    assert ctx["items"][1].startswith("2.本辖区不存在非法企业（窝点）。")
    assert "本企业" not in "".join(ctx["items"][:2])
    assert ctx["pledge"].endswith("本人及本单位愿依法依规接受追溯问责。")


def test_county_and_township_differ_in_who_they_organise() -> None:
    county = context(load_fixture("commitment-letter"))["items"][0]
    township = context(letter(level="township"))["items"][0]
    assert "各监管所和企业逐级排查、逐级承诺" in county
    assert "督促企业全面自查自改" in township and county != township


def test_jurisdiction_is_optional() -> None:
    data = letter()
    del data["jurisdiction"]
    assert "对本辖区2022年1月有关情况" in context(data)["opening"]


def test_extra_commitments_are_numbered_after_the_standard_two() -> None:
    ctx = context(load_fixture("commitment-letter-enterprise"))
    assert len(ctx["items"]) == 4
    # a sentence without an end gets its 。; one with it keeps a single one
    assert ctx["items"][2] == "3.本企业气瓶充装前逐只检查，不为超期未检、报废气瓶和非自有产权气瓶充装。"
    assert ctx["items"][3] == "4.特种设备作业人员全部持证上岗。"
    paragraphs = docx_paragraphs(render(KIND.name, ctx, "docx"))
    numbers = [p[:2] for p in paragraphs if p[:1].isdigit() and p[1:2] == "."]
    assert numbers == ["1.", "2.", "3.", "4."]
    pledge = next(i for i, p in enumerate(paragraphs) if p.startswith("本人对上述承诺"))
    assert paragraphs[pledge - 1].startswith("4.")  # the pledge follows the last commitment


@pytest.mark.parametrize(
    "period,deadline",
    [
        ("2022-01", "2022年1月30日15时"),  # Sunday 调休; Monday the 31st is 春节
        ("2026-02", "2026年2月28日15时"),  # Saturday 调休
        ("2023-09", "2023年9月28日15时"),  # Friday the 29th is 中秋
        ("2025-01", "2025年1月27日15时"),  # the 28th–31st are 春节
        ("2022-03", "2022年3月31日15时"),  # ordinary
        ("2027-01", "2027年1月29日15时"),  # calendar unknown: Monday–Friday
    ],
)
def test_deadline_is_15_00_on_the_last_working_day(period: str, deadline: str) -> None:
    ctx = context(letter(period=period, signed_on=f"{period}-20"))
    note = f"（本承诺书须于{deadline}前报送清源市市场监督管理局“百日攻坚”办公室）"
    assert ctx["deadline_note"] == note
    assert note in docx_paragraphs(render(KIND.name, ctx, "docx"))
    assert squeeze(note) in squeeze(pdf_text(render(KIND.name, ctx, "pdf")))
    assert ctx["warnings"] == ([FALLBACK_2027] if period.startswith("2027") else [])


def test_commitment_sentences_end_with_one_full_stop() -> None:
    items = ["落实“五到位”", "已整改（见清单）", "已整改。", "做到“应查尽查。”"]
    printed = context(letter(commitments=items))["items"][2:]
    assert printed == ["3.落实“五到位”。", "4.已整改（见清单）。", "5.已整改。", "6.做到“应查尽查。”"]


def test_addressee_colon_is_not_doubled() -> None:
    ctx = context(letter(addressee="市局“百日攻坚”办公室："))
    assert ctx["addressee"] == "市局“百日攻坚”办公室："
    assert ctx["deadline_note"].endswith("前报送市局“百日攻坚”办公室）")


def test_signature_seal_date_and_deadline_in_order() -> None:
    ctx = context(load_fixture("commitment-letter"))
    paragraphs = docx_paragraphs(render(KIND.name, ctx, "docx"))
    tail = paragraphs[-4:]
    assert tail == ["主要负责人（签字）：程立言（局长）", "承诺单位（盖章）：东岭县市场监督管理局",
                    "2022年1月28日",
                    "（本承诺书须于2022年1月30日15时前报送清源市市场监督管理局“百日攻坚”办公室）"]
    assert paragraphs[:3] == ["东岭县市场监督管理局", "关于“百日攻坚”集中行动的承诺书", "（2022年1月）"]
    assert paragraphs[3] == "清源市市场监督管理局“百日攻坚”办公室："


def test_a_unit_too_long_to_follow_its_label_moves_whole_to_the_next_line() -> None:
    """A unit's name is never broken in the seal block: 承诺单位（盖章）： and the 20
    characters of the township's name do not fit one line, so the name goes whole onto the
    next, right-aligned to the 版心 (GB/T 9704: the seal block is not split)."""
    ctx = context(load_fixture("commitment-letter-township"))
    name = "东岭县市场监督管理局西河镇市场监督管理所"
    assert ctx["sign_unit"] == f"承诺单位（盖章）：\n{name}"
    assert ctx["sign_left"] == 0.0 and 27 <= ctx["unit_hang"] + len(name) <= 27.7
    document = docx.Document(io.BytesIO(render(KIND.name, ctx, "docx")))
    seal = next(p for p in document.paragraphs if p.text.startswith("承诺单位（盖章）："))
    assert seal.text == f"承诺单位（盖章）：\n{name}"
    assert seal.paragraph_format.left_indent == round(ctx["unit_hang"] * 320) * 635  # EMU
    with pdfplumber.open(io.BytesIO(render(KIND.name, ctx, "pdf"))) as pdf:
        lines = pdf.pages[0].extract_text().splitlines()
    assert name in lines and "承诺单位（盖章）：" in lines


def test_campaign_can_be_named() -> None:
    ctx = context(letter(campaign="安全生产大检查大整治大提升行动"))
    title = "".join(line["text"] for line in ctx["title_lines"])
    assert title.endswith("关于安全生产大检查大整治大提升行动的承诺书")
    assert "按照安全生产大检查大整治大提升行动“三级”承诺制要求" in ctx["opening"]


def test_signing_after_the_deadline_is_warned() -> None:
    ctx = context(letter(signed_on="2022-01-31"))
    assert ctx["warnings"] == ["签署日期2022年1月31日晚于报送截止时间2022年1月30日15时，请核对"]
    assert context(letter(signed_on="2022-01-30"))["warnings"] == []


def test_issue_returns_the_2027_fallback_warning_and_no_number(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(ISSUE, json=letter(period="2027-01", signed_on="2027-01-27"))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["warnings"] == [FALLBACK_2027]
    assert body["number"] is None and body["number_text"] is None
    assert client.get(f"/api/v1/documents/{body['id']}").json["warnings"] == [FALLBACK_2027]
    pdf = client.get(body["links"]["pdf"])
    assert "2027年1月29日15时前报送" in squeeze(pdf_text(pdf.data))
    disposition = unquote(pdf.headers["Content-Disposition"].split("filename*=UTF-8''")[1])
    assert disposition == "承诺书-东岭县市场监督管理局2027年1月.pdf"
    again = client.post(ISSUE, json=letter(period="2027-01", signed_on="2027-01-27")).json
    assert again["number"] is None and again["id"] != body["id"]  # registered, not numbered


def test_issued_letter_is_not_marked_as_a_draft(client) -> None:  # type: ignore[no-untyped-def]
    body = client.post(ISSUE, json=load_fixture("commitment-letter")).json
    assert body["warnings"] == []
    assert "草稿" not in pdf_text(client.get(body["links"]["pdf"]).data)
    document = docx.Document(io.BytesIO(client.get(body["links"]["docx"]).data))
    assert document.sections[0].header.paragraphs[0].text == ""


def test_preview_is_marked_as_a_draft(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(f"{PREVIEW}.pdf", json=load_fixture("commitment-letter"))
    assert "草稿" in pdf_text(response.data)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_preview_sends_the_fallback_warning_as_a_header(client, fmt: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post(f"{PREVIEW}.{fmt}", json=letter(period="2027-03", signed_on="2027-03-30"))
    assert response.status_code == 200
    assert json.loads(unquote(response.headers["X-Warnings"])) == [FALLBACK_2027]
    plain = client.post(f"{PREVIEW}.{fmt}", json=load_fixture("commitment-letter"))
    assert "X-Warnings" not in plain.headers


@pytest.mark.parametrize(
    "changes,path,message",
    [
        ({"period": "2022-13"}, "period", "承诺月份：应为真实的年月，格式YYYY-MM，例如2022-01"),
        ({"period": "2022-00"}, "period", "承诺月份：应为真实的年月"),
        ({"period": "2022-1"}, "period", "承诺月份：应为真实的年月"),
        ({"period": "2022-01-01"}, "period", "承诺月份：应为真实的年月"),
        ({"period": 202201}, "period", "承诺月份：应为文本"),
        ({"level": "city"}, "level", "承诺层级：应为以下之一：enterprise、township、county"),
        ({"principal": {"title": "局长"}}, "principal.name", "缺少主要负责人·姓名"),
        ({"principal": {"name": "程立言", "title": " "}}, "principal.title", "主要负责人·职务：不能为空"),
        ({"level": "enterprise"}, "jurisdiction", "企业承诺书不填写辖区范围"),
        ({"commitments": ["  "]}, "commitments.0", "其他承诺事项第1项：不能为空"),
        ({"signed_on": "2022-02-30"}, "signed_on", "日期格式应为YYYY-MM-DD"),
        ({"jurisdictions": "全县"}, "jurisdictions", "不认识的字段"),
    ],
)
def test_invalid_data_is_422_naming_the_field(client, changes: dict, path: str, message: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post(ISSUE, json=letter(**changes))
    assert response.status_code == 422
    fields = response.json["fields"]
    assert [f["path"] for f in fields] == [path]
    assert message in fields[0]["message"]


def test_missing_principal_is_named(client) -> None:  # type: ignore[no-untyped-def]
    data = letter()
    del data["principal"]
    fields = client.post(f"{PREVIEW}.pdf", json=data).json["fields"]
    assert fields == [{"path": "principal", "message": "缺少主要负责人"}]


def test_values_print_literally_in_both_formats() -> None:
    hostile = "{{ 7*7 }}<b>甲&乙\"丙</b>"
    data = letter(unit=f"东岭县{hostile}局", commitments=[hostile], principal={"name": "程立言", "title": "{% if 1 %}局长{% endif %}"})
    ctx = context(data)
    for fmt, read in (("docx", docx_text), ("pdf", pdf_text)):
        text = squeeze(read(render(KIND.name, ctx, fmt)))
        assert squeeze(f"承诺单位（盖章）：东岭县{hostile}局") in text, fmt
        assert squeeze(f"3.{hostile}。") in text, fmt
        assert squeeze("程立言（{% if 1 %}局长{% endif %}）") in text, fmt
