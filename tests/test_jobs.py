"""Batch jobs end to end: gunicorn + a real Huey consumer process, on SQLite and on Redis;
a consumer killed mid-job leaves nothing half-recorded and the job completes later."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_fixture, pdf_text
from tests.test_browser import ROOT, free_port

pytestmark = pytest.mark.slow


def call(url: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, raw if response.headers.get_content_type() == "application/zip" else json.loads(raw)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


class Stack:
    """gunicorn and Huey consumers sharing one environment (database and queue)."""

    def __init__(self, tmp: Path, extra_env: dict[str, str]) -> None:
        self.env = {**os.environ, "GONGWEN_INSTANCE": str(tmp), "SECRET_KEY": "jobs",
                    "GONGWEN_LOCAL": "1",
                    "DATABASE_URL": f"sqlite:///{tmp / 'register.sqlite3'}",
                    "GONGWEN_JOB_STALE_SECONDS": "3", **extra_env}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.procs: list[subprocess.Popen[bytes]] = []
        self.web = self._start([sys.executable, "-m", "gunicorn", "--workers", "1",
                                "--bind", f"127.0.0.1:{self.port}", "wsgi:app"])
        for _ in range(100):
            try:
                urllib.request.urlopen(self.base + "/api/v1/kinds", timeout=1)
                break
            except OSError:
                time.sleep(0.1)

    def _start(self, args: list[str]) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        self.procs.append(proc)
        return proc

    def consumer(self) -> subprocess.Popen[bytes]:
        """Start a Huey consumer with two worker processes."""
        return self._start([str(Path(sys.executable).parent / "huey_consumer"),
                            "service.batches.queue.huey", "--workers", "2", "--worker-type", "thread"])

    def wait(self, batch_url: str, until: str = "finished", timeout: float = 240) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = call(self.base + batch_url)[1]
            if until == "finished" and status["status"] == "finished":
                return status
            if until == "some" and status["done"] > 0 and status["pending"] > 0:
                return status
            time.sleep(0.3)
        raise AssertionError(f"batch did not reach {until}: {status}")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(10)


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real redis-server on a loopback port (Debian's redis-server, installed by make test)."""
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    assert server.poll() is None, "redis-server did not start"
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)


def notices(n: int) -> list[dict[str, Any]]:
    data = load_fixture("transfer-notice")
    return [{"kind": "transfer-notice", "data": {**data, "subject": f"第{i}家企业"}}
            for i in range(n)]


def run_job(stack: Stack) -> None:
    items = [*notices(4), {"kind": "transfer-notice", "data": {"code": "煤"}}]
    status, body = call(stack.base + "/api/v1/batches", {"items": items, "issue": True})
    assert status == 202 and body["status"] == "queued" and body["total"] == 5
    done = stack.wait(body["links"]["self"])
    assert (done["done"], done["failed"], done["pending"]) == (4, 1, 0)
    code, archive = call(stack.base + body["links"]["zip"])
    assert code == 200
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("manifest.json"))
        errors = [json.loads(x) for x in z.read("errors.jsonl").decode().splitlines()]
        first = z.read("（煤）移〔2022〕1号-交办（移送）书-东岭县鑫源煤业有限公司.pdf")
    assert {f"（煤）移〔2022〕{n}号-交办（移送）书-东岭县鑫源煤业有限公司.{f}" for n in range(1, 5) for f in ("pdf", "docx")} <= names
    assert len(manifest["items"]) == 4 and errors[0]["line"] == 5
    assert errors[0]["fields"][0]["path"] == "campaign"
    assert "（煤）移〔2022〕1号" in pdf_text(first)
    assert call(stack.base + "/api/v1/documents")[1]["total"] == 4


def test_job_end_to_end_on_sqlite_huey(tmp_path: Path) -> None:
    stack = Stack(tmp_path, {})
    try:
        stack.consumer()
        run_job(stack)
    finally:
        stack.stop()


def test_job_end_to_end_on_redis_huey(tmp_path: Path, redis_url: str) -> None:
    stack = Stack(tmp_path, {"REDIS_URL": redis_url})
    try:
        stack.consumer()
        run_job(stack)
    finally:
        stack.stop()


def test_job_survives_a_killed_consumer_and_a_web_restart(tmp_path: Path) -> None:
    stack = Stack(tmp_path, {})
    try:
        status, body = call(stack.base + "/api/v1/batches", {"items": notices(40), "issue": True})
        assert status == 202
        stack.web.terminate()  # the web process goes away; the job is in the database
        stack.web.wait(10)
        stack.web = stack._start([sys.executable, "-m", "gunicorn", "--workers", "1",
                                  "--bind", f"127.0.0.1:{stack.port}", "wsgi:app"])
        time.sleep(2)
        first = stack.consumer()
        stack.wait(body["links"]["self"], until="some")
        os.killpg(first.pid, signal.SIGKILL)  # consumer and its workers die mid-job
        first.wait(10)
        # A consumer started once the job is stale (GONGWEN_JOB_STALE_SECONDS=3) requeues
        # the lost chunk as it starts; one started sooner leaves it to the minute's pass,
        # the same requeue_stale a minute later.
        time.sleep(4)
        stack.consumer()
        final = stack.wait(body["links"]["self"])
        if final["failed"]:
            archive = zipfile.ZipFile(io.BytesIO(call(stack.base + final["links"]["zip"])[1]))
            raise AssertionError(archive.read("errors.jsonl").decode())
        assert final["done"] == 40
        listing = call(stack.base + "/api/v1/documents?limit=200")[1]
        serials = sorted(d["number"] for d in listing["documents"])
        assert serials == list(range(1, 41))  # every item once, no gap, no duplicate
        for doc in listing["documents"]:
            assert set(doc["sha256"]) == {"docx", "pdf"}  # never half-recorded
    finally:
        stack.stop()


def test_batch_request_limits(client) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/api/v1/batches", json={"items": []}).status_code == 422
    bad_kind = client.post("/api/v1/batches", json={"items": [{"kind": "x", "data": {}}]})
    assert bad_kind.status_code == 422 and bad_kind.json["fields"][0]["path"] == "items.0.kind"
    too_many = client.post("/api/v1/batches", json={"items": [{"kind": "transfer-notice",
                                                               "data": {}}] * 2001})
    assert too_many.status_code == 422 and "2000" in too_many.json["message"]
    assert client.get("/api/v1/batches/nope").status_code == 404
