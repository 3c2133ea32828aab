"""Crash safety with real servers: clients issue continuously while a gunicorn worker is
killed with SIGKILL in the middle of issuing (while it holds the numbering lock: SQLite's
write lock, or a PostgreSQL transaction that has taken a serial). gunicorn starts a
replacement; afterwards every stored number has both files with matching hashes, every
series is gapless, and every number a client was given in a 201 is stored."""

from __future__ import annotations

import http.client
import itertools
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import pytest

from tests.test_load import CODES, Gunicorn, check_register, post_issue

pytestmark = pytest.mark.slow

WORKERS, CLIENTS, KILLS, MAX_REQUESTS = 3, 6, 2, 600
T = TypeVar("T")


def wait_for(what: Callable[[], T | None], timeout: float = 60, every: float = 0.005) -> T:
    """Poll until `what()` gives something true; that value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := what():
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def sqlite_lock_holder(db: Path, pids: Iterable[int]) -> int | None:
    """The process holding SQLite's WAL write lock (byte 120 of the -shm file), per
    /proc/locks; while issuing, that is the worker between taking a serial and commit."""
    try:
        inode = os.stat(f"{db}-shm").st_ino
    except FileNotFoundError:
        return None
    for line in Path("/proc/locks").read_text().splitlines():
        f = line.split()  # "1: POSIX  ADVISORY  WRITE 123 fe:00:4567 120 120"
        if (len(f) >= 8 and f[1] == "POSIX" and f[3] == "WRITE" and f[6] == "120"
                and f[5].rsplit(":", 1)[1] == str(inode) and int(f[4]) in pids):
            return int(f[4])
    return None


def pg_lock_holder(conn: psycopg.Connection[Any], pids: Iterable[int]) -> int | None:
    """The worker whose PostgreSQL transaction has written (taken a serial) and not yet
    committed: its backend's client port, mapped to the socket one of the workers holds."""
    ports = {row[0] for row in conn.execute(
        "SELECT client_port FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()")}
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        f = line.split()
        if int(f[1].split(":")[1], 16) in ports:
            inodes.add(f"socket:[{f[9]}]")
    for pid in pids:
        try:
            links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
        except OSError:
            continue
        if links & inodes:
            return pid
    return None


def stopped_holder(holder: Callable[[list[int]], int | None], pids: list[int]) -> int | None:
    """A worker frozen (SIGSTOP) while it still holds the numbering lock, or None. Seeing
    the lock and then killing could otherwise hit a worker that committed in between."""
    pid = holder(pids)
    if pid is None:
        return None
    os.kill(pid, signal.SIGSTOP)
    if holder(pids) == pid:
        return pid
    os.kill(pid, signal.SIGCONT)
    return None


def kill_while_issuing(server: Gunicorn, holder: Callable[[list[int]], int | None],
                       received: list[Any]) -> int:
    """SIGKILL the worker that holds the numbering lock; wait until gunicorn has replaced
    it and five more documents were issued. The killed PID."""
    workers = server.workers()
    victim = wait_for(lambda: stopped_holder(holder, workers))
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: len(server.workers()) == WORKERS and victim not in server.workers())
    done = len(received)
    wait_for(lambda: len(received) >= done + 5)
    return victim


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_worker_killed_while_issuing_loses_no_number(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    db = tmp_path / "register.sqlite3"
    url = request.getfixturevalue("pg_url") if backend == "postgresql" else f"sqlite:///{db}"
    server = Gunicorn(tmp_path, url, workers=WORKERS)
    watch = psycopg.connect(url.replace("+psycopg", ""), autocommit=True) \
        if backend == "postgresql" else None

    def holder(pids: list[int]) -> int | None:
        return pg_lock_holder(watch, pids) if watch else sqlite_lock_holder(db, pids)

    received: list[dict[str, Any]] = []
    failures: list[Any] = []
    numbers = itertools.count()
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set() and (i := next(numbers)) < MAX_REQUESTS:
            try:
                status, body = post_issue(server.base, i, timeout=120)
            except (OSError, http.client.HTTPException) as err:
                failures.append(err)  # the request died with its worker
                continue
            (received if status == 201 else failures).append(body if status == 201 else status)

    clients = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in clients:
        thread.start()
    killed: list[int] = []
    try:
        wait_for(lambda: len(received) >= 10)
        for _ in range(KILLS):
            killed.append(kill_while_issuing(server, holder, received))
    finally:
        stop.set()
        for thread in clients:
            thread.join(180)
    try:
        # after the crashes, each series carries on from where it stands
        for i in range(len(CODES)):
            status, body = post_issue(server.base, 10_000 + i)
            assert status == 201, body
            received.append(body)
        assert not set(killed) & set(server.workers())
    finally:
        server.stop()
        if watch:
            watch.close()
    assert all(not isinstance(f, int) for f in failures), failures  # no 5xx from the others
    assert 1 <= len(failures) <= KILLS, failures  # only requests in flight on a killed worker
    if backend == "sqlite":
        with sqlite3.connect(db) as check:
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    serials = check_register(url, received)
    stored = sum(len(v) for v in serials.values())
    # a worker killed just after its commit leaves a document its client never heard of
    assert len(received) <= stored <= len(received) + len(failures)
    print(f"\n{backend}: killed {killed}; {len(received)} issued, {len(failures)} died in flight")
