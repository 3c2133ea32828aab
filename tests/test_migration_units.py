"""A register made by the schema before units (revision 0003) migrates: everything goes to
the unit `default`, its series go on where they stopped, its tokens and retries still work."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from service import issuing
from service.database import make_engine
from service.gate import accounts
from service.migrate import upgrade
from service.register import Register, fingerprint
from tests.conftest import load_fixture

OLD_DOCUMENT = """INSERT INTO documents (id, kind, series, year, serial, number_text, label, data,
 fingerprint, idempotency_key, issued_at, issued_by, warnings, status)
 VALUES ('0123456789abcdef0123456789abcdef', 'transfer-notice', '移:煤', 2022, 1,
 '（煤）移〔2022〕1号', '东岭县鑫源煤业有限公司', :data, :fp, 'old-key', :at, 'token:county',
 '[]', 'issued')"""


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_register_before_units_migrates_into_the_default_unit(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest,
        capsys: pytest.CaptureFixture[str]) -> None:
    url = (request.getfixturevalue("pg_url") if backend == "postgresql"
           else f"sqlite:///{tmp_path / 'old.sqlite3'}")
    engine = make_engine(url)
    upgrade(engine, "0003")
    register = Register(url)
    data = issuing.validate(issuing.get_kind("transfer-notice"), load_fixture("transfer-notice"))
    payload = data.model_dump(mode="json")
    with engine.begin() as conn:
        conn.execute(text(OLD_DOCUMENT), {
            "data": json.dumps(payload, ensure_ascii=False),
            "fp": fingerprint("transfer-notice", payload), "at": datetime.now(UTC)})
        conn.execute(text("INSERT INTO counters (series, year, last) VALUES ('移:煤', 2022, 1)"))
        conn.execute(text("INSERT INTO api_tokens (name, token_hash, read_only, created_at) "
                          "VALUES ('county', :h, false, :at)"),
                     {"h": accounts._digest("gw_old"), "at": datetime.now(UTC)})
    engine.dispose()

    register.create_schema()
    assert "归入单位“default”" in capsys.readouterr().err
    old = register.get("0123456789abcdef0123456789abcdef", "default")
    assert old is not None and old.unit == "default" and old.number_text == "（煤）移〔2022〕1号"
    principal = accounts.check_token(register, "gw_old")
    assert principal is not None and principal.unit == "default"
    # The series goes on at 2, and the old caller's retry with its old key still replays.
    nxt = issuing.issue(register, "transfer-notice", payload, unit="default",
                        issued_by="token:county")
    assert nxt.number_text == "（煤）移〔2022〕2号"
    replay = issuing.issue(register, "transfer-notice", payload, unit="default",
                           idempotency_key="old-key", issued_by="token:county")
    assert replay.replayed and replay.id == old.id
    register.dispose()
