"""LibreOffice converting a DOCX to PDF, the way docassemble/Carbone-style stacks do: a cold
`soffice --convert-to pdf` per document, and a warm LibreOffice behind unoserver. Runs
under bench/.unoserver-venv (Debian's python3 with python3-uno); prints JSON.

    bench/.unoserver-venv/bin/python bench/libreoffice.py notice.docx --cold 5 --warm 50
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pages(pdf: bytes) -> int:
    """Pages of a PDF, by poppler's pdfinfo."""
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, timeout=60).stdout
    return next((int(line.split()[1]) for line in info.decode().splitlines()
                 if line.startswith("Pages:")), 0)


def run_group(command: list[str], timeout: float) -> None:
    """Run a command in a process group of its own and kill the whole group afterwards
    (soffice leaves helpers behind, and nothing here reaps orphans)."""
    process = subprocess.Popen(command, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if process.wait(timeout=timeout) != 0:
            raise RuntimeError(f"{command[0]} failed")
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def cold(docx: Path, runs: int, work: Path) -> dict[str, Any]:
    """`soffice --headless --convert-to pdf`, one process per document (profile made once
    beforehand, as on a server that has run it before)."""
    profile = f"-env:UserInstallation=file://{work}/cold-profile"
    out = work / "cold"
    command = ["soffice", profile, "--headless", "--norestore", "--convert-to", "pdf",
               "--outdir", str(out), str(docx)]
    run_group(command, 180)  # creates the profile
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        run_group(command, 180)
        times.append((time.perf_counter() - t) * 1000)
    pdf = (out / docx.with_suffix(".pdf").name).read_bytes()
    return {"runs": runs, "p50_ms": statistics.median(times), "max_ms": max(times),
            "size_bytes": len(pdf), "pages": pages(pdf)}


def warm(docx: Path, runs: int, work: Path) -> dict[str, Any]:
    """One LibreOffice kept running by unoserver; conversions through its XML-RPC client."""
    from importlib.metadata import version

    from unoserver.client import UnoClient  # type: ignore[import-not-found]

    port, uno_port = free_port(), free_port()
    server = subprocess.Popen(
        [str(VENV_BIN / "unoserver"), "--interface", "127.0.0.1", "--port", str(port),
         "--uno-port", str(uno_port), "--user-installation", str(work / "warm-profile")],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = UnoClient("127.0.0.1", str(port), host_location="remote")
        data = docx.read_bytes()
        end = time.monotonic() + 120
        while True:  # until LibreOffice has started and answers
            try:
                pdf = client.convert(indata=data, convert_to="pdf")
                break
            except Exception:
                if time.monotonic() > end or server.poll() is not None:
                    raise
                time.sleep(0.5)
        for _ in range(5):
            client.convert(indata=data, convert_to="pdf")
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            pdf = client.convert(indata=data, convert_to="pdf")
            times.append((time.perf_counter() - t) * 1000)
    finally:
        server.terminate()  # unoserver stops its LibreOffice
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait()
    return {"runs": runs, "p50_ms": statistics.median(times),
            "p95_ms": sorted(times)[int(0.95 * (len(times) - 1))], "size_bytes": len(pdf),
            "pages": pages(pdf),
            "unoserver": version("unoserver")}


def main() -> None:
    """Measure both ways, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docx", type=Path)
    parser.add_argument("--cold", type=int, default=5)
    parser.add_argument("--warm", type=int, default=50)
    parser.add_argument("--fontconfig", type=Path, help="FONTCONFIG_FILE for LibreOffice")
    args = parser.parse_args()
    if args.fontconfig:
        os.environ["FONTCONFIG_FILE"] = str(args.fontconfig)
    version = subprocess.run(["soffice", "--version"], capture_output=True, text=True,
                             timeout=60).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="gongwen-lo-") as tmp:
        work = Path(tmp)
        result = {"version": version, "cold": cold(args.docx.resolve(), args.cold, work),
                  "warm": warm(args.docx.resolve(), args.warm, work)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
