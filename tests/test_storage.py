"""A register that cannot be written — its disk full, or the database read-only — answers
503 storage_unavailable with a Chinese message (JSON for the API, a page for the officers,
a failed item for a batch job), stores nothing half-way, and works again by itself once
space returns: the series stays gapless and numbering goes on where it stood."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from service import verify
from service.app import create_app
from service.batches import queue, store
from service.tables import Counter, Document, File
from tests.conftest import load_fixture
from tests.test_web import csrf, form_data

NOTICE = "/api/v1/documents/transfer-notice"


def notice(i: int) -> dict[str, Any]:
    """The transfer-notice fixture with a subject of its own."""
    return {**load_fixture("transfer-notice"), "subject": f"东岭县第{i}号测试企业有限公司"}


class Limit:
    """A pragma run on every connection the app's engine hands out (SQLite's own limits:
    max_page_count makes the database full, query_only read-only); None lifts it."""

    def __init__(self, app: Flask) -> None:
        self.pragma: str | None = None
        self.engine = app.extensions["register"].engine
        event.listen(self.engine, "checkout", self._apply)

    def _apply(self, dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        dbapi_conn.execute(self.pragma or "PRAGMA query_only=OFF")
        if not self.pragma:
            dbapi_conn.execute("PRAGMA max_page_count=4294967294")

    def full(self) -> None:
        """No page may be added to the database from now on."""
        with self.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
        self.pragma = f"PRAGMA max_page_count={pages}"


def register_state(app: Flask) -> tuple[list[int], int, int]:
    """(serials, counter, files) of the register."""
    with Session(app.extensions["register"].engine) as s:
        serials = sorted(s.execute(select(Document.serial)).scalars())
        last = s.execute(select(func.max(Counter.last))).scalar_one() or 0
        files = s.execute(select(func.count()).select_from(File)).scalar_one()
    return serials, last, files


def refused(client: Any, app: Flask, i: int) -> None:
    """An issue, a web 签发 and a batch item all fail as storage_unavailable, storing nothing."""
    before = register_state(app)
    answer = client.post(NOTICE, json=notice(i))
    assert answer.status_code == 503, answer.get_data(as_text=True)
    assert answer.json["error"] == "storage_unavailable"
    assert "磁盘已满或数据库只读" in answer.json["message"]
    assert register_state(app) == before  # nothing half-written


def issue_page_refused(client: Any, draft_url: str, token: str) -> None:
    """The officer's 签发 answers the Chinese 503 page."""
    page = client.post(draft_url + "/issue", data={"_csrf": token})
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert "磁盘已满或数据库只读" in page.get_data(as_text=True)


def recovered(client: Any, app: Flask, i: int, expected: int) -> None:
    """Issuing works again, numbering on from where it stood, and the register verifies."""
    answer = client.post(NOTICE, json=notice(i))
    assert answer.status_code == 201, answer.json
    assert answer.json["number"] == expected
    serials, last, _ = register_state(app)
    assert serials == list(range(1, expected + 1)) and last == expected
    assert verify.verify(app.extensions["register"]).ok


@pytest.mark.parametrize("pragma", ["max_page_count", "query_only"])
def test_full_or_read_only_database_answers_503_then_recovers(  # type: ignore[no-untyped-def]
        app, client, pragma, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue, "_register", app.extensions["register"])  # the consumer's
    limit = Limit(app)
    for i in range(2):
        assert client.post(NOTICE, json=notice(i)).status_code == 201
    token = csrf(client)
    draft = client.post("/new/transfer-notice", data=form_data(notice(9), token))
    job, _ = store.create(app.extensions["register"], [{"kind": "transfer-notice",
                                                       "data": notice(8)}], ["pdf"], issue=True)
    if pragma == "max_page_count":
        limit.full()
    else:
        limit.pragma = "PRAGMA query_only=ON"
    limit.engine.dispose()  # connections are handed out afresh, each with the limit
    refused(client, app, 3)
    issue_page_refused(client, draft.headers["Location"], token)
    if pragma == "max_page_count":  # recording a failed item fits in the pages there are
        queue.run_chunk.call_local(job, 0, 1)
        [outcome] = store.outcomes(app.extensions["register"], job)
        assert outcome[0] == "failed" and outcome[1]["error"] == "storage_unavailable"
    limit.pragma = None
    recovered(client, app, 4, 3)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs of its own, or a skip saying why it cannot be mounted."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or done.returncode}); "
                    "the max_page_count and query_only variants still run")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path, db: Path) -> Path:
    """Fill the file system up: the WAL checkpointed to nothing first, so that the next
    write must grow a file; the filler file, to delete when space should come back."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    filler = folder / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError as err:
            assert err.errno == errno.ENOSPC
    try:  # the last partial block, byte by byte
        with filler.open("ab") as out:
            while True:
                out.write(b"\0" * 512)
                out.flush()
    except OSError:
        pass
    return filler


def test_a_full_disk_answers_503_then_numbering_goes_on(tmpfs: Path) -> None:
    db = tmpfs / "register.sqlite3"
    app = create_app({"TESTING": True, "AUTH_REQUIRED": False,
                      "DATABASE_URL": f"sqlite:///{db}"})
    client = app.test_client()
    try:
        for i in range(2):
            assert client.post(NOTICE, json=notice(i)).status_code == 201
        token = csrf(client)
        draft = client.post("/new/transfer-notice", data=form_data(notice(9), token))
        filler = fill(tmpfs, db)
        refused(client, app, 3)
        issue_page_refused(client, draft.headers["Location"], token)
        assert client.get("/api/v1/documents").json["total"] == 2  # reading goes on
        os.remove(filler)  # space returns: nothing to restart
        recovered(client, app, 4, 3)
        with sqlite3.connect(db) as check:
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert check.execute("SELECT count(*) FROM batch_items").fetchone() == (0,)
    finally:
        app.extensions["register"].dispose()

