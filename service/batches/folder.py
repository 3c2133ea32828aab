"""A batch run into a folder (the command line and the weekly bulletins): the documents, a
manifest and an error list. A re-run renders only what is missing, and issues numbers only
for matters not issued yet, whatever lines were deleted, reordered or fixed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from service.batches import ordered
from service.batches.engine import Item, Result, error_entry, manifest_entry, preview_item
from service.register import Register
from service.render import pool
from service.tables import DEFAULT_UNIT


def run_to_folder(items: Iterable[Item], out: Path, formats: tuple[str, ...],
                  register: Register | None, jobs: int, issued_by: str | None,
                  on_result: Callable[[Result, int], None] | None = None,
                  unit: str = DEFAULT_UNIT) -> tuple[int, int]:
    """Render (or, with a register, issue) all items into `out` with a manifest and an error
    list, `jobs` at a time; numbers follow the input order. Files a previous run wrote and
    still there are kept. `on_result(result, total)` follows progress. Returns (done,
    failed); the manifest counts the items that were issued before this run."""
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / "manifest.json"
    old = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"items": []}
    kept = {e["key"]: e for e in old["items"] if _still_there(out, e)}
    todo = list(items)
    if register is None:  # drafts: what is still there need not be rendered again
        entries = [kept[i.key()] for i in todo if i.key() in kept]
        todo = [i for i in todo if i.key() not in kept]
    else:  # the register knows which matters are issued: every line is looked up
        entries = []
    pool.start(jobs)
    failed = already = 0
    with (out / "errors.jsonl").open("w", encoding="utf-8") as errors, \
            ThreadPoolExecutor(jobs) as threads:
        if register is None:
            results: Iterable[Result] = threads.map(lambda i: preview_item(i, formats), todo)
        else:
            results = (r for window in ordered.windows(todo, jobs * 4)
                       for r in ordered.issue_items(window, formats, register, unit=unit,
                                                    issued_by=issued_by, threads=threads))
        for result in results:
            if result.error:
                failed += 1
                errors.write(json.dumps(error_entry(result), ensure_ascii=False) + "\n")
            else:
                already += result.already_issued
                for name, content in result.files.values():
                    if not (out / name).exists() or (out / name).read_bytes() != content:
                        (out / name).write_bytes(content)
                entries.append(manifest_entry(result))
            if on_result:
                on_result(result, len(todo))
    entries.sort(key=lambda e: e["line"])
    summary = {"items": entries, "already_issued": already, "failed": failed}
    tmp = manifest_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(manifest_path)
    return len(entries), failed


def append_errors(out: Path, errors: list[dict[str, Any]]) -> None:
    """Add entries (each with its line) to the folder's errors.jsonl."""
    with (out / "errors.jsonl").open("a", encoding="utf-8") as f:
        for entry in errors:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _still_there(out: Path, entry: dict[str, Any]) -> bool:
    for f in entry["files"].values():
        path = out / f["name"]
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != f["sha256"]:
            return False
    return True
