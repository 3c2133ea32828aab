"""bench/RESULTS.md from the numbers bench/run.py collected (and bench/before.json, the same
in-process measurement taken on the code before the speed-ups)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

BEFORE = Path(__file__).resolve().parent / "before.json"
NOTES = """## Where the time went, and what changed

Profiled with pyinstrument and cProfile on the transfer notice (before: 92 ms, 239 KB).

- **Fonts were half of a PDF.** WeasyPrint embeds each face as a subset that keeps the
  glyph numbers of the whole font, so a Noto CJK face (65,535 glyphs) cost 30 ms and
  110–146 KB however few characters it printed. `service/render/fonts.py` now makes, once
  per machine (about 3 s, into `var/cache/fonts/`), compact copies of the Noto Serif/Sans
  CJK SC faces: GB 2312 and common symbols, about 7,900 glyphs with the common characters
  first, the same outlines and metrics, made by HarfBuzz and fontTools. Fontconfig prefers a
  copy wherever its family is asked for; a character it lacks comes from the full face.
  `tests/test_fast_render.py` checks that documents print the same characters at the same
  places either way. The title face went from 146 KB to 17 KB in the notice.
- **WeasyPrint subsets in two HarfBuzz passes**; one pass gives the same bytes (checked by
  the same tests): 3.5 ms a face. pydyf compresses at zlib level 9; level 6 takes half the
  time for PDFs 0.3 % larger.
- **Layout is now most of a PDF**: about 18 ms a layout of a page of Chinese text (Pango
  line breaking). This notice spills a few lines at the 22-line pitch, so it is laid out
  twice (GB/T 9704 7.3.5.4: closed up to one page); a notice that fits takes ~30 ms.
- **FandolFang is 90 KB of the 113**: its outlines take ~480 bytes a glyph (Noto's ~220);
  there is no other free 仿宋. With the compact copies the 小标宋 stand-in (Noto Serif CJK SC
  Bold) costs 17 KB, so another title face would gain little.
- **Drafts are 125 KB**: the draft mark is the only text in a sans face (Noto Sans CJK SC).
  Set in the title or body face (a change to templates/html/_base.html) a draft preview
  would be 119 KB and ~1 ms faster.
- **DOCX**: docxtpl re-read the zip, re-parsed every part and compiled the Jinja templates
  on every render (22 ms). `service/render/docx.py` prepares each template once per process
  with docxtpl's own steps and writes only the changing parts into a copy of the zip of the
  others: 1 ms, every part the same bytes as docxtpl's (tested).
- **The 100-case bulletin (210 pages)** spent a fifth of its 4.3 s in Python's garbage
  collector: five full passes over the 140,000 objects the warm-up had loaded. Render
  workers now freeze those after warming and collect young objects every 2,000 allocations
  (`service.render.pool.settle_collector`, as bench/inprocess.py does after its first
  render): 3.6 s, the same peak memory. A grid paragraph's odd lines out are spans; taking
  the spacing most lines share, the last line included, leaves 1,194 of 1,682. Tagging
  the PDF now costs about 0.1 s of it (about 0.6 s before: pydyf rebuilds its list of page
  references for every structure element).
- LibreOffice without the stand-in font mapping prints the whole notice in Noto Sans CJK
  JP (one face, 56 KB, 2 pages; measured by hand, not by `make bench`).

`make bench BENCH_ARGS=--quick` runs everything with fewer renders and 5 s of load.
"""


def _find(rows: list[dict[str, Any]], kind: str, fmt: str) -> dict[str, Any]:
    return next(r for r in rows if r["kind"] == kind and r["format"] == fmt)


def _kb(size: int) -> str:
    return f"{size / 1024:.0f}"


def targets(r: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for every target of the issue that this run measured."""
    rows: list[tuple[str, str, bool | None]] = []
    if "inprocess" in r:
        pdf, docx = _find(r["inprocess"], "transfer-notice", "pdf"), _find(
            r["inprocess"], "transfer-notice", "docx")
        rows += [("1-page PDF p50 ≤ 60 ms", f"{pdf['p50_ms']:.1f} ms ({pdf['pages']} page)",
                  pdf["p50_ms"] <= 60),
                 ("PDF ≤ 120 KB (issued notice)", f"{_kb(pdf['size_bytes'])} KB",
                  pdf["size_bytes"] <= 120 * 1024),
                 ("1-page DOCX p50 ≤ 8 ms", f"{docx['p50_ms']:.2f} ms", docx["p50_ms"] <= 8)]
        if "libreoffice" in r:
            ratio = pdf["p50_ms"] / r["libreoffice"]["warm"]["p50_ms"]
            rows.append(("PDF p50 ≤ 0.5 × warm LibreOffice", f"{ratio:.2f} ×", ratio <= 0.5))
    if "http" in r:
        h = r["http"]
        rows += [("HTTP ≥ 150 DOCX/s", f"{h['docx']['requests_per_s']:.0f} /s",
                  h["docx"]["requests_per_s"] >= 150),
                 ("HTTP ≥ 20 PDF/s", f"{h['pdf']['requests_per_s']:.1f} /s",
                  h["pdf"]["requests_per_s"] >= 20)]
    if "batch" in r:
        j2 = next(x for x in r["batch"]["runs"] if x["jobs"] == 2)
        rows.append((f"{r['batch']['notices']:,} notices × both formats ≤ 80 s with -j 2",
                     f"{j2['seconds']:.1f} s", j2["seconds"] <= 80 and j2["failed"] == 0))
    if "bulletin" in r:
        b = _find(r["bulletin"], "bulletin", "pdf")
        rows.append(("bulletin of 100 cases ≤ 4 s (PDF, warm process)",
                     f"{b['p50_ms'] / 1000:.2f} s (first in a new process "
                     f"{b['first_ms'] / 1000:.2f} s)", b["p50_ms"] <= 4000))
    peaks = [x["peak_rss_mb"] for x in r.get("inprocess", []) + r.get("bulletin", [])]
    peaks += r.get("http", {}).get("worker_peak_rss_mb", [])
    if peaks:
        rows.append(("peak RSS ≤ 300 MB per worker", f"{max(peaks):.0f} MB", max(peaks) <= 300))
    return rows


def write(r: dict[str, Any], path: Path) -> None:
    """Write the Markdown report."""
    m = r["machine"]
    lines = ["# Benchmarks", "",
             f"`make bench` on {m['date']}, commit {m['commit']}"
             f"{' (quick run)' if r['quick'] else ''}, {r['minutes']:.1f} minutes.", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Linux {m['kernel']}. "
             f"Load average {r['load_start']} at the start, {r['load_end']} at the end: other "
             "jobs on the machine make every number here pessimistic.", "",
             "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
             + (f", {r['libreoffice']['version']}, unoserver "
                f"{r['libreoffice']['warm']['unoserver']}" if "libreoffice" in r else "") + ".", "",
             "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {t} | {v} | {'yes' if ok else 'NO'} |" for t, v, ok in targets(r)]
    before = json.loads(BEFORE.read_text()) if BEFORE.exists() else None
    if "inprocess" in r:
        lines += ["", "## In process", "",
                  "Issued documents (serial 1, 2, … so the text changes), "
                  f"{r['inprocess'][0]['runs']} renders after 10 warm-up renders, each kind "
                  "and format in a fresh process; "
                  "*first* is the first render in that process (fonts, templates), *RSS* the "
                  "process's peak (VmHWM)."
                  + (f" *Before*: the same measurement on {before['commit']} ({before['note']})."
                     if before else ""), "",
                  "| kind | format | p50 ms | p95 ms | first ms | peak RSS MB | size KB | pages |"
                  + (" before p50 ms | before KB |" if before else ""),
                  "|---|---|---|---|---|---|---|---|" + ("---|---|" if before else "")]
        for x in r["inprocess"]:
            row = (f"| {x['kind']} | {x['format']} | {x['p50_ms']:.1f} | {x['p95_ms']:.1f} | "
                   f"{x['first_ms']:.0f} | {x['peak_rss_mb']:.0f} | {_kb(x['size_bytes'])} | "
                   f"{x['pages'] or ''} |")
            old = before and next((b for b in before["inprocess"] if b["kind"] == x["kind"]
                                   and b["format"] == x["format"]), None)
            if before:
                row += (f" {old['p50_ms']:.1f} | {_kb(old['size_bytes'])} |" if old else " | |")
            lines.append(row)
    if "bulletin" in r:
        lines += ["", "## A bulletin of 100 cases", "",
                  "Generated by fixtures/make_bulletin.py; the median of 5 renders after 1 "
                  "warm-up (other jobs on the machine move a single render by ±10 %).", "",
                  "| format | first s | warm p50 s | peak RSS MB | size KB | pages |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {x['format']} | {x['first_ms'] / 1000:.2f} | {x['p50_ms'] / 1000:.2f} | "
                  f"{x['peak_rss_mb']:.0f} | {_kb(x['size_bytes'])} | {x['pages'] or ''} |"
                  for x in r["bulletin"]]
    if "http" in r:
        h = r["http"]
        lines += ["", "## HTTP under load", "",
                  f"gunicorn, {h['workers']} sync workers (as `make run`), wrk -t1 -c"
                  f"{h['connections']} for {h['seconds']} s on loopback, POST the transfer-notice "
                  "fixture to /api/v1/render/transfer-notice.{docx,pdf} (previews: drafts). "
                  "wrk runs on the same 2 cores.", "",
                  "| format | requests/s | p50 ms | p90 ms | p99 ms | errors |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {f} | {h[f]['requests_per_s']:.1f} | {h[f]['p50_ms']:.1f} | "
                  f"{h[f]['p90_ms']:.1f} | {h[f]['p99_ms']:.1f} | "
                  f"{h[f]['non_2xx']} {h[f]['socket_errors']} |" for f in ("docx", "pdf")]
        lines += ["", "Peak RSS of the workers after the load: "
                  + ", ".join(f"{x:.0f} MB" for x in h["worker_peak_rss_mb"]) + "."]
    if "batch" in r:
        b = r["batch"]
        lines += ["", "## Batch", "",
                  f"`flask batch` of {b['notices']:,} different notices (invented names), "
                  "--format docx,pdf, drafts, including process start-up.", "",
                  "| -j | seconds | notices/s | failed | output MB |", "|---|---|---|---|---|"]
        lines += [f"| {x['jobs']} | {x['seconds']:.1f} | {x['notices_per_s']:.1f} | "
                  f"{x['failed']} | {x['output_mb']:.0f} |" for x in b["runs"]]
    if "libreoffice" in r:
        lo = r["libreoffice"]
        ours = _find(r["inprocess"], "transfer-notice", "pdf") if "inprocess" in r else None
        lines += ["", "## LibreOffice converting the same DOCX", "",
                  "Our DOCX of the issued notice, converted to PDF by LibreOffice with the same "
                  "stand-in fonts (Fontconfig maps 仿宋_GB2312 → FandolFang, 方正小标宋简体 → "
                  "Noto Serif CJK SC, 黑体 → Noto Sans CJK SC, 楷体_GB2312 → FandolKai). *Cold*: "
                  "one `soffice --headless --convert-to pdf` per document (profile made "
                  "beforehand); *warm*: LibreOffice kept running by unoserver, conversions over "
                  "its XML-RPC client. Ours: the in-process PDF p50 above.", "",
                  "| way | runs | p50 ms | ours / LibreOffice | PDF KB | pages |",
                  "|---|---|---|---|---|---|"]
        for way in ("cold", "warm"):
            x = lo[way]
            ratio = f"{ours['p50_ms'] / x['p50_ms']:.2f} ×" if ours else ""
            lines.append(f"| {way} | {x['runs']} | {x['p50_ms']:.0f} | {ratio} | "
                         f"{_kb(x['size_bytes'])} | {x.get('pages', '')} |")
        if ours:
            lines.append(f"| ours (WeasyPrint) | {ours['runs']} | {ours['p50_ms']:.1f} | 1 | "
                         f"{_kb(ours['size_bytes'])} | {ours['pages']} |")
    path.write_text("\n".join(lines) + "\n\n" + NOTES, encoding="utf-8")
