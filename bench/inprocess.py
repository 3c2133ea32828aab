"""One in-process measurement, in a process of its own: render one payload RUNS times after
a warm-up and print JSON (latency percentiles, first render, peak RSS, size, pages). The
process is set up as a render worker is after its warm-up (service.render.pool).

    .venv/bin/python bench/inprocess.py transfer-notice fixtures/transfer-notice.json pdf
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def peak_rss_mb() -> float:
    """The process's peak resident set (VmHWM) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def pages(content: bytes, fmt: str) -> int | None:
    """Pages of a PDF (None for a DOCX: Word decides)."""
    if fmt != "pdf":
        return None
    from pypdf import PdfReader  # installed with the test extras `make` installs

    return len(PdfReader(io.BytesIO(content)).pages)


def measure(kind_name: str, payload: Any, fmt: str, runs: int, warmup: int) -> dict[str, Any]:
    """Render issued documents (serial 1, 2, … so the text changes a little every time)."""
    started = time.perf_counter()
    from service.issuing import get_kind, validate
    from service.render import render
    from service.render.pool import settle_collector

    imported = time.perf_counter()
    kind = get_kind(kind_name)
    document = validate(kind, payload)
    contexts = [{**kind.build(document, i + 1 if kind.numbered else None), "draft": False}
                for i in range(min(runs, 50))]
    t = time.perf_counter()
    first = render(kind.name, contexts[0], fmt)  # type: ignore[arg-type]
    first_ms = (time.perf_counter() - t) * 1000
    settle_collector()  # as a render worker does once warm (service.render.pool)
    for i in range(warmup):
        render(kind.name, contexts[i % len(contexts)], fmt)  # type: ignore[arg-type]
    times = []
    for i in range(runs):
        t = time.perf_counter()
        render(kind.name, contexts[i % len(contexts)], fmt)  # type: ignore[arg-type]
        times.append((time.perf_counter() - t) * 1000)
    return {
        "kind": kind_name, "format": fmt, "runs": runs,
        "p50_ms": statistics.median(times), "p95_ms": percentile(times, 0.95),
        "mean_ms": statistics.fmean(times), "first_ms": first_ms,
        "import_ms": (imported - started) * 1000, "peak_rss_mb": peak_rss_mb(),
        "size_bytes": len(first), "pages": pages(first, fmt),
    }


def main() -> None:
    """Parse the arguments, measure, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind")
    parser.add_argument("payload", type=Path)
    parser.add_argument("format", choices=("docx", "pdf"))
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    payload = json.loads(args.payload.read_text(encoding="utf-8"))
    print(json.dumps(measure(args.kind, payload, args.format, args.runs, args.warmup)))


if __name__ == "__main__":
    main()
