"""Batch rate: N different (invented) notices through `flask batch` with -j 1 and -j 2, both
formats; prints JSON.

    .venv/bin/python bench/batch.py --notices 1000 --jobs 1 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TOWNS = ["东岭县", "西河镇", "南山乡", "北川镇", "青石乡"]
NAMES = ["恒泰", "鑫源", "金凤", "顺达", "宏远", "兴隆", "瑞丰", "永安", "华盛", "通达"]
TRADES = [("煤业有限公司", "煤", "涉嫌瞒报亡人事故"), ("化工有限公司", "危", "涉嫌违规动火作业"),
          ("建筑工程有限公司", "建", "涉嫌无证施工"), ("矿业有限公司", "矿", "涉嫌越界开采")]
PEOPLE = ["周明远", "韩晓东", "李建平", "王秀英", "赵志刚", "孙丽华", "钱国强"]


def notices(n: int) -> list[dict[str, Any]]:
    """`n` different transfer notices built on the fixture (invented names only)."""
    base = json.loads((ROOT / "fixtures" / "transfer-notice.json").read_text(encoding="utf-8"))
    items = []
    for i in range(n):
        trade, code, allegation = TRADES[i % len(TRADES)]
        enterprise = f"{TOWNS[i // 40 % len(TOWNS)]}{NAMES[i // 4 % len(NAMES)]}{trade}"
        data = {**base, "code": code, "recipient": enterprise, "subject": enterprise,
                "allegation": allegation, "received_on": f"2022-01-{1 + i % 5:02d}",
                "supervisor": {"name": PEOPLE[i % 7], "phone": f"0351-555{i % 10000:04d}"},
                "handler": {"name": PEOPLE[(i + 3) % 7], "phone": f"1380000{i % 10000:04d}"},
                "attachments": base["attachments"][: 1 + i % 2]}
        items.append({"kind": "transfer-notice", "data": data})
    return items


def run(source: Path, jobs: int, work: Path) -> dict[str, Any]:
    """Time one `flask batch` run (drafts, docx+pdf) and check every item was rendered."""
    out = work / f"out-j{jobs}"
    env = {**os.environ, "GONGWEN_INSTANCE": str(work), "SECRET_KEY": "bench",
           "DATABASE_URL": f"sqlite:///{work}/register.sqlite3"}
    t = time.perf_counter()
    subprocess.run([ROOT / ".venv" / "bin" / "flask", "--app", "wsgi", "batch", str(source),
                    "-o", str(out), "--format", "docx,pdf", "-j", str(jobs)],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=3600)
    seconds = time.perf_counter() - t
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    done = len(manifest["items"])
    size = sum(f.stat().st_size for f in out.iterdir() if f.suffix in (".docx", ".pdf"))
    subprocess.run(["rm", "-rf", str(out)], check=True)
    return {"jobs": jobs, "seconds": seconds, "done": done, "failed": manifest["failed"],
            "notices_per_s": done / seconds, "output_mb": size / 1e6}


def main() -> None:
    """Write the items, run each -j, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=1000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongwen-batch-") as tmp:
        work = Path(tmp)
        source = work / "notices.jsonl"
        source.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n"
                                  for x in notices(args.notices)), encoding="utf-8")
        runs = [run(source, jobs, work) for jobs in args.jobs]
    json.dump({"notices": args.notices, "runs": runs}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
