"""`make bench`: in-process latency per kind and format, HTTP under load, batch rate, a
100-case bulletin, and LibreOffice converting the same DOCX; writes bench/RESULTS.md.

    .venv/bin/python bench/run.py            # the full run (about 8 minutes)
    .venv/bin/python bench/run.py --quick    # fewer runs, shorter load, to try it out
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
UNO_PYTHON = str(ROOT / "bench" / ".unoserver-venv" / "bin" / "python")
sys.path.insert(0, str(ROOT))

# (kind, fixture) measured in process, each in both formats
CASES = [("transfer-notice", "transfer-notice"), ("typical-case", "typical-case"),
         ("commitment-letter", "commitment-letter"), ("summary", "summary-weekly"),
         ("bulletin", "bulletin")]
# The Word templates name the fonts offices have; LibreOffice gets the stand-ins we print
# with, so both sides set the same faces.
WORD_FONTS = {"仿宋_GB2312": "FandolFang", "方正小标宋简体": "Noto Serif CJK SC",
              "黑体": "Noto Sans CJK SC", "楷体_GB2312": "FandolKai"}


def child(command: list[str], timeout: float = 3600) -> Any:
    """Run a bench script and parse the JSON it prints."""
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def inprocess(fixture: Path, kind: str, fmt: str, runs: int, warmup: int = 10) -> Any:
    """One in-process measurement in a fresh process."""
    return child([PYTHON, "bench/inprocess.py", kind, str(fixture), fmt,
                  "--runs", str(runs), "--warmup", str(warmup)])


def machine() -> dict[str, Any]:
    """What ran the benchmark: CPU, memory, load, versions."""
    from importlib.metadata import version

    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    commit = subprocess.run(["git", "log", "-1", "--format=%h %cs"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    return {
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"), "cpu": cpu,
        "cores": os.cpu_count(), "memory_gb": round(memory, 1), "kernel": platform.release(),
        "commit": commit + (" + uncommitted changes" if dirty else ""),
        "versions": {
            "Python": platform.python_version(),
            **{name: version(name) for name in ("weasyprint", "pydyf", "docxtpl", "python-docx",
                                                "Jinja2", "fonttools", "gunicorn", "Flask")},
            **{name: debian_version(package) for name, package in (
                ("Pango", "libpango-1.0-0"), ("HarfBuzz", "libharfbuzz-subset0"),
                ("Fontconfig", "fontconfig"))},
            "wrk": (wrk.split() or ["?", "?"])[1],
        },
    }


def debian_version(package: str) -> str:
    """The installed version of a Debian package."""
    return subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package],
                          capture_output=True, text=True).stdout or "?"


def load() -> str:
    """The load average now (other jobs on the machine make every number pessimistic)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def libreoffice_fonts() -> Path:
    """A Fontconfig file: ours, plus the Word font names mapped to our stand-ins."""
    from service.render import fonts

    aliases = "".join(f'  <alias binding="same"><family>{word}</family>'
                      f"<prefer><family>{ours}</family></prefer></alias>\n"
                      for word, ours in WORD_FONTS.items())
    path = OUT / "libreoffice-fonts.conf"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM '
                    '"urn:fontconfig:fonts.dtd">\n<fontconfig>\n  <include ignore_missing='
                    f'"yes">{fonts.configure()}</include>\n{aliases}</fontconfig>\n',
                    encoding="utf-8")
    return path


def notice_docx() -> Path:
    """The issued notice (serial 1) as our DOCX: what LibreOffice converts."""
    from service.issuing import get_kind, validate
    from service.render import render

    kind = get_kind("transfer-notice")
    data = json.loads((ROOT / "fixtures" / "transfer-notice.json").read_text(encoding="utf-8"))
    path = OUT / "transfer-notice.docx"
    path.write_bytes(render(kind.name, {**kind.build(validate(kind, data), 1), "draft": False},
                            "docx"))
    return path


def main() -> None:
    """Run every part, write bench/RESULTS.md and bench/out/results.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, shorter load")
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["inprocess", "http", "batch", "bulletin", "libreoffice"])
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    runs, seconds, notices = (30, 5, 60) if args.quick else (200, 30, 1000)
    results: dict[str, Any] = {"machine": machine(), "load_start": load(), "quick": args.quick}
    started = time.monotonic()

    def step(name: str) -> bool:
        if name in args.skip:
            return False
        print(f"[{time.monotonic() - started:5.0f}s] {name} (load {load()})", flush=True)
        return True

    if step("inprocess"):
        results["inprocess"] = [inprocess(ROOT / "fixtures" / f"{fixture}.json", kind, fmt, runs)
                                for kind, fixture in CASES for fmt in ("docx", "pdf")]
    if step("bulletin"):
        from fixtures.make_bulletin import bulletin

        path = OUT / "bulletin-100.json"
        path.write_text(json.dumps(bulletin(100, issue_no=3), ensure_ascii=False), "utf-8")
        results["bulletin"] = [inprocess(path, "bulletin", fmt, 5, warmup=1)
                               for fmt in ("docx", "pdf")]
    if step("http"):
        results["http"] = child([PYTHON, "bench/load.py", "fixtures/transfer-notice.json",
                                 "--seconds", str(seconds)])
    if step("batch"):
        results["batch"] = child([PYTHON, "bench/batch.py", "--notices", str(notices),
                                  "--jobs", "1", "2"])
    if step("libreoffice"):
        results["libreoffice"] = child([UNO_PYTHON, "bench/libreoffice.py", str(notice_docx()),
                                        "--fontconfig", str(libreoffice_fonts()),
                                        "--cold", "3" if args.quick else "10",
                                        "--warm", "20" if args.quick else "100"])
    results["load_end"] = load()
    results["minutes"] = (time.monotonic() - started) / 60
    (OUT / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    from bench.report import write

    write(results, ROOT / "bench" / "RESULTS.md")
    print((ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
