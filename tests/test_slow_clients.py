"""Slow clients cannot take the service down. gunicorn with 2 sync workers (as in
production, authentication on) sits behind nginx run from the repository's
deploy/nginx.conf: 8 clients that send one header byte a second for 25 s, never
finishing, delay nobody, and GET /api/v1/kinds every 0.25 s is answered 200 with p95 under
1 s. The same clients straight at gunicorn hold both its workers and everyone waits for them.
And local mode (no log-in) refuses to listen anywhere but on this machine."""

from __future__ import annotations

import json
import math
import os
import re
import runpy
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NGINX = Path("/usr/sbin/nginx")
LOCAL_ONLY = "本地模式（GONGWEN_LOCAL=1）不需登录，只能绑定本机地址（127.0.0.1）"
SLOW_CLIENTS = 8
# A request header that never ends: one byte of it a second.
TRICKLE = b"GET /api/v1/kinds HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def production_env(tmp: Path) -> dict[str, str]:
    """The environment of a production server on a fresh SQLite register: log-in required,
    behind one proxy (nginx)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'register.sqlite3'}",
           "SECRET_KEY": "slow-clients-test", "GONGWEN_INSTANCE": str(tmp),
           "GONGWEN_PROXIES": "1"}
    env.pop("GONGWEN_LOCAL", None)
    return env


def cpu_ticks(root: int) -> int:
    """CPU time (clock ticks) used so far by a process and everything it started."""
    stats: dict[int, tuple[int, int]] = {}  # pid: (parent, ticks)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    tree, total, grew = {root}, 0, True
    while grew:
        grew = False
        for pid, (parent, _) in stats.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    for pid in tree:
        total += stats.get(pid, (0, 0))[1]
    return total


@dataclass
class Stack:
    """gunicorn (2 sync workers on a unix socket, and on a loopback port to show what nginx
    prevents) and nginx in front of it, on the repository's configuration."""

    nginx: str  # http://127.0.0.1:<port>, nginx
    gunicorn: str  # http://127.0.0.1:<port>, gunicorn itself
    gunicorn_log: Path
    nginx_log: Path


def start(args: list[Any], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([str(a) for a in args], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def wait_for(what: str, ready: Any, procs: list[subprocess.Popen[bytes]], logs: list[Path],
             seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start: "
                               + "\n".join(log.read_text()[-2000:] for log in logs))
        time.sleep(0.1)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    assert NGINX.exists(), f"{NGINX} is missing: `make test-system` installs it"
    tmp = tmp_path_factory.mktemp("slow")
    sock, direct, port = tmp / "gunicorn.sock", free_port(), free_port()
    gunicorn_log, nginx_log = tmp / "gunicorn.log", tmp / "nginx.log"
    env = production_env(tmp)
    subprocess.run([ROOT / "deploy" / "nginx-conf.sh", tmp / "nginx", f"127.0.0.1:{port}",
                    f"unix:{sock}"], check=True, env=env)
    gunicorn = start([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind",
                      f"unix:{sock}", "--bind", f"127.0.0.1:{direct}",
                      "--graceful-timeout", "5", "wsgi:app"], gunicorn_log, env)
    procs = [gunicorn]
    try:
        wait_for("gunicorn", lambda: sock.exists(), procs, [gunicorn_log])
        procs.append(start([NGINX, "-p", tmp / "nginx", "-c", tmp / "nginx" / "nginx.conf",
                            "-e", "stderr", "-g", "daemon off;"], nginx_log))
        base = f"http://127.0.0.1:{port}"
        wait_for("nginx", lambda: answers(base + "/api/v1/kinds"), procs,
                 [gunicorn_log, nginx_log])
        # The workers' render processes warm up (fonts, templates, a PDF); measure after.
        deadline, last = time.monotonic() + 90, cpu_ticks(gunicorn.pid)
        while time.monotonic() < deadline:
            time.sleep(1)
            now = cpu_ticks(gunicorn.pid)
            if now - last < os.sysconf("SC_CLK_TCK") // 10:
                break
            last = now
        yield Stack(base, f"http://127.0.0.1:{direct}", gunicorn_log, nginx_log)
    finally:
        for proc in reversed(procs):
            stop(proc)


class SlowClients:
    """Clients that each send one header byte a second and never finish; one the server
    drops connects again."""

    def __init__(self, url: str, count: int = SLOW_CLIENTS) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.address = (host, int(port))
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.connections = self.dropped = 0
        self.threads = [threading.Thread(target=self._trickle, daemon=True) for _ in range(count)]
        for thread in self.threads:
            thread.start()

    def _trickle(self) -> None:
        while not self.stopped.is_set():
            try:
                sock = socket.create_connection(self.address, timeout=5)
            except OSError:
                self.stopped.wait(1)
                continue
            with self.lock:
                self.connections += 1
            try:
                for byte in TRICKLE:
                    sock.sendall(bytes([byte]))
                    if self.stopped.wait(1):
                        return
                    readable, _, _ = select.select([sock], [], [], 0)
                    if readable:  # closed, or answered (408): the server let go of it
                        sock.recv(4096)
                        raise ConnectionAbortedError
            except OSError:
                with self.lock:
                    self.dropped += 1
            finally:
                sock.close()

    def stop(self) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join(10)


def get(url: str) -> tuple[float, int]:
    """Seconds until the whole answer arrived, and its status (0: no answer in 30 s)."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as err:
        status = err.code
    except OSError:
        status = 0
    return time.monotonic() - started, status


def probe(url: str, seconds: float, slow: SlowClients,
          every: float = 0.25) -> list[tuple[float, int]]:
    """GET url every `every` seconds for `seconds` while the slow clients trickle, each
    request on a thread of its own (a late answer does not hold back the next request);
    then the slow clients stop, and every request's time and status."""
    futures: list[Future[tuple[float, int]]] = []
    with ThreadPoolExecutor(max_workers=128) as pool:
        started = time.monotonic()
        try:
            for i in range(round(seconds / every)):
                time.sleep(max(0.0, started + i * every - time.monotonic()))
                futures.append(pool.submit(get, url))
        finally:
            slow.stop()
        return [f.result() for f in futures]


def p95(times: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    return sorted(times)[math.ceil(0.95 * len(times)) - 1]


def summary(results: list[tuple[float, int]]) -> str:
    times = sorted(t for t, _ in results)
    return (f"{len(times)} requests, p50 {times[len(times) // 2]:.3f} s, "
            f"p95 {p95(times):.3f} s, max {times[-1]:.3f} s")


@pytest.mark.slow
def test_slow_clients_behind_nginx_delay_nobody(stack: Stack) -> None:
    slow = SlowClients(stack.nginx)
    time.sleep(2)  # all of them connected and trickling
    # 25 s: two and a half rounds of nginx's 10 s header timeout, each client reconnecting
    # after it
    results = probe(stack.nginx + "/api/v1/kinds", 25, slow)
    print(f"\nbehind nginx, {SLOW_CLIENTS} slow clients: {summary(results)}; "
          f"{slow.connections} slow connections, {slow.dropped} dropped by nginx")
    assert [s for _, s in results if s != 200] == []
    assert p95([t for t, _ in results]) < 1.0, summary(results)
    # nginx let go of each slow client after client_header_timeout (10 s), and gunicorn's
    # workers were never held (no worker killed for its timeout).
    assert slow.dropped >= SLOW_CLIENTS * 2
    assert "WORKER TIMEOUT" not in stack.gunicorn_log.read_text()


@pytest.mark.slow
def test_the_same_slow_clients_straight_at_gunicorn_hold_its_workers(stack: Stack) -> None:
    """What nginx prevents: each sync worker blocks reading one slow client's header, and
    nobody is answered until the slow clients stop (shorter than gunicorn's 30 s timeout, so
    no worker is killed here; past it, each stuck worker is killed and the next slow client
    holds its replacement)."""
    slow = SlowClients(stack.gunicorn)
    time.sleep(2)
    results = probe(stack.gunicorn + "/api/v1/kinds", 12, slow)
    print(f"\nstraight at gunicorn, {SLOW_CLIENTS} slow clients: {summary(results)}")
    assert p95([t for t, _ in results]) > 5, summary(results)
    assert answers(stack.nginx + "/api/v1/kinds")  # free again once they stopped


@pytest.mark.slow
def test_nginx_limits_bodies_with_a_json_answer(stack: Stack) -> None:
    """Over GONGWEN_MAX_BODY_MB (4) by more than 1 MB, nginx answers 413 in the API's JSON
    without passing the body on; the batches' limit (32 MB) is nginx's there too."""
    body = b"{" + b" " * (6 * 1024 * 1024) + b"}"
    request = urllib.request.Request(stack.nginx + "/api/v1/documents/transfer-notice",
                                     data=body, headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 413
    assert json.loads(caught.value.read()) == {
        "error": "too_large", "message": "请求内容过大（上限4MB）", "fields": []}
    request = urllib.request.Request(stack.nginx + "/api/v1/batches", data=body,
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 401  # through to the app, which wants a token first


# Local mode answers without log-in: it serves this machine only.

@pytest.mark.parametrize("host", ["0.0.0.0", "", "[::]"])
def test_local_mode_refuses_to_listen_beyond_this_machine(host: str, tmp_path: Path) -> None:
    port = free_port()
    env = {**production_env(tmp_path), "GONGWEN_LOCAL": "1"}
    done = subprocess.run([sys.executable, "-m", "gunicorn", "-b", f"{host}:{port}", "wsgi:app"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert LOCAL_ONLY in done.stderr
    assert not answers(f"http://127.0.0.1:{port}/api/v1/kinds")


@pytest.mark.parametrize(("address", "loopback"), [
    (("127.0.0.1", 5000), True), (("127.0.1.1", 5000), True), (("localhost", 5000), True),
    (("::1", 5000), True), ("/srv/gongwen/gunicorn.sock", True),
    (("0.0.0.0", 5000), False), (("", 5000), False), (("::", 5000), False),
    (("192.0.2.7", 5000), False), (("10.1.2.3", 5000), False),
])
def test_which_bind_addresses_are_this_machine_only(address: Any, loopback: bool) -> None:
    is_loopback = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["is_loopback"]
    assert is_loopback(address) is loopback


def test_local_mode_nginx_config_listens_on_loopback_only(tmp_path: Path) -> None:
    env = {**os.environ, "GONGWEN_LOCAL": "1"}
    script = ROOT / "deploy" / "nginx-conf.sh"
    refused = subprocess.run([script, tmp_path / "a", "0.0.0.0:8080", "unix:/tmp/g.sock"],
                             env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and LOCAL_ONLY in refused.stderr
    subprocess.run([script, tmp_path / "b", "127.0.0.1:8080", "unix:/tmp/g.sock"],
                   env=env, check=True)
    conf = (tmp_path / "b" / "nginx.conf").read_text()
    assert "listen 127.0.0.1:8080;" in conf and "server unix:/tmp/g.sock;" in conf
    assert not re.search(r"@[A-Z_]+@", conf)  # every placeholder filled in
