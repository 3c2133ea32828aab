"""Register search as officers type it: （）and (), 〔〕 [] and 【】, full- and half-width digits
alike; several words must all match; an empty result says 没有找到, not 还没有签发的文书."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from service import issuing
from service.database import make_engine
from service.migrate import upgrade
from service.register import Register, fingerprint
from service.search import search_text, words
from tests.conftest import load_fixture

NOTICE = "/api/v1/documents/transfer-notice"
NOT_FOUND = "没有找到符合条件的文书"
EMPTY = "还没有签发的文书"


def _notice(recipient: str, allegation: str) -> dict[str, Any]:
    return {**load_fixture("transfer-notice"), "recipient": recipient, "subject": recipient,
            "allegation": allegation}


@pytest.fixture
def three_notices(client) -> list[str]:  # type: ignore[no-untyped-def]
    """（煤）移〔2022〕1号 and 2号 to others; 3号 is the 鑫源 瞒报 notice of the fixture."""
    numbers = []
    for body in (_notice("东岭县恒泰煤业有限公司", "涉嫌超能力组织生产"),
                 _notice("东岭县宏达煤业有限公司", "涉嫌违规动火作业"),
                 load_fixture("transfer-notice")):
        answer = client.post(NOTICE, json=body)
        assert answer.status_code == 201, answer.json
        numbers.append(answer.json["number_text"])
    assert numbers[2] == "（煤）移〔2022〕3号"
    return numbers


def _found(client, q: str) -> list[str]:  # type: ignore[no-untyped-def]
    answer = client.get("/api/v1/documents", query_string={"q": q})
    assert answer.status_code == 200, answer.json
    return [d["number_text"] for d in answer.json["documents"]]


def test_the_normal_form_is_one_for_every_bracket_and_width() -> None:
    forms = ["（煤）移〔2022〕3号", "(煤)移[2022]3号", "【煤】移［２０２２］３号", "﹙煤﹚移〖2022〗3号"]
    assert {search_text(f) for f in forms} == {"(煤)移(2022)3号"}
    assert words("鑫源\u3000瞒报  ＡＢＣ") == ["鑫源", "瞒报", "abc"]
    # every string of the data, however deep; numbers and keys are not text to find
    assert search_text("1号", "标签", {"a": ["甲", {"b": "乙"}], "n": 7}, None) == "1号\n标签\n甲\n乙"


@pytest.mark.parametrize("q", ["(煤)移[2022]3号", "（煤）移〔2022〕3号", "【煤】移［２０２２］３号",
                               "(煤)移〔2022〕3号", "移[2022]3"])
def test_any_bracket_and_width_finds_the_number(client, three_notices, q: str) -> None:  # type: ignore[no-untyped-def]
    assert _found(client, q) == ["（煤）移〔2022〕3号"]


def test_every_word_must_match(client, three_notices) -> None:  # type: ignore[no-untyped-def]
    assert _found(client, "鑫源 瞒报") == ["（煤）移〔2022〕3号"]
    assert _found(client, "瞒报\u3000鑫源") == ["（煤）移〔2022〕3号"]  # any order, 全角空格
    assert _found(client, "鑫源 不存在") == []
    assert _found(client, "煤业 (煤)") == list(reversed(three_notices))  # newest first
    assert _found(client, "  ") == list(reversed(three_notices))  # no words: no filter


def test_wildcards_are_plain_characters(client, three_notices) -> None:  # type: ignore[no-untyped-def]
    assert _found(client, "%") == [] and _found(client, "煤_") == []
    assert _found(client, "\\") == []


def test_the_web_register_finds_by_several_words(client, three_notices) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/register", query_string={"q": "鑫源 瞒报"}).get_data(as_text=True)
    assert "（煤）移〔2022〕3号" in page and "（煤）移〔2022〕1号" not in page
    assert "共1份" in page and NOT_FOUND not in page and EMPTY not in page


def test_an_empty_register_says_nothing_was_issued(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/register", "/", "/register?kind=nope&year=abc"):  # ignored filters are none
        page = client.get(path).get_data(as_text=True)
        assert EMPTY in page and NOT_FOUND not in page, path


@pytest.mark.parametrize("query", ["q=鑫源+不存在", "year=2030", "kind=typical-case",
                                   "kind=transfer-notice&year=2021"])
def test_a_search_without_hits_says_not_found(client, query: str) -> None:  # type: ignore[no-untyped-def]
    client.post(NOTICE, json=load_fixture("transfer-notice"))
    page = client.get(f"/register?{query}").get_data(as_text=True)
    assert NOT_FOUND in page and EMPTY not in page
    assert "共0份" in page


def test_a_search_on_an_empty_register_says_not_found_too(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/register?q=鑫源").get_data(as_text=True)
    assert NOT_FOUND in page and EMPTY not in page


OLD_DOCUMENT = """INSERT INTO documents (id, unit, kind, series, year, serial, number_text, label,
 data, fingerprint, idempotency_key, issued_at, issued_by, warnings, status)
 VALUES ('0123456789abcdef0123456789abcdef', 'default', 'transfer-notice', 'default|移:煤', 2022,
 3, '（煤）移〔2022〕3号', '东岭县鑫源煤业有限公司：东岭县鑫源煤业有限公司涉嫌瞒报亡人事故', :data,
 :fp, NULL, :at, 'token:county', '[]', 'issued')"""


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migration_makes_search_text_for_documents_already_issued(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = (request.getfixturevalue("pg_url") if backend == "postgresql"
           else f"sqlite:///{tmp_path / 'old.sqlite3'}")
    engine = make_engine(url)
    upgrade(engine, "0004")
    data = issuing.validate(issuing.get_kind("transfer-notice"), load_fixture("transfer-notice"))
    payload = data.model_dump(mode="json")
    with engine.begin() as conn:
        conn.execute(text(OLD_DOCUMENT), {
            "data": json.dumps(payload, ensure_ascii=False),
            "fp": fingerprint("transfer-notice", payload), "at": datetime.now(UTC)})
    engine.dispose()

    register = Register(url)
    register.create_schema()
    try:
        for q in ("(煤)移[2022]3号", "【煤】移［２０２２］３号", "鑫源 瞒报", "周明远"):  # 周明远: in the data
            records, total = register.find(unit="default", q=q)
            assert total == 1 and records[0].id == "0123456789abcdef0123456789abcdef", q
        assert register.find(q="鑫源 不存在")[1] == 0
    finally:
        register.dispose()
