"""The transfer notice (交办（移送）书): wording, both seed variants, both formats."""

from __future__ import annotations

from datetime import date

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

KIND = KINDS["transfer-notice"]
FIXTURE_NAMES = ["transfer-notice", "transfer-notice-government"]


def context(data: dict, serial: int | None = 1) -> dict:
    return KIND.build(validate(KIND, data), serial)


@pytest.fixture(scope="module", params=FIXTURE_NAMES)
def rendered(request):  # type: ignore[no-untyped-def]
    data = load_fixture(request.param)
    ctx = context(data, 7)
    return data, render(KIND.name, ctx, "docx"), render(KIND.name, ctx, "pdf")


def expected_phrases(data: dict) -> list[str]:
    """Every value and fixed phrase a correct notice must print."""
    d = data
    phrases = [
        d["campaign"], "督查检查或群众举报事项交办（移送）书",
        f"（{d['code']}）移〔{d['issued_on'][:4]}〕7号",
        d["recipient"] + "：", d["received_by"], d["subject"], d["allegation"],
        "（以下简称《通知》）要求", "按照《通知》中明确的“" + d.get("measures", "七项措施") + "”",
        "如存在未如期办结的、“接而不办”或虚假办结的，我办将提级核查，从严追责问责。",
        "督办人：" + d["supervisor"]["name"], "承办人：" + d["handler"]["name"],
        "附该事项有关材料：1. " + d["attachments"][0],
        d["issuer"] + "（代章）",
        "本文书一式两份：一份由交办部门备案，一份交移送单位。",
        "抄送：" + "，".join(d["cc"]) + "。",
    ]
    phrases += [f"{i}. {a}" for i, a in enumerate(d["attachments"], 1)]
    phrases += [p["phone"] for p in (d["supervisor"], d["handler"]) if p.get("phone")]
    return phrases


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


def test_enterprise_variant_wording() -> None:
    ctx = context(load_fixture("transfer-notice"))
    assert "现将该事项移交你单位" in ctx["body"]
    assert "2022年1月5日，局专项行动办公室接到群众关于东岭县鑫源煤业有限公司涉嫌瞒报亡人事故的举报" in ctx["body"]
    # 7-day rule: issued 2022-01-07, no feedback_due given
    assert "并将办理情况于2022年1月14日前反馈我办" in ctx["body"]


def test_government_variant_wording() -> None:
    ctx = context(load_fixture("transfer-notice-government"))
    assert "现将该事项移交你政府" in ctx["body"]
    assert "在督查检查中发现西河镇恒达气体充装站" in ctx["body"]
    assert "并将办理情况于2021年12月31日前反馈我办" in ctx["body"]  # feedback_due given
    assert ctx["contacts"][1] == "承办人：冯雪梅\u3000\u3000联系方式："  # no phone: blank to fill in


@pytest.mark.parametrize("kind,pronoun", [("enterprise", "你单位"), ("office", "你股室"),
                                          ("government", "你政府")])
def test_recipient_kind_chooses_the_pronoun(kind: str, pronoun: str) -> None:
    data = {**load_fixture("transfer-notice"), "recipient_kind": kind}
    assert f"现将该事项移交{pronoun}，" in context(data)["body"]


def test_basis_cited_in_full_once_then_as_tongzhi() -> None:
    data = {**load_fixture("transfer-notice"), "basis": "《甲县关于印发《乙方案》的通知》"}
    body = context(data)["body"]
    assert "根据《甲县关于印发〈乙方案〉的通知》（以下简称《通知》）要求" in body
    assert body.count("甲县") == 1 and body.count("《通知》") == 2


def test_number_year_is_the_issue_year_and_draft_has_no_serial() -> None:
    data = {**load_fixture("transfer-notice"), "issued_on": "2023-02-01"}
    assert context(data, 12)["number"] == "（煤）移〔2023〕12号"
    draft = context(data, None)
    assert draft["number"] == "（煤）移〔2023〕\u3000号" and draft["draft"] is True


def test_draft_is_marked_in_both_formats() -> None:
    ctx = context(load_fixture("transfer-notice"), None)
    mark = "草稿（未签发，不作正式文书使用）"
    assert mark in pdf_text(render(KIND.name, ctx, "pdf"))
    import io

    import docx

    document = docx.Document(io.BytesIO(render(KIND.name, ctx, "docx")))
    assert mark in document.sections[0].header.paragraphs[0].text
    final = docx.Document(io.BytesIO(render(KIND.name, context(load_fixture("transfer-notice")), "docx")))
    assert final.sections[0].header.paragraphs[0].text == ""


def test_signature_centres_issuer_over_date_four_characters_in() -> None:
    ctx = context(load_fixture("transfer-notice-government"))
    # 清源市市场监督管理局（代章） is 14 em, 2021年12月28日 is 7 em: issuer sticks out.
    assert ctx["issuer_right"] == 0.5 and ctx["date_right"] == 4.0
    short = context({**load_fixture("transfer-notice-government"), "issuer": "县局"})
    assert short["issuer_right"] + len("县局（代章）") / 2 == pytest.approx(4 + 7 / 2)


def test_feedback_default_is_seven_days_after_issue() -> None:
    doc = validate(KIND, {k: v for k, v in load_fixture("transfer-notice").items()})
    assert doc.feedback_date() == date(2022, 1, 14)  # type: ignore[attr-defined]


def test_docx_uses_the_named_styles() -> None:
    ctx = context(load_fixture("transfer-notice"))
    import io

    import docx

    document = docx.Document(io.BytesIO(render(KIND.name, ctx, "docx")))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert styles[0] == ("公文标题", "安全生产领域风险隐患")
    assert ("发文字号", "（煤）移〔2022〕1号") in styles
    assert ("成文日期", "2022年1月7日") in styles
    assert styles[-1][0] == "版记"
    assert docx_paragraphs(render(KIND.name, ctx, "docx"))[-1] == "抄送：驻局纪检监察组。"
