"""A bulletin from the register's typical cases: found by text and period, only the unit's
valid ones (a corrected case as corrected), ticked on the web, read over the API, taken by
week in the command line; read-only callers may look but not issue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import docx_text, load_fixture, pdf_body_text, squeeze
from tests.test_units import token, two_units  # noqa: F401  (fixture)
from tests.test_web import csrf

CASES = "/api/v1/bulletins/cases"
TYPICAL = "/api/v1/documents/typical-case"
# (name, unit that issues it, 报送日期): the week 2022-W02 is 10–16 January
PLAN = [("恒泰", "east", "2022-01-11"), ("鑫源", "east", "2022-01-13"),
        ("金凤", "east", "2022-01-12"), ("顺达", "west", "2022-01-12"),
        ("宏远", "east", "2022-01-20")]


def logged_in(app, name: str, unit: str, *flags: str):  # type: ignore[no-untyped-def]
    """A test client logged in as a new officer of `unit`."""
    created = app.test_cli_runner().invoke(args=["user", "create", name, "--unit", unit, *flags],
                                           input="12345678\n")
    assert created.exit_code == 0, created.output
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token_ = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"_csrf": token_, "username": name, "password": "12345678"})
    return client


def title(name: str) -> str:
    return f"东岭县应急管理局对东岭县{name}煤业有限公司超能力组织生产案"


def case(name: str, reported_on: str) -> dict:
    return {**load_fixture("typical-case"), "title": title(name), "reported_on": reported_on}


@pytest.fixture
def issued(two_units):  # type: ignore[no-untyped-def]  # noqa: F811
    """Five cases as PLAN says; 金凤 voided; returns the app and the ids by name."""
    client = two_units.test_client()
    headers = {u: token(two_units, u, u) for u in ("east", "west")}
    ids = {}
    for name, unit, day in PLAN:
        answer = client.post(TYPICAL, json=case(name, day), headers=headers[unit])
        assert answer.status_code == 201, answer.json
        ids[name] = answer.json["id"]
    voided = client.post(f"/api/v1/documents/{ids['金凤']}/void", json={"reason": "重复报送"},
                         headers=headers["east"])
    assert voided.status_code == 200
    return two_units, ids, headers


def test_the_api_lists_the_weeks_valid_cases_of_the_callers_unit(issued) -> None:  # type: ignore[no-untyped-def]
    app, ids, headers = issued
    client = app.test_client()
    week = client.get(CASES + "?week=2022-W02", headers=headers["east"]).json
    assert [c["title"] for c in week["cases"]] == [title("恒泰"), title("鑫源")]
    assert week["total"] == 2 and week["period_start"] == "2022-01-10"
    assert week["cases"][0]["data"] == case("恒泰", "2022-01-11")
    dates = client.get(CASES + "?from=2022-01-12&to=2022-01-31", headers=headers["east"]).json
    assert [c["id"] for c in dates["cases"]] == [ids["鑫源"], ids["宏远"]]
    words = client.get(CASES + "?q=鑫源 煤业", headers=headers["east"]).json
    assert [c["id"] for c in words["cases"]] == [ids["鑫源"]]
    west = client.get(CASES, headers=headers["west"]).json
    assert [c["id"] for c in west["cases"]] == [ids["顺达"]]
    # the payloads go into a bulletin as they are: the bulletin's payload is unchanged
    body = {"unit": "东岭县应急管理局", "period_start": "2022-01-10", "period_end": "2022-01-16",
            "issued_on": "2022-01-17", "cases": [c["data"] for c in week["cases"]]}
    made = client.post("/api/v1/documents/bulletin", json=body, headers=headers["east"])
    assert made.status_code == 201 and made.json["number_text"] == "东岭县应急管理局〔2022〕第1期"


def test_ids_another_units_or_void_are_404_and_a_corrected_one_gives_its_correction(issued) -> None:  # type: ignore[no-untyped-def]
    app, ids, headers = issued
    client = app.test_client()
    for name in ("顺达", "金凤"):
        missing = client.get(f"{CASES}?id={ids[name]}", headers=headers["east"])
        assert missing.status_code == 404 and missing.json["error"] == "not_found"
    fixed = case("鑫源", "2022-01-13") | {"gist": "更正后的要旨。"}
    new = client.post(f"/api/v1/documents/{ids['鑫源']}/correct", json=fixed,
                      headers=headers["east"]).json
    taken = client.get(f"{CASES}?id={ids['鑫源']}&id={ids['恒泰']}&id={new['id']}",
                       headers=headers["east"]).json
    assert [c["id"] for c in taken["cases"]] == [new["id"], ids["恒泰"]]
    assert taken["cases"][0]["data"]["gist"] == "更正后的要旨。"
    assert taken["cases"][0]["replaces"] == ids["鑫源"]
    week = client.get(CASES + "?week=2022-W02", headers=headers["east"]).json
    assert [c["id"] for c in week["cases"]] == [ids["恒泰"], new["id"]]
    for bad in ("week=2022-W99", "from=2022-01-20&to=2022-01-10", "from=2022-13-01",
                "limit=0", "start=2022-01-10", "from=", "q=", "from=20220110",
                "week=２０２２-W02"):
        answer = client.get(f"{CASES}?{bad}", headers=headers["east"])
        assert answer.status_code == 422 and answer.json["error"] == "invalid", bad


def test_an_officer_ticks_cases_and_issues_the_bulletin(issued) -> None:  # type: ignore[no-untyped-def]
    app, ids, _ = issued
    officer = logged_in(app, "dong", "east")
    page = officer.get("/bulletins/cases?week=2022-W02").get_data(as_text=True)
    assert title("恒泰") in page and title("鑫源") in page
    for other in ("金凤", "顺达", "宏远"):
        assert title(other) not in page
    token_ = csrf(officer)
    picked = officer.post("/bulletins/cases", data={
        "_csrf": token_, "week": "2022-W02", "case": [ids["鑫源"], ids["恒泰"]]})
    assert picked.status_code == 302 and "/new/bulletin?draft=" in picked.headers["Location"]
    form = officer.get(picked.headers["Location"]).get_data(as_text=True)
    assert title("恒泰") in form and title("鑫源") in form and "2022-01-10" in form
    draft_id = picked.headers["Location"].rsplit("=", 1)[-1]
    done = officer.post(f"/drafts/{draft_id}/issue", data={"_csrf": token_})
    doc_id = done.headers["Location"].rsplit("/", 1)[-1]
    pdf = squeeze(pdf_body_text(officer.get(f"/api/v1/documents/{doc_id}.pdf").data))
    words = squeeze(docx_text(officer.get(f"/api/v1/documents/{doc_id}.docx").data))
    for text in (pdf, words):
        assert text.index(title("鑫源")) < text.index(title("恒泰"))  # in the order ticked
        assert not any(title(n) in text for n in ("金凤", "顺达", "宏远"))
    assert "第1期" in pdf and "2022年1月10日至1月16日" in pdf


def test_nothing_ticked_another_units_case_and_no_csrf_are_refused(issued) -> None:  # type: ignore[no-untyped-def]
    app, ids, _ = issued
    west = logged_in(app, "xi", "west")
    token_ = csrf(west)
    assert title("恒泰") not in west.get("/bulletins/cases").get_data(as_text=True)
    assert west.post("/bulletins/cases", data={"_csrf": token_, "case": ids["恒泰"]}
                     ).status_code == 404
    empty = west.post("/bulletins/cases", data={"_csrf": token_})
    assert empty.status_code == 422 and "请至少勾选一个典型案例" in empty.get_data(as_text=True)
    assert west.post("/bulletins/cases", data={"case": ids["顺达"]}).status_code == 400
    bad = west.get("/bulletins/cases?from=2022-01-20&to=2022-01-01")
    assert bad.status_code == 422 and "截止日期不能早于起始日期" in bad.get_data(as_text=True)


def test_read_only_callers_may_search_but_not_issue(issued) -> None:  # type: ignore[no-untyped-def]
    app, ids, _ = issued
    reader = logged_in(app, "kan", "east", "--read-only")
    page = reader.get("/bulletins/cases?week=2022-W02").get_data(as_text=True)
    assert title("恒泰") in page and 'id="read-only"' in page and 'id="fill"' not in page
    assert reader.post("/bulletins/cases", data={"_csrf": csrf(reader), "case": ids["恒泰"]}
                       ).status_code == 403
    client = app.test_client()
    looking = token(app, "dashboard", "east", "--read-only")
    found = client.get(CASES + "?week=2022-W02", headers=looking).json
    assert len(found["cases"]) == 2
    body = {"unit": "东岭县应急管理局", "period_start": "2022-01-10", "period_end": "2022-01-16",
            "issued_on": "2022-01-17", "cases": [c["data"] for c in found["cases"]]}
    refused = client.post("/api/v1/documents/bulletin", json=body, headers=looking)
    assert refused.status_code == 403 and refused.json["error"] == "forbidden"


def test_the_command_line_takes_the_weeks_cases_from_the_register(issued, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = issued
    runner = app.test_cli_runner()
    out = tmp_path / "out"
    args = ["bulletin", "--from-register", "--week", "2022-W02", "--unit", "east",
            "--issued-on", "2022-01-17", "-o", str(out)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "1个单位，通报1期" in result.output
    [pdf] = out.glob("*.pdf")
    text = squeeze(pdf_body_text(pdf.read_bytes()))
    assert title("恒泰") in text and title("鑫源") in text
    assert not any(title(n) in text for n in ("金凤", "顺达", "宏远"))
    again = runner.invoke(args=args)  # the same week again: the same bulletin, no new number
    assert again.exit_code == 0 and len(list(out.glob("*.pdf"))) == 1
    listing = app.test_client().get("/api/v1/documents?kind=bulletin",
                                    headers=token(app, "e2", "east")).json
    assert listing["total"] == 1
    west = runner.invoke(args=[*args[:5], "west", *args[6:]])
    assert west.exit_code == 0 and "1个单位，通报1期" in west.output


def test_the_command_line_wants_a_file_or_the_register_not_both(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    neither = runner.invoke(args=["bulletin", "--week", "2022-W02", "-o", str(tmp_path)])
    both = runner.invoke(args=["bulletin", "cases.jsonl", "--from-register", "--week",
                               "2022-W02", "-o", str(tmp_path)])
    for result in (neither, both):
        assert result.exit_code == 2 and "--from-register" in result.output
    assert re.search(r"0个单位", runner.invoke(args=[
        "bulletin", "--from-register", "--week", "2022-W02", "-o", str(tmp_path)]).output)
