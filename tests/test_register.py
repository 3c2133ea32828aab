"""Numbering and storage (service.register): serials, transactions, idempotency, concurrency."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from service import issuing
from service.kinds.base import Series
from service.register import IdempotencyConflict, NumberTaken, Register
from tests.conftest import load_fixture


@pytest.fixture(params=["sqlite", "postgresql"])
def register(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Register]:
    """A fresh register on SQLite, and the same on a real PostgreSQL (tests/pg.py)."""
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
    else:
        url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    reg = Register(url)
    reg.create_schema()
    yield reg
    reg.dispose()


def fake_render(serial: int | None) -> tuple[dict[str, bytes], list[str]]:
    return {"docx": f"docx {serial}".encode(), "pdf": f"pdf {serial}".encode()}, []


def issue(register: Register, key: str = "移:煤", year: int = 2022, **kw) -> int | None:
    series = Series(key=key, year=year, pattern="（煤）移〔2022〕{serial}号")
    record = register.issue(kind="transfer-notice", series=series, year=year, label="x",
                            data={"n": kw.pop("n", 0)}, render=fake_render, **kw)
    return record.serial


def test_serials_start_at_one_and_go_up_by_one(register: Register) -> None:
    assert [issue(register, n=i) for i in range(5)] == [1, 2, 3, 4, 5]


def test_each_code_and_year_has_its_own_sequence(register: Register) -> None:
    assert issue(register, "移:煤", 2022) == 1
    assert issue(register, "移:非煤", 2022) == 1
    assert issue(register, "移:煤", 2023) == 1
    assert issue(register, "移:煤", 2022) == 2
    assert issue(register, "移:非煤", 2022) == 2


def test_a_failed_render_gives_the_serial_back(register: Register) -> None:
    assert issue(register) == 1

    def broken(serial: int | None) -> tuple[dict[str, bytes], list[str]]:
        raise RuntimeError("renderer crashed")

    series = Series(key="移:煤", year=2022, pattern="{serial}")
    with pytest.raises(RuntimeError):
        register.issue(kind="transfer-notice", series=series, year=2022, label="x", data={},
                       render=broken)
    assert issue(register) == 2  # not 3: the failed issue left no gap
    assert register.find()[1] == 2


def test_stored_files_keep_their_bytes_and_hashes(register: Register) -> None:
    series = Series(key="移:煤", year=2022, pattern="（煤）移〔2022〕{serial}号")
    record = register.issue(kind="transfer-notice", series=series, year=2022, label="x",
                            data={"a": "甲"}, render=fake_render)
    assert record.number_text == "（煤）移〔2022〕1号"
    for fmt in ("docx", "pdf"):
        content, sha = register.content(record.id, fmt)
        assert content == f"{fmt} 1".encode()
        assert sha == hashlib.sha256(content).hexdigest() == record.files[fmt][0]
    again = register.get(record.id)
    assert again is not None and again.data == {"a": "甲"} and again.issued_at.tzinfo


def test_unnumbered_kinds_are_registered_without_a_serial(register: Register) -> None:
    record = register.issue(kind="typical-case", series=None, year=2022, label="某案",
                            data={}, render=fake_render)
    assert record.serial is None and record.number_text is None
    assert register.find(kind="typical-case")[1] == 1


def test_idempotency_key_returns_the_first_result(register: Register) -> None:
    first = issue(register, idempotency_key="req-1", n=1)
    again = issue(register, idempotency_key="req-1", n=1)
    assert first == again == 1
    assert issue(register, n=2) == 2  # the retry consumed nothing
    with pytest.raises(IdempotencyConflict):
        issue(register, idempotency_key="req-1", n=3)


def test_find_filters_and_orders_newest_first(register: Register) -> None:
    for i, (key, year) in enumerate([("移:煤", 2022), ("移:煤", 2023), ("移:危", 2023)]):
        series = Series(key=key, year=year, pattern=key + "〔" + str(year) + "〕{serial}号")
        register.issue(kind="transfer-notice", series=series, year=year, label=f"标签{i}",
                       data={"text": f"内容{i}_%"}, render=fake_render)
    records, total = register.find()
    assert total == 3 and [r.label for r in records] == ["标签2", "标签1", "标签0"]
    assert register.find(year=2023)[1] == 2
    assert [r.label for r in register.find(q="移:危")[0]] == ["标签2"]
    assert [r.label for r in register.find(q="内容1")[0]] == ["标签1"]
    assert register.find(q="_%")[1] == 3 and register.find(q="x%")[1] == 0  # no wildcards
    page, total = register.find(limit=1, offset=1)
    assert total == 3 and [r.label for r in page] == ["标签1"]


def test_search_ignores_the_case_of_latin_letters(register: Register) -> None:
    """As SQLite's LIKE does, so on PostgreSQL too: "abc" finds ABC煤业."""
    register.issue(kind="typical-case", series=None, year=2022, label="ABC煤业有限公司",
                   data={"officer": "Zhang"}, render=fake_render)
    assert [r.label for r in register.find(q="abc")[0]] == ["ABC煤业有限公司"]
    assert register.find(q="ZHANG")[1] == 1 and register.find(q="abd")[1] == 0


def test_100_concurrent_issues_get_100_distinct_gapless_numbers(app) -> None:  # type: ignore[no-untyped-def]
    """Real renders, one app, 100 requests from 16 threads through the HTTP layer (the
    servers' proof with 600 issues from 32 clients is tests/test_load.py)."""
    client_lock = threading.Lock()
    body = load_fixture("transfer-notice")

    def one(i: int) -> str:
        with client_lock:
            client = app.test_client()
        response = client.post("/api/v1/documents/transfer-notice", json=body)
        assert response.status_code == 201, response.json
        return response.json["number_text"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        numbers = list(pool.map(one, range(100)))
    serials = sorted(int(n.split("〕")[1].rstrip("号")) for n in numbers)
    assert serials == list(range(1, 101))
    assert app.extensions["register"].find()[1] == 100


def test_preview_consumes_no_number(app, client) -> None:  # type: ignore[no-untyped-def]
    body = load_fixture("transfer-notice")
    assert client.post("/api/v1/render/transfer-notice.pdf", json=body).status_code == 200
    assert client.post("/api/v1/render/transfer-notice.docx", json=body).status_code == 200
    with app.app_context():
        record = issuing.issue(app.extensions["register"], "transfer-notice", body)
    assert record.serial == 1


def test_a_chosen_number_is_used_and_later_serials_skip_past_it(register: Register) -> None:
    def chosen(n: int | None) -> int | None:
        series = Series(key="通报:东岭县", year=2022, pattern="第{serial}期", fixed=n)
        return register.issue(kind="bulletin", series=series, year=2022, label="x",
                              data={"n": n}, render=fake_render).serial

    assert chosen(None) == 1
    assert chosen(5) == 5
    assert chosen(None) == 6
    assert chosen(3) == 3  # an earlier gap may be filled by hand
    assert chosen(None) == 7
    with pytest.raises(NumberTaken):
        chosen(5)


def test_concurrent_issues_on_two_series_stay_gapless(register: Register) -> None:
    """Threads racing for the counters (row locks on PostgreSQL, the write lock on SQLite)."""

    def slow_render(serial: int | None) -> tuple[dict[str, bytes], list[str]]:
        time.sleep(0.002)  # widen the window between taking a serial and storing it
        return fake_render(serial)

    def one(i: int) -> tuple[str, int | None]:
        key = ("移:煤", "移:非煤")[i % 2]
        series = Series(key=key, year=2022, pattern="{serial}")
        record = register.issue(kind="transfer-notice", series=series, year=2022, label="x",
                                data={"n": i}, render=slow_render)
        return key, record.serial

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(one, range(120)))
    for key in ("移:煤", "移:非煤"):
        assert sorted(s for k, s in results if k == key) == list(range(1, 61))
    assert register.find()[1] == 120


def test_racing_retries_with_one_idempotency_key_issue_once(register: Register) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        serials = list(pool.map(lambda _: issue(register, idempotency_key="same", n=1),
                                range(8)))
    assert serials == [1] * 8
    assert register.find()[1] == 1
    assert issue(register, n=2) == 2  # the losers gave their serials back


def test_a_plain_postgresql_url_uses_psycopg(pg_url: str, tmp_path: Path) -> None:
    """DATABASE_URL=postgresql://… (or postgres://…, as hosts hand it out) works as it is."""
    for plain in (pg_url.replace("postgresql+psycopg://", "postgresql://"),
                  pg_url.replace("postgresql+psycopg://", "postgres://")):
        reg = Register(plain)
        try:
            reg.create_schema()
            assert reg.engine.dialect.driver == "psycopg"
            assert issue(reg) is not None
        finally:
            reg.dispose()
    sqlite_register = Register(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    assert sqlite_register.engine.dialect.name == "sqlite"
    sqlite_register.dispose()


def test_braces_in_a_unit_or_code_print_literally() -> None:
    series = Series(key="通报:{x}", year=2022, pattern="{x}〔2022〕第{serial}期")
    assert series.text(3) == "{x}〔2022〕第3期" and series.text(None) == "{x}〔2022〕第\u3000期"
    odd = Series(key="k", year=2022, pattern="{serial}局〔2022〕第{serial}期")
    assert odd.text(5) == "{serial}局〔2022〕第5期"
