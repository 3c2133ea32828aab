"""The leads' pages: only the caller's unit, CSRF on every post, the notice form filled in
from a lead, the home page's overdue count, and errors in Chinese beside the field."""

from __future__ import annotations

import re

from tests.test_leads import ANSWER, LEAD, issue_from
from tests.test_units import token, two_units  # noqa: F401  (fixture)
from tests.test_web import csrf


def logged_in(app, name: str, unit: str):  # type: ignore[no-untyped-def]
    app.test_cli_runner().invoke(args=["user", "create", name, "--unit", unit],
                                 input="12345678\n")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token_ = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"_csrf": token_, "username": name, "password": "12345678"})
    return client


def test_another_units_lead_pages_are_404(two_units) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    api = two_units.test_client()
    lead = api.post("/api/v1/leads", json=LEAD, headers=token(two_units, "e", "east")).json
    west = logged_in(two_units, "xi", "west")
    assert west.get(f"/leads/{lead['id']}").status_code == 404
    assert west.get(f"/leads/{lead['id']}/transfer").status_code == 404
    assert west.get(f"/new/transfer-notice?lead={lead['id']}").status_code == 404
    page = west.get("/leads?status=").get_data(as_text=True)
    assert lead["number"] not in page and "没有这类线索" in page
    east = logged_in(two_units, "dong", "east")
    own = east.get(f"/leads/{lead['id']}").get_data(as_text=True)
    assert "赵举报 13912345678" in own  # the unit's own officers see the reporter


def test_the_notice_form_is_filled_in_from_the_lead(client) -> None:  # type: ignore[no-untyped-def]
    lead = client.post("/api/v1/leads", json=LEAD).json
    page = client.get(f"/new/transfer-notice?lead={lead['id']}").get_data(as_text=True)
    assert f'<input type="hidden" name="lead" value="{lead["id"]}">' in page
    assert 'value="东岭县鑫源煤业有限公司"' in page and "鑫源煤业涉嫌瞒报亡人事故" in page
    assert 'value="2022-01-05"' in page


def test_posts_need_the_csrf_token_and_a_reason(client) -> None:  # type: ignore[no-untyped-def]
    lead = client.post("/api/v1/leads", json=LEAD).json
    doc = issue_from(client, lead)
    assert client.post(f"/leads/{lead['id']}/escalate", data={"reason": "逾期"}).status_code == 400
    token_ = csrf(client)
    empty = client.post(f"/leads/{lead['id']}/escalate", data={"_csrf": token_, "reason": " "})
    assert empty.status_code == 422 and "请写明理由" in empty.get_data(as_text=True)
    late = client.post(f"/leads/{lead['id']}/feedback", data={
        "_csrf": token_, "acknowledged_on": "2022-01-12", "objection": "1",
        "objection_reason": "不属我单位管辖"})
    assert late.status_code == 422 and "异议须在交办后2日内提出" in late.get_data(as_text=True)
    client.put(f"/api/v1/documents/{doc['id']}/feedback", json=ANSWER)
    closed = client.post(f"/leads/{lead['id']}/accept", data={"_csrf": token_})
    assert closed.status_code == 302
    assert "已办结" in client.get(f"/leads/{lead['id']}").get_data(as_text=True)


def test_the_home_page_counts_overdue_leads(client) -> None:  # type: ignore[no-untyped-def]
    issue_from(client, client.post("/api/v1/leads", json=LEAD).json)  # due 2022-01-14
    home = client.get("/").get_data(as_text=True)
    assert "已逾期 1 条" in home
    page = client.get("/leads?status=overdue&as_of=2022-01-13").get_data(as_text=True)
    assert "已逾期 <strong>0</strong> 条" in page and "两日内到期 <strong>1</strong> 条" in page


def test_the_summary_draft_is_made_from_the_leads(client) -> None:  # type: ignore[no-untyped-def]
    issue_from(client, client.post("/api/v1/leads", json=LEAD).json)
    token_ = csrf(client)
    made = client.post("/leads/summary", data={"_csrf": token_, "from": "2022-01-03",
                                               "to": "2022-01-09"})
    assert made.status_code == 302 and "/drafts/" in made.headers["Location"]
    draft = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "统计表" in draft
    reversed_ = client.post("/leads/summary", data={"_csrf": token_, "from": "2022-01-09",
                                                    "to": "2022-01-03"})
    assert "bad_period=1" in reversed_.headers["Location"]


def test_the_leads_page_title_is_plain_text_and_its_forms_are_in_the_page(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/leads").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)  # type: ignore[union-attr]
    assert title == "线索 · 安全生产专项行动文书"
    main = page[page.index("<main"):]
    assert main.count("生成统计表草稿") == 1 and "线索清单" in main
