"""`flask --app wsgi verify`: 0 and a short Chinese summary for a sound register (voided,
corrected and spoiled numbers counted as used, a chosen 期号 no gap), non-zero and a
Chinese list of what is wrong after a file is changed, a row or an audit entry deleted, or
a number registered twice."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from service import issuing
from tests.conftest import load_fixture

NOTICE = "/api/v1/documents/transfer-notice"


def notice(i: int) -> dict[str, Any]:
    """A transfer notice with a subject of its own."""
    return {**load_fixture("transfer-notice"), "subject": f"东岭县第{i}号测试企业有限公司"}


def sound_register(app: Any, client: Any) -> list[dict[str, Any]]:
    """Five notices (one voided, one corrected), a spoiled number and a bulletin whose
    chosen 期号 (2) skips 第1期; the notices' answers."""
    issued = [client.post(NOTICE, json=notice(i)).json for i in range(5)]
    assert client.post(f"/api/v1/documents/{issued[1]['id']}/void",
                       json={"reason": "主送单位名称有误"}).status_code == 200
    assert client.post(f"/api/v1/documents/{issued[2]['id']}/correct",
                       json=notice(20)).status_code == 201
    reserved = issuing.reserve(app.extensions["register"], "transfer-notice", notice(30),
                               unit="default", issued_by=None)
    assert isinstance(reserved, issuing.Reserved)
    app.extensions["register"].spoil(reserved.seq, "生成失败（测试），文号作废")
    assert client.post("/api/v1/documents/bulletin",
                       json=load_fixture("bulletin")).status_code == 201
    return issued


def verify(app: Any) -> Any:
    """Run `flask --app wsgi verify` on the app's register."""
    return app.test_cli_runner().invoke(args=["verify"])


def sql(db: Path, *statements: str) -> None:
    """Change the register behind the service's back, as a hand edit would."""
    with sqlite3.connect(db) as conn:
        for statement in statements:
            conn.execute(statement)


def test_a_sound_register_verifies(app, client) -> None:  # type: ignore[no-untyped-def]
    sound_register(app, client)
    done = verify(app)
    assert done.exit_code == 0, done.output
    assert done.output.startswith("登记簿核对无误：文书8份（有效5、作废2、生成失败作废1）")
    assert "文件14个" in done.output and "无缺号、无重号" in done.output
    assert "1个期号因选定了更大的期号而未用" in done.output


def test_a_changed_file_is_found(app, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    issued = sound_register(app, client)
    where = ("format = 'pdf' AND document_seq = "
             f"(SELECT seq FROM documents WHERE id = '{issued[3]['id']}')")
    with sqlite3.connect(tmp_path / "register.sqlite3") as conn:
        [(content,)] = conn.execute(f"SELECT content FROM files WHERE {where}").fetchall()
        changed = content.replace(b"/Length", b"/Lengti", 1)  # one byte, same size
        conn.execute(f"UPDATE files SET content = ? WHERE {where}", (changed,))
    done = verify(app)
    assert done.exit_code == 1
    assert f"{issued[3]['number_text']}的pdf文件与登记的SHA-256不符" in done.output
    assert done.output.startswith("登记簿核对发现1处问题")


def test_a_deleted_row_is_a_gap_and_a_missing_document(app, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    issued = sound_register(app, client)
    db = tmp_path / "register.sqlite3"
    seq = f"(SELECT seq FROM documents WHERE id = '{issued[3]['id']}')"
    sql(db, f"DELETE FROM files WHERE document_seq = {seq}",  # a document in the middle
        f"DELETE FROM documents WHERE id = '{issued[3]['id']}'",
        "DELETE FROM documents WHERE status = 'spoiled'")  # and the last number of 移:煤
    done = verify(app)
    assert done.exit_code == 1
    assert (f"缺号：编号序列移:煤（单位default，2022年）的{issued[3]['number_text']}不在"
            in done.output)
    assert "移:煤（单位default，2022年）的计数器为7号，登记簿中最大为6号（末尾的登记行被删除？）" \
        in done.output
    assert f"签发了{issued[3]['number_text']}，登记簿中却没有这份文书" in done.output


def test_a_deleted_audit_entry_is_found(app, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    issued = sound_register(app, client)
    sql(tmp_path / "register.sqlite3",
        f"DELETE FROM audit_events WHERE target = '{issued[3]['id']}'")
    done = verify(app)
    assert done.exit_code == 1
    assert f"{issued[3]['number_text']}没有签发的操作记录" in done.output
    assert re.search(r"操作记录缺少第\d+条（被删除？）", done.output)


def test_a_number_registered_twice_is_found(app, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    issued = sound_register(app, client)
    db = tmp_path / "register.sqlite3"
    # the printed number of one document put on another
    sql(db, f"UPDATE documents SET number_text = '{issued[0]['number_text']}' "
            f"WHERE id = '{issued[4]['id']}'")
    done = verify(app)
    assert done.exit_code == 1
    assert f"单位default有2份文书印着同一个文号{issued[0]['number_text']}" in done.output
    # a serial twice in its series: a copy of the register made without its unique
    # constraint (a hand-made export, say) can hold it; the check does not rely on the schema
    sql(db, "PRAGMA foreign_keys=OFF", "PRAGMA legacy_alter_table=ON",
        "ALTER TABLE documents RENAME TO documents_old",
        "CREATE TABLE documents AS SELECT * FROM documents_old", "DROP TABLE documents_old",
        f"INSERT INTO documents SELECT * FROM documents WHERE id = '{issued[1]['id']}'",
        "UPDATE documents SET seq = seq + 1000, id = id || 'x', status = 'spoiled', "
        "idempotency_key = NULL, matter = NULL WHERE rowid = (SELECT max(rowid) FROM documents)")
    app.extensions["register"].dispose()
    done = verify(app)
    assert done.exit_code == 1
    assert f"重号：{issued[1]['number_text']}登记了2次" in done.output
