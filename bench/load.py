"""HTTP under load: gunicorn (sync workers) on loopback, wrk posting one payload to the
preview endpoint for a fixed time; prints JSON (rate, latency percentiles, errors, peak RSS
of each worker).

    .venv/bin/python bench/load.py fixtures/transfer-notice.json --seconds 30
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post(url: str, body: bytes) -> int:
    """POST JSON, return the status."""
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        return int(response.status)


def wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Wait for the server to answer (or fail if it exits)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer")


def workers_peak_rss_mb(master: int) -> list[float]:
    """VmHWM of each gunicorn worker (the master's children)."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if fields.get("PPid", "").strip() == str(master) and "VmHWM" in fields:
            peaks.append(int(fields["VmHWM"].split()[0]) / 1024)
    return sorted(peaks)


def wrk(url: str, body: str, seconds: int, connections: int) -> dict[str, Any]:
    """Run wrk and read its summary: requests/s, latency percentiles, errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="utf-8") as script:
        script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                     f"wrk.body = [==[{body}]==]\n")
        script.flush()
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
             "--latency", "-s", script.name, url],
            capture_output=True, text=True, timeout=seconds + 120, check=True).stdout

    def ms(text: str) -> float:
        value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    percentiles = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)$", out, re.M)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),  # type: ignore[index]
        "requests": int(re.search(r"(\d+) requests in", out)[1]),  # type: ignore[index]
        "p50_ms": ms(percentiles["50"]), "p90_ms": ms(percentiles["90"]),
        "p99_ms": ms(percentiles["99"]), "non_2xx": int(errors[1]) if errors else 0,
        "socket_errors": socket_errors[1] if socket_errors else "", "raw": out,
    }


def main() -> None:
    """Serve, warm up, load each format in turn, print JSON, stop the server."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("payload", type=Path)
    parser.add_argument("--kind", default="transfer-notice")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    body = args.payload.read_text(encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="gongwen-bench-") as instance:
        env = {**os.environ, "GONGWEN_INSTANCE": instance, "SECRET_KEY": "bench",
               "GONGWEN_LOCAL": "1",  # as `make run`: no log-in on loopback
               "DATABASE_URL": f"sqlite:///{instance}/register.sqlite3"}
        subprocess.run([BIN / "flask", "--app", "wsgi", "init-db"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        server = subprocess.Popen(
            [BIN / "gunicorn", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
             "--timeout", "120", "wsgi:app"],
            cwd=ROOT, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_up(f"{base}/api/v1/kinds", server)
            results: dict[str, Any] = {"workers": args.workers, "connections": args.connections,
                                       "seconds": args.seconds, "kind": args.kind}
            for fmt in ("docx", "pdf"):
                url = f"{base}/api/v1/render/{args.kind}.{fmt}"
                for _ in range(4 * args.workers):  # every worker's first render is slow
                    assert post(url, body.encode()) == 200
                results[fmt] = wrk(url, body, args.seconds, args.connections)
            results["worker_peak_rss_mb"] = workers_peak_rss_mb(server.pid)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    json.dump(results, sys.stdout)
    print()


if __name__ == "__main__":
    main()
