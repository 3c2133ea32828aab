"""Bounds on what a client can send: dates of the People's Republic (1949-10-01 … 2100-12-31),
text that prints as nothing, form row indices, batch items that raise, and the instance
folder's permissions."""

from __future__ import annotations

import dataclasses
import os
import re
import stat
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import exc as db_errors
from werkzeug.datastructures import MultiDict

from service import config, issuing
from service.batches import engine, queue, store
from service.errors import Invalid, Malformed, ServiceError
from service.form_posts import check_rows, flatten, payload_from_form, row_count, row_index
from service.forms import DEFAULT_MAX_ROWS, form_for, widest_list
from service.kinds import KINDS
from service.kinds.base import DAY_PATTERN, FIRST_DAY, LAST_DAY
from service.register import Register
from service.text import is_blank
from service.workdays import last_workday
from tests.conftest import load_fixture

RANGE = "应在1949年10月1日至2100年12月31日之间"


def notice(**changes: Any) -> dict[str, Any]:
    data = load_fixture("transfer-notice")
    data.update(changes)
    return data


def refusal(kind: str, data: dict[str, Any]) -> Invalid:
    with pytest.raises(Invalid) as caught:
        issuing.validate(KINDS[kind], data)
    return caught.value


# 1. Dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1949-09-30", "2101-01-01"])
def test_a_date_outside_1949_to_2100_is_refused_naming_the_field(day: str) -> None:
    err = refusal("transfer-notice", notice(issued_on=day, received_on="1950-01-01"))
    assert {"path": "issued_on", "message": f"成文日期：{RANGE}"} in err.fields


@pytest.mark.parametrize("day", ["1949-10-01", "2100-12-31"])
def test_the_first_and_last_day_are_accepted_and_print(day: str) -> None:
    kind = KINDS["transfer-notice"]
    doc = issuing.validate(kind, notice(issued_on=day, received_on="1949-10-01"))
    context = kind.build(doc, 1)  # the feedback date, 7 days on, is computed and printed
    assert context["number"] == f"（煤）移〔{day[:4]}〕1号"


def test_every_date_field_of_every_kind_has_the_range() -> None:
    found = 0
    for kind in KINDS.values():
        for name, title in _date_fields(kind.model):
            found += 1
            data = load_fixture(kind.name if kind.name != "summary" else "summary-weekly")
            _put(data, name, "9999-12-31")
            assert any(f["path"] == name and title in f["message"] and f["message"].endswith(RANGE)
                       for f in refusal(kind.name, data).fields), (kind.name, name)
    assert found >= 10


def _date_fields(model: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, title) of every Day field, descending into the first item of lists."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})

    def walk(node: dict[str, Any], path: str, title: str) -> Iterator[tuple[str, str]]:
        node = defs[node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else node
        options = [o for o in node.get("anyOf", []) if o.get("type") != "null"]
        if options:
            yield from walk(options[0], path, title)
        elif node.get("format") == "date":
            yield path, title
        elif node.get("type") == "array":
            yield from walk(node["items"], f"{path}.0", title)
        for key, sub in node.get("properties", {}).items():
            yield from walk(sub, f"{path}.{key}" if path else key, sub.get("title", key))

    yield from walk(schema, prefix, "")


def _put(data: dict[str, Any], path: str, value: str) -> None:
    *heads, last = path.split(".")
    node: Any = data
    for head in heads:
        node = node[int(head)] if isinstance(node, list) else node.setdefault(head, {})
    if isinstance(node, dict):
        node[last] = value


def test_the_published_pattern_is_exactly_the_accepted_range() -> None:
    pattern = re.compile(DAY_PATTERN)
    kind = KINDS["transfer-notice"]
    days = [FIRST_DAY - timedelta(days=1), FIRST_DAY, LAST_DAY, LAST_DAY + timedelta(days=1),
            date(1, 1, 1), date(9999, 12, 31)]
    days += [date(year, month, 1) for year in range(1940, 2111) for month in (1, 9, 10, 12)]
    for day in days:
        allowed = bool(pattern.fullmatch(day.isoformat()))
        try:
            issuing.validate(kind, notice(issued_on=day.isoformat(), received_on="1949-10-01"))
            accepted = True
        except Invalid as err:
            accepted = not any(f["path"] == "issued_on" for f in err.fields)
        assert allowed == accepted == (FIRST_DAY <= day <= LAST_DAY), day
    schema = kind.model.model_json_schema()["properties"]["issued_on"]
    assert schema["pattern"] == DAY_PATTERN and schema["format"] == "date"


def test_the_api_answers_422_not_500(client) -> None:  # type: ignore[no-untyped-def]
    for day in ("9999-12-31", "0001-01-01"):
        response = client.post("/api/v1/render/transfer-notice.pdf",
                               json=notice(issued_on=day, received_on="1950-01-01"))
        assert response.status_code == 422, response.get_data(as_text=True)[:300]
        assert any(f["path"] == "issued_on" and RANGE in f["message"]
                   for f in response.json["fields"])


def test_the_last_working_day_of_every_month_in_range_and_beyond() -> None:
    months = [(y, m) for y in range(FIRST_DAY.year, LAST_DAY.year + 1) for m in range(1, 13)]
    for year, month in [*months, (1, 1), (9999, 12)]:
        due = last_workday(year, month)
        assert (due.day.year, due.day.month) == (year, month)
        assert due.official or due.day.weekday() < 5


# 2. Text that prints as nothing -----------------------------------------------------------

INVISIBLE = ["\u200b", "\u200c\u200d", "\u200e\u200f", "\u2060\u2061\u2062\u2063\u2064",
             "\ufeff", "\u180e", "\u3164", "\u115f\u1160", "\u3000\u3000\u200b", " \t\u200b\n",
             "\u00a0\u2800", "\ufe0f", "\u00ad", "\U000e0041"]


@pytest.mark.parametrize("value", INVISIBLE)
def test_a_value_of_only_invisible_characters_is_blank(value: str) -> None:
    assert is_blank(value)
    err = refusal("transfer-notice", notice(recipient=value))
    assert {"path": "recipient", "message": "主送单位：不能为空"} in err.fields


@pytest.mark.parametrize("value", ["零\u200b宽", "\ufeff东岭煤矿", "家庭👨\u200d👩\u200d👧", "a\u3164b",
                                   "\u3000某某煤矿"])
def test_a_value_that_merely_contains_them_is_kept(value: str) -> None:
    assert not is_blank(value)
    doc = issuing.validate(KINDS["transfer-notice"], notice(recipient=value))
    assert doc.recipient == value.strip()  # type: ignore[attr-defined]


# 3. Form rows -----------------------------------------------------------------------------


def post(**fields: str) -> MultiDict[str, str]:
    return MultiDict(list(fields.items()))


def malformed(call: Any, *args: Any) -> Malformed:
    with pytest.raises(Malformed) as caught:
        call(*args)
    return caught.value


def test_a_row_index_at_or_beyond_the_lists_limit_is_a_400() -> None:
    form = form_for(KINDS["transfer-notice"].model)
    ok = payload_from_form(form, post(**{"attachments.199": "x", "attachments.3": "y"}))
    assert ok["attachments"] == ["y", "x"]
    for index in ("200", "1000000", "9" * 5000):
        err = malformed(payload_from_form, form, post(**{f"attachments.{index}": "x"}))
        assert "有关材料" in err.message and "最多200项" in err.message
        assert err.fields[0]["path"] == "attachments"


@pytest.mark.parametrize("head", ["abc", "", "²", "٣", "-1", "1e3", " 1", "0x1"])
def test_a_row_index_that_is_not_a_number_is_a_400(head: str) -> None:
    form = form_for(KINDS["transfer-notice"].model)
    err = malformed(payload_from_form, form, post(**{f"attachments.{head}": "x"}))
    assert "有关材料" in err.message and "不是数字" in err.message
    err = malformed(row_count, {f"attachments.{head}": "x"}, "attachments")
    assert "不是数字" in err.message


def test_nested_lists_have_their_own_limits() -> None:
    form = form_for(KINDS["summary"].model)
    assert widest_list() == 5000  # summary's findings: the default for row_count
    payload = payload_from_form(form, post(**{"findings.4999.measures.10": "x"}))
    assert payload["findings"][0]["measures"] == ["x"]
    err = malformed(payload_from_form, form, post(**{"findings.0.measures.11": "x"}))
    assert "最多11项" in err.message and err.fields[0]["path"] == "findings.0.measures"
    malformed(payload_from_form, form, post(**{"findings.5000.unit": "x"}))
    malformed(check_rows, form, post(**{"findings.0.measures.x": "x"}))


def test_row_count_is_bounded() -> None:
    assert row_count({"attachments.4": "x"}, "attachments") == 5
    assert row_count(flatten({"cc": ["a", "b"]}), "cc", 0) == 2  # __len__ is not a row
    assert row_count({}, "cc", 0) == 1
    assert row_count({"attachments.199": ""}, "attachments", 0, 200) == 200
    malformed(row_count, {"attachments.200": ""}, "attachments", 0, 200)
    malformed(row_count, {"attachments.1000000": "x"}, "attachments")
    malformed(row_count, {"attachments." + "9" * 5000: "x"}, "attachments")


def test_row_index_names_a_row_of_a_list_of_the_form() -> None:
    form = form_for(KINDS["summary"].model)
    assert row_index(form, "findings.3") == 3
    assert row_index(form, "findings.0.measures.10") == 10
    for path in ("findings.5000", "findings.0.measures.11", "findings.x", "findings",
                 "findings.0.unit", "findings.0.measures.1.x", "nosuch.0", "unit.0", "",
                 "findings." + "9" * 5000):
        malformed(row_index, form, path)
    notice_form = form_for(KINDS["transfer-notice"].model)
    assert row_index(notice_form, "attachments.199") == 199
    assert "最多200项" in malformed(row_index, notice_form, "attachments.200").message
    assert form_for(KINDS["transfer-notice"].model).children[0].max_items == DEFAULT_MAX_ROWS


def test_adding_a_row_after_a_far_index_is_a_400_page_not_a_huge_one(client) -> None:  # type: ignore[no-untyped-def]
    client.get("/new/transfer-notice")
    with client.session_transaction() as session:
        token = str(session["_csrf"])
    response = client.post("/new/transfer-notice",
                           data={"_csrf": token, "attachments.5000": "x", "_add": "attachments"})
    assert response.status_code == 400
    assert len(response.get_data()) < 100_000 and "行号" in response.get_data(as_text=True)
    response = client.post("/new/transfer-notice", data={"_csrf": token, "attachments.abc": "x"})
    assert response.status_code == 400


# 4. Batch items that raise ----------------------------------------------------------------


@pytest.fixture
def register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Register]:
    reg = Register(f"sqlite:///{tmp_path / 'jobs.sqlite3'}")
    reg.create_schema()
    monkeypatch.setattr(queue, "_register", reg)
    yield reg
    reg.dispose()


def broken(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """Make the transfer notice's build raise `error`, as a bug would."""
    def build(doc: Any, serial: int | None) -> dict[str, Any]:
        raise error
    kind = KINDS["transfer-notice"]
    monkeypatch.setitem(KINDS, kind.name, dataclasses.replace(kind, build=build))


def test_process_fails_an_item_that_raises_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    broken(monkeypatch, OverflowError("date value out of range"))
    item = engine.Item(1, "transfer-notice", notice())
    result = engine.preview_item(item, ("pdf",))
    assert result.error is not None and result.files == {}
    assert "OverflowError" in result.error["message"] and "意外错误" in result.error["message"]


@pytest.mark.parametrize("issue", [False, True])
def test_a_job_whose_items_all_raise_finishes(register: Register, issue: bool,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    broken(monkeypatch, OverflowError("date value out of range"))
    items = [{"kind": "transfer-notice", "data": notice()} for _ in range(3)]
    batch_id, _ = store.create(register, items, ["pdf"], issue=issue)
    queue.run_chunk.call_local(batch_id, 0, 3)
    assert store.progress(register, batch_id) == {"pending": 0, "done": 0, "failed": 3}
    job = store.load(register, batch_id)
    assert job is not None and job.finished
    for status, entry in store.outcomes(register, batch_id):
        assert status == "failed" and "OverflowError" in entry["message"]
    # Issuing takes numbers in input order before rendering: a render that then fails leaves
    # its number used up in the open (作废, with the reason), never reused. The three items
    # are one matter, so one number.
    listed, total = register.find(limit=10)
    assert total == (1 if issue else 0)
    assert all(r.status == "spoiled" and "生成失败" in (r.note or "") for r in listed)


def test_an_out_of_range_date_in_a_job_fails_that_item_only(register: Register) -> None:
    items = [{"kind": "transfer-notice", "data": notice(issued_on="9999-12-31")}]
    batch_id, _ = store.create(register, items, ["pdf"], issue=True)
    queue.run_chunk.call_local(batch_id, 0, 1)
    [(status, entry)] = store.outcomes(register, batch_id)
    assert status == "failed" and RANGE in entry["message"]
    assert store.load(register, batch_id).finished  # type: ignore[union-attr]


def test_a_database_error_is_retried_then_fails_the_item(register: Register,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    broken(monkeypatch, db_errors.OperationalError("INSERT", {}, Exception("database is locked")))
    with pytest.raises(db_errors.OperationalError):  # not the item's fault: the task retries
        engine.preview_item(engine.Item(1, "transfer-notice", notice()), ("pdf",))
    batch_id, _ = store.create(register, [{"kind": "transfer-notice", "data": notice()}],
                               ["pdf"], issue=False)
    with pytest.raises(db_errors.OperationalError):
        queue.run_chunk.call_local(batch_id, 0, 1, task=SimpleNamespace(retries=2))
    assert store.progress(register, batch_id)["pending"] == 1
    queue.run_chunk.call_local(batch_id, 0, 1, task=SimpleNamespace(retries=0))  # last try
    [(status, entry)] = store.outcomes(register, batch_id)
    assert status == "failed" and "OperationalError" in entry["message"]
    assert store.load(register, batch_id).finished  # type: ignore[union-attr]


def test_a_service_error_still_reads_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    broken(monkeypatch, ServiceError("渲染失败", code="render_failed"))
    result = engine.preview_item(engine.Item(1, "transfer-notice", notice()), ("pdf",))
    assert result.error == {"error": "render_failed", "message": "渲染失败", "fields": []}


# 5. The instance folder and its files -----------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def fresh_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "new" / "instance"
    monkeypatch.setenv("GONGWEN_INSTANCE", str(folder))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    old = os.umask(0o022)
    try:
        yield folder
    finally:
        os.umask(old)


def test_a_fresh_instance_is_private(fresh_instance: Path) -> None:
    assert config.ensure_instance_dir() == fresh_instance.resolve()
    assert mode(fresh_instance) == 0o700
    reg = Register(config.database_url())
    try:
        reg.create_schema()
        issuing_file = fresh_instance / "register.sqlite3"
        assert mode(issuing_file) == 0o600
        with reg.engine.connect() as conn:  # WAL mode: -wal and -shm exist while connected
            conn.exec_driver_sql("CREATE TABLE t (x)")
            for suffix in ("-wal", "-shm"):
                side = fresh_instance / f"register.sqlite3{suffix}"
                assert side.exists() and mode(side) == 0o600, suffix
    finally:
        reg.dispose()
    huey = queue.make_huey()
    huey.storage.enqueue(b"x", 0)  # opens and writes the queue database
    assert mode(fresh_instance / "huey.sqlite3") == 0o600
    for side in fresh_instance.glob("huey.sqlite3-*"):
        assert mode(side) == 0o600, side


def test_a_permissive_umask_does_not_matter(fresh_instance: Path) -> None:
    os.umask(0)
    config.ensure_instance_dir()
    assert mode(fresh_instance) == 0o700
    assert mode(config.private_file(fresh_instance / "x.sqlite3")) == 0o600


def test_an_older_open_instance_is_closed_to_others(fresh_instance: Path) -> None:
    fresh_instance.mkdir(parents=True, mode=0o755)
    os.chmod(fresh_instance, 0o755)
    db = fresh_instance / "register.sqlite3"
    db.write_bytes(b"")
    os.chmod(db, 0o644)
    config.ensure_instance_dir()
    config.private_file(db)
    assert mode(fresh_instance) == 0o750 and mode(db) == 0o640


@pytest.mark.parametrize("button", [
    {"_remove": "attachments.abc"}, {"_remove": "attachments.1000000"},
    {"_add": "nonexistent"}, {"_remove": "attachments"}, {"_add": "attachments", "attachments.199": "x"},
])
def test_row_buttons_with_bad_rows_are_400_pages(client, button) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/new/transfer-notice").get_data(as_text=True)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    answer = client.post("/new/transfer-notice", data={"_csrf": csrf, **button})
    assert answer.status_code == 400 and "<html" in answer.get_data(as_text=True)


def test_an_expired_form_with_a_bad_row_is_a_400_page(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.post("/new/transfer-notice", data={"attachments.abc": "x"})
    assert answer.status_code == 400 and "<html" in answer.get_data(as_text=True)


@pytest.mark.parametrize("period", ["0001-01", "9999-12", "1949-09", "2101-01"])
def test_commitment_periods_stay_in_the_dates_range(client, period: str) -> None:  # type: ignore[no-untyped-def]
    data = {**load_fixture("commitment-letter"), "period": period}
    answer = client.post("/api/v1/render/commitment-letter.pdf", json=data)
    assert answer.status_code == 422 and answer.json["fields"][0]["path"] == "period"


def test_a_week_past_the_calendar_is_a_clear_error() -> None:
    from service.bulletins import iso_week
    from service.errors import Invalid

    with pytest.raises(Invalid):
        iso_week("9999-W52")
