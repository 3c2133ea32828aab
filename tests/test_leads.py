"""The closed loop over the API: register a lead, transfer it by a notice, record the answer
and its signed report, then 销号, 退回 or 提级核查; deadlines on a chosen day; other units."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.app import create_app
from tests.conftest import load_fixture
from tests.test_units import token

NOTICE = "/api/v1/documents/transfer-notice"
LEAD = {"received_on": "2022-01-05", "source": "12350举报电话",
        "reporter": "赵举报 13912345678", "content": "鑫源煤业涉嫌瞒报亡人事故",
        "category": "瞒报事故", "enterprise": "东岭县鑫源煤业有限公司",
        "locality": "西河镇人民政府"}
ANSWER = {"acknowledged_on": "2022-01-07", "feedback_on": "2022-01-13", "substantiated": "属实",
          "results": [{"category": "行政处罚", "amount": 50, "detail": "罚款50万元"},
                      {"category": "停产整顿", "amount": 1}],
          "progress": "已责令停产整顿并立案处罚", "reply": "已答复举报人",
          "signed_by": "王局长", "concluded": True}


def issue_from(client, lead: dict, headers: dict | None = None, **changes) -> dict:  # type: ignore[no-untyped-def]
    payload = {**load_fixture("transfer-notice"), "lead": lead["id"], **changes}
    response = client.post(NOTICE, json=payload, headers=headers or {})
    assert response.status_code == 201, response.json
    return response.json


def test_a_lead_goes_round_the_whole_loop(client) -> None:  # type: ignore[no-untyped-def]
    lead = client.post("/api/v1/leads", json=LEAD).json
    assert lead["number"] == "线索〔2022〕1号" and lead["status"] == "registered"
    doc = issue_from(client, lead)
    lead = client.get(f"/api/v1/leads/{lead['id']}").json
    assert lead["status"] == "transferred" and lead["document_id"] == doc["id"]
    assert lead["document_number"] == doc["number_text"]
    assert lead["transferred_on"] == "2022-01-07" and lead["due_on"] == "2022-01-14"
    answered = client.put(f"/api/v1/documents/{doc['id']}/feedback", json=ANSWER)
    assert answered.status_code == 200, answered.json
    assert answered.json["status"] == "answered"
    assert answered.json["feedback"]["results"][0]["amount"] == 50
    pdf = b"%PDF-1.4\n% signed report\n"
    stored = client.put(f"/api/v1/documents/{doc['id']}/feedback/file", data=pdf,
                        content_type="application/pdf")
    assert stored.status_code == 200 and stored.json["has_file"]
    assert client.get(f"/api/v1/leads/{lead['id']}/file").data == pdf
    closed = client.post(f"/api/v1/leads/{lead['id']}/accept")
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    again = client.put(f"/api/v1/documents/{doc['id']}/feedback", json=ANSWER)
    assert again.status_code == 409 and again.json["error"] == "lead_closed"
    actions = [e["action"] for e in client.get("/api/v1/audit").json["events"]]
    for action in ("lead_registered", "lead_transferred", "lead_feedback", "lead_file",
                   "lead_accept"):
        assert action in actions


def test_a_notice_without_a_lead_gets_one(client) -> None:  # type: ignore[no-untyped-def]
    doc = client.post(NOTICE, json=load_fixture("transfer-notice")).json
    found = client.get("/api/v1/leads").json["leads"]
    assert len(found) == 1 and found[0]["document_id"] == doc["id"]
    assert found[0]["status"] == "transferred" and found[0]["reporter"] is None


def test_a_lead_is_transferred_once(client) -> None:  # type: ignore[no-untyped-def]
    lead = client.post("/api/v1/leads", json=LEAD).json
    issue_from(client, lead)
    second = client.post(NOTICE, json={**load_fixture("transfer-notice"), "lead": lead["id"]})
    assert second.status_code == 409 and second.json["error"] == "lead_transferred"
    unknown = client.post(NOTICE, json={**load_fixture("transfer-notice"), "lead": "0" * 32})
    assert unknown.status_code == 404


def test_an_objection_is_refused_after_two_days(client) -> None:  # type: ignore[no-untyped-def]
    doc = issue_from(client, client.post("/api/v1/leads", json=LEAD).json)
    late = {"acknowledged_on": "2022-01-10", "objection": True, "objection_reason": "不属我单位管辖"}
    refused = client.put(f"/api/v1/documents/{doc['id']}/feedback", json=late)
    assert refused.status_code == 422 and refused.json["error"] == "objection_too_late"
    assert refused.json["fields"][0]["path"] == "objection"
    in_time = {**late, "acknowledged_on": "2022-01-08"}
    assert client.put(f"/api/v1/documents/{doc['id']}/feedback", json=in_time).status_code == 200
    no_reason = {"acknowledged_on": "2022-01-08", "objection": True}
    answer = client.put(f"/api/v1/documents/{doc['id']}/feedback", json=no_reason)
    assert answer.status_code == 422 and answer.json["fields"][0]["path"] == "objection_reason"


@pytest.mark.parametrize("as_of,overdue,due_soon", [
    ("2022-01-11", 0, 0), ("2022-01-12", 0, 1), ("2022-01-14", 0, 1), ("2022-01-15", 1, 0)])
def test_deadlines_count_calendar_days(client, as_of, overdue, due_soon) -> None:  # type: ignore[no-untyped-def]
    """Issued Friday 2022-01-07 (no feedback_due): due seven calendar days on, Friday
    2022-01-14, weekend or not."""
    issue_from(client, client.post("/api/v1/leads", json=LEAD).json)
    listed = client.get(f"/api/v1/leads?status=overdue&as_of={as_of}").json
    assert (listed["overdue"], listed["due_soon"], len(listed["leads"])) == (
        overdue, due_soon, overdue)


def test_a_deadline_over_the_spring_festival_is_still_seven_days(client) -> None:  # type: ignore[no-untyped-def]
    """2022-01-29 (a Saturday made a working day, 调休) + 7 days = 2022-02-05 in the
    holiday: the seeds count calendar days, so it is overdue on the 6th."""
    lead = client.post("/api/v1/leads", json={**LEAD, "received_on": "2022-01-28"}).json
    issue_from(client, lead, received_on="2022-01-28", issued_on="2022-01-29")
    assert client.get(f"/api/v1/leads/{lead['id']}").json["due_on"] == "2022-02-05"
    assert client.get("/api/v1/leads?status=overdue&as_of=2022-02-06").json["overdue"] == 1
    assert client.get("/api/v1/leads?status=overdue&as_of=2022-02-05").json["overdue"] == 0


def test_escalate_only_overdue_and_return_only_answered(client) -> None:  # type: ignore[no-untyped-def]
    lead = client.post("/api/v1/leads", json=LEAD).json
    doc = issue_from(client, lead)
    early = client.post(f"/api/v1/leads/{lead['id']}/return", json={"reason": "未附照片"})
    assert early.status_code == 409 and early.json["error"] == "lead_not_answered"
    escalated = client.post(f"/api/v1/leads/{lead['id']}/escalate", json={"reason": "逾期未反馈"})
    assert escalated.status_code == 200, escalated.json  # 2022: long overdue by today
    assert escalated.json["escalated_reason"] == "逾期未反馈"
    assert client.get("/api/v1/leads?status=escalated").json["leads"][0]["id"] == lead["id"]
    partial = {**ANSWER, "concluded": False}
    client.put(f"/api/v1/documents/{doc['id']}/feedback", json=partial)
    refused = client.post(f"/api/v1/leads/{lead['id']}/accept")
    assert refused.status_code == 409 and refused.json["error"] == "lead_not_concluded"
    back = client.post(f"/api/v1/leads/{lead['id']}/return", json={"reason": "未附照片"})
    assert back.json["status"] == "returned" and back.json["returned_reason"] == "未附照片"


def test_feedback_files_are_type_checked(client) -> None:  # type: ignore[no-untyped-def]
    doc = issue_from(client, client.post("/api/v1/leads", json=LEAD).json)
    url = f"/api/v1/documents/{doc['id']}/feedback/file"
    fake = client.put(url, data=b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    assert fake.status_code == 422 and fake.json["error"] == "unsupported_file"
    word = client.put(url, data=b"PK\x03\x04", content_type="application/msword")
    assert word.status_code == 422 and word.json["error"] == "unsupported_file"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert client.put(url, data=png, content_type="image/png").status_code == 200


def test_another_units_leads_and_notices_do_not_exist(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "AUTH_REQUIRED": True, "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}"})
    runner = app.test_cli_runner()
    for code in ("east", "west"):
        assert runner.invoke(args=["unit", "create", code, "--name", code]).exit_code == 0
    client = app.test_client()
    east, west = token(app, "e", "east"), token(app, "w", "west")
    lead = client.post("/api/v1/leads", json=LEAD, headers=east).json
    doc = issue_from(client, lead, east)
    assert client.get(f"/api/v1/leads/{lead['id']}", headers=west).status_code == 404
    assert client.get("/api/v1/leads", headers=west).json["leads"] == []
    assert client.put(f"/api/v1/documents/{doc['id']}/feedback", json=ANSWER,
                      headers=west).status_code == 404
    assert client.post(f"/api/v1/leads/{lead['id']}/accept", headers=west).status_code == 404
    west_lead = client.post("/api/v1/leads", json=LEAD, headers=west).json
    assert west_lead["number"] == "线索〔2022〕1号"  # each unit numbers its own
    stolen = client.post(NOTICE, json={**load_fixture("transfer-notice"), "lead": lead["id"]},
                         headers=west)
    assert stolen.status_code == 404
    reader = token(app, "r", "east", "--read-only")
    assert client.post("/api/v1/leads", json=LEAD, headers=reader).status_code == 403
    app.extensions["register"].dispose()


@pytest.mark.slow
def test_concurrent_notices_each_get_one_lead_on_postgresql(pg_url: str) -> None:
    """Notices issued at once on PostgreSQL each get exactly one lead, numbered without gaps
    or repeats, and no request fails (leads.sync runs after each issue, concurrently)."""
    from concurrent.futures import ThreadPoolExecutor

    app = create_app({"TESTING": True, "AUTH_REQUIRED": False, "DATABASE_URL": pg_url})

    def issue(i: int) -> int:
        data = {**load_fixture("transfer-notice"), "subject": f"第{i}号企业"}
        return app.test_client().post(NOTICE, json=data).status_code

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(issue, range(12))) == [201] * 12
    found = app.test_client().get("/api/v1/leads?status=").json["leads"]
    assert len(found) == 12 and len({lead["document_id"] for lead in found}) == 12
    assert sorted(lead["number"] for lead in found) == sorted(
        f"线索〔2022〕{n}号" for n in range(1, 13))
    app.extensions["register"].dispose()


def test_the_weekly_summary_takes_its_records_from_the_leads(client) -> None:  # type: ignore[no-untyped-def]
    """The 统计表（周报） from the register: a closed lead with a fine counts as rectified
    with 行政处罚 and its fine, an escalated one as 提级核查, a lead of the type 其他 not."""
    closed = client.post("/api/v1/leads", json=LEAD).json
    doc = issue_from(client, closed)
    client.put(f"/api/v1/documents/{doc['id']}/feedback", json=ANSWER)
    client.post(f"/api/v1/leads/{closed['id']}/accept")
    late = client.post("/api/v1/leads", json={**LEAD, "category": "重大事故隐患",
                                               "enterprise": "南山乡顺达加油站"}).json
    issue_from(client, late, subject="南山乡顺达加油站")
    client.post(f"/api/v1/leads/{late['id']}/escalate", json={"reason": "逾期未反馈"})
    client.post("/api/v1/leads", json={**LEAD, "category": "其他"})
    payload = client.get("/api/v1/leads/summary?from=2022-01-03&to=2022-01-09").json
    records = payload["findings"]
    assert [r["enterprise"] for r in records] == ["东岭县鑫源煤业有限公司", "南山乡顺达加油站"]
    first, second = records
    assert first["category"] == "illegal_act" and first["rectified_on"] == "2022-01-13"
    assert first["measures"] == ["行政处罚", "责令停产整顿"] and first["fine_wan"] == 50
    assert second["category"] == "major_hazard" and second["escalated"] is True
    issued = client.post("/api/v1/documents/summary", json=payload)
    assert issued.status_code == 201, issued.json
    import io

    import docx

    table = docx.Document(io.BytesIO(client.get(issued.json["links"]["docx"]).data)).tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert [r[1] for r in rows[1:]] == ["东岭县鑫源煤业有限公司", "南山乡顺达加油站"]
    assert [r[3] for r in rows[1:]] == ["否", "是"]  # 是否提级核查
