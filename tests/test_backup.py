"""`flask --app wsgi backup` while documents are being issued, and `restore` into a fresh
register: the copy is one consistent moment (gapless series, every file matching its
SHA-256), its manifest says what it holds, and every document downloads byte-identical
from the restored register. A restore checks the manifest's SHA-256 and will not overwrite
a register that holds anything unless told to."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from service import verify
from service.app import create_app
from tests.conftest import load_fixture

NOTICE = "/api/v1/documents/transfer-notice"
CODES = ("煤", "非煤")


def notice(i: int) -> dict[str, Any]:
    """A transfer notice of its own, in one of two series."""
    return {**load_fixture("transfer-notice"), "code": CODES[i % 2],
            "subject": f"东岭县第{i}号测试企业有限公司"}


def fresh_app(db: Path) -> Any:
    """An app on the SQLite register `db`."""
    return create_app({"TESTING": True, "AUTH_REQUIRED": False, "DATABASE_URL": f"sqlite:///{db}"})


def all_documents(client: Any) -> list[dict[str, Any]]:
    """Every entry of the register, through the API."""
    return client.get("/api/v1/documents?limit=200").json["documents"]  # type: ignore[no-any-return]


def test_backup_during_a_burst_restores_byte_identical(app, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    issued: list[int] = []
    errors: list[Any] = []
    start = threading.Event()

    def issuer(first: int) -> None:
        own = app.test_client()
        for i in range(first, first + 24, 3):
            answer = own.post(NOTICE, json=notice(i))
            (issued if answer.status_code == 201 else errors).append(answer.status_code)
            start.set()

    threads = [threading.Thread(target=issuer, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    start.wait(60)
    copy = tmp_path / "备份" / "register.bak"
    copy.parent.mkdir()
    during = len(issued)
    made = app.test_cli_runner().invoke(args=["backup", "-o", str(copy)])
    after = len(issued)
    for thread in threads:
        thread.join(300)
    assert not errors and len(issued) == 24
    assert made.exit_code == 0, made.output
    assert "已备份到" in made.output and "SHA-256" in made.output
    manifest = json.loads(Path(f"{copy}.manifest.json").read_text(encoding="utf-8"))
    held = manifest["counts"]["documents"]
    assert during <= held <= after + 3 and held < 24, (during, held, after)  # taken mid-burst
    assert sum(manifest["documents_by_kind"].values()) == held
    assert {s["series"] for s in manifest["series"]} <= {f"移:{c}" for c in CODES}
    assert sum(s["documents"] for s in manifest["series"]) == held
    assert all(s["last"] == s["documents"] for s in manifest["series"])  # gapless

    restored_db = tmp_path / "restored.sqlite3"
    restored = fresh_app(restored_db)
    try:
        done = restored.test_cli_runner().invoke(args=["restore", str(copy)])
        assert done.exit_code == 0, done.output
        assert f"文书{held}份" in done.output
        report = verify.verify(restored.extensions["register"])
        assert report.ok, report.text()
        theirs = restored.test_client()
        listed = all_documents(theirs)
        assert len(listed) == held
        mine = {d["id"]: d for d in all_documents(client)}
        for doc in listed:
            assert mine[doc["id"]]["number_text"] == doc["number_text"]
            for fmt in ("docx", "pdf"):
                url = f"/api/v1/documents/{doc['id']}.{fmt}"
                assert theirs.get(url).data == client.get(url).data
        # numbering goes on in the restored register from where the copy stood
        last = {s["series"]: s["last"] for s in manifest["series"]}
        answer = theirs.post(NOTICE, json=notice(100))
        assert answer.json["number"] == last.get("移:煤", 0) + 1
        # a register that now holds documents is not overwritten unless told
        again = restored.test_cli_runner().invoke(args=["restore", str(copy)])
        assert again.exit_code == 4 and "登记簿不是空的" in again.output
        forced = restored.test_cli_runner().invoke(args=["restore", str(copy), "--force"])
        assert forced.exit_code == 0, forced.output
        assert len(all_documents(theirs)) == held
    finally:
        restored.extensions["register"].dispose()


def test_a_damaged_or_unlisted_backup_is_refused(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert app.test_client().post(NOTICE, json=notice(1)).status_code == 201
    copy = tmp_path / "r.bak"
    assert app.test_cli_runner().invoke(args=["backup", "-o", str(copy)]).exit_code == 0
    exists = app.test_cli_runner().invoke(args=["backup", "-o", str(copy)])
    assert exists.exit_code == 4 and "已存在" in exists.output
    target = fresh_app(tmp_path / "empty.sqlite3")
    try:
        run = target.test_cli_runner()
        damaged = tmp_path / "damaged.bak"
        content = bytearray(copy.read_bytes())
        content[len(content) // 2] ^= 0xFF
        damaged.write_bytes(bytes(content))
        Path(f"{damaged}.manifest.json").write_bytes(Path(f"{copy}.manifest.json").read_bytes())
        refused = run.invoke(args=["restore", str(damaged)])
        assert refused.exit_code == 1 and "SHA-256与清单不符" in refused.output
        Path(f"{damaged}.manifest.json").unlink()
        unlisted = run.invoke(args=["restore", str(damaged)])
        assert unlisted.exit_code == 1 and "清单" in unlisted.output
        missing = run.invoke(args=["restore", str(tmp_path / "nothing.bak")])
        assert missing.exit_code == 3 and "找不到备份文件" in missing.output
        assert target.test_client().get("/api/v1/documents").json["total"] == 0
    finally:
        target.extensions["register"].dispose()


def test_postgresql_is_backed_up_with_pg_dump(pg_url: str, tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "AUTH_REQUIRED": False, "DATABASE_URL": pg_url})
    try:
        done = app.test_cli_runner().invoke(args=["backup", "-o", str(tmp_path / "x.bak")])
    finally:
        app.extensions["register"].dispose()
    assert done.exit_code == 1 and "pg_dump" in done.output and "pg_restore" in done.output
    assert not (tmp_path / "x.bak").exists()

