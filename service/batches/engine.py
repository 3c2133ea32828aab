"""The batch engine: many items, each through the one use case, rendered in parallel by the
render pool. An item is `{"kind": …, "data": …}`, from a JSON Lines file or a folder of
JSON files; results are files named like the documents, a manifest and an error list. The
command line, the weekly bulletin run and the queued jobs all call this module."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import exc as db_errors

from service import issuing
from service.errors import Invalid, ServiceError
from service.kinds import KINDS
from service.register import Register
from service.render import pool
from service.tables import DEFAULT_UNIT

log = logging.getLogger(__name__)
# The database going away or staying locked is no fault of the item: those propagate, so a
# queued task is retried (issuing is idempotent per item) and a command-line run stops and
# can be run again. Anything else an item raises fails that item alone.
TRANSIENT = (db_errors.OperationalError, db_errors.InterfaceError, db_errors.TimeoutError)


@dataclass
class Item:
    """One unit of batch work, or the reason it could not even be read."""

    line: int  # 1-based line of a JSONL file, or position in a folder listing
    kind: str = ""
    data: Any = None
    source: str = ""  # file name, for folder input
    error: dict[str, Any] | None = None

    def key(self) -> str:
        """Identifies the item across re-runs: its position and its content."""
        content = json.dumps([self.kind, self.data], ensure_ascii=False, sort_keys=True)
        return f"{self.line}:{hashlib.sha256(content.encode()).hexdigest()[:16]}"


@dataclass
class Result:
    """What became of one item: files written (name → bytes) or the error."""

    line: int
    key: str
    kind: str
    number_text: str | None = None
    document_id: str | None = None
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # fmt → (name, bytes)
    warnings: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None


def _item(line: int, value: Any, source: str = "", default_kind: str | None = None) -> Item:
    if default_kind and isinstance(value, dict) and set(value) != {"kind", "data"}:
        value = {"kind": default_kind, "data": value}
    if not isinstance(value, dict) or set(value) != {"kind", "data"}:
        return Item(line, source=source, error={"error": "bad_item",
                    "message": "每项应为 {\"kind\": 文书种类, \"data\": {…}}", "fields": []})
    if value["kind"] not in KINDS:
        return Item(line, str(value["kind"]), value["data"], source, {
            "error": "unknown_kind", "message": f"没有“{value['kind']}”这种文书",
            "fields": [{"path": "kind", "message": "应为" + "、".join(KINDS)}]})
    return Item(line, value["kind"], value["data"], source)


def read_items(path: Path, default_kind: str | None = None) -> Iterator[Item]:
    """Items of a JSONL file, or of a folder of JSON files (`{"kind","data"}`, or a bare
    payload in a file named after its kind, like fixtures/transfer-notice.json). With
    `default_kind`, a bare payload anywhere is an item of that kind."""
    if path.is_dir():
        for n, file in enumerate(sorted(path.glob("*.json")), 1):
            try:
                value = json.loads(file.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                yield Item(n, source=file.name, error=_bad_json(exc))
                continue
            kind = next((k for k in sorted(KINDS, key=len, reverse=True)
                         if file.stem.startswith(k)), default_kind)
            yield _item(n, value, file.name, kind)
        return
    with path.open(encoding="utf-8", errors="replace") as lines:
        for n, text in enumerate(lines, 1):
            if not text.strip():
                continue
            try:
                yield _item(n, json.loads(text), default_kind=default_kind)
            except ValueError as exc:
                yield Item(n, error=_bad_json(exc))


def _bad_json(exc: Exception) -> dict[str, Any]:
    return {"error": "bad_json", "message": f"不是有效的JSON：{exc}", "fields": []}


def parse_formats(value: str) -> tuple[str, ...]:
    """`docx,pdf` → ("docx", "pdf"); Invalid for anything else."""
    formats = tuple(dict.fromkeys(f.strip() for f in value.split(",") if f.strip()))
    if not formats or set(formats) - {"docx", "pdf"}:
        raise Invalid("格式应为 docx、pdf 或 docx,pdf", code="bad_format",
                      fields=[{"path": "format", "message": "应为 docx、pdf 或 docx,pdf"}])
    return formats


def process(item: Item, formats: tuple[str, ...], register: Register | None,
            idempotency_key: str | None = None, issued_by: str | None = None,
            unit: str = DEFAULT_UNIT) -> Result:
    """Render (or, with a register, issue) one item. Never raises for bad data: a
    ServiceError, or any unexpected exception, becomes the item's error; only the database
    failing (TRANSIENT) propagates."""
    result = Result(item.line, item.key(), item.kind, error=item.error)
    if item.error:
        return result
    try:
        if register is None:
            for fmt in formats:
                draft = issuing.preview(item.kind, item.data, fmt)  # type: ignore[arg-type]
                label = KINDS[item.kind].label(issuing.validate(KINDS[item.kind], item.data))
                name = f"{item.line:04d}-{_safe(label)[:30]}-{KINDS[item.kind].short}.{fmt}"
                result.files[fmt] = (name, draft.content)
                result.warnings = draft.warnings
            return result
        record = issuing.issue(register, item.kind, item.data, unit=unit,
                               idempotency_key=idempotency_key, issued_by=issued_by)
        result.number_text, result.document_id = record.number_text, record.id
        result.warnings = record.warnings
        for fmt in formats:
            stored = register.content(record.id, fmt)
            assert stored is not None
            name = issuing.file_name(KINDS[item.kind], record.number_text, record.label, fmt)
            if not record.number_text:
                name = f"{item.line:04d}-{name}"
            result.files[fmt] = (name, stored[0])
    except ServiceError as err:
        result.error = err.body()
        result.files = {}
    except TRANSIENT:
        raise
    except Exception as err:  # a bug met by this item must not stop (or loop) the batch
        log.exception("batch item %s (%s) failed", item.line, item.kind)
        result.error = unexpected(err)
        result.files = {}
    return result


def unexpected(err: BaseException) -> dict[str, Any]:
    """The error entry of an item that raised something unforeseen: its type and message."""
    detail = str(err).strip()
    detail = detail if len(detail) <= 200 else detail[:200] + "…"
    what = f"{type(err).__name__}：{detail}" if detail else type(err).__name__
    return {"error": "internal",
            "message": f"处理本项时发生意外错误（{what}），本项未完成；"
            "请核对数据，如一再出现请联系管理员",
            "fields": []}


def _safe(text: str) -> str:
    return "".join(c for c in text if c.isprintable() and c not in '/\\:*?"<>|\n')


def manifest_entry(result: Result) -> dict[str, Any]:
    """The manifest line of a finished item: number, file names and SHA-256."""
    entry = asdict(result)
    entry["files"] = {fmt: {"name": name, "sha256": hashlib.sha256(content).hexdigest()}
                      for fmt, (name, content) in result.files.items()}
    for unused in ("error",):
        entry.pop(unused)
    return entry


def error_entry(result: Result) -> dict[str, Any]:
    """The errors.jsonl line of a failed item: its line and the field errors."""
    return {"line": result.line, "kind": result.kind, **(result.error or {})}


def run_to_folder(items: Iterable[Item], out: Path, formats: tuple[str, ...],
                  register: Register | None, jobs: int, key_prefix: str, issued_by: str | None,
                  on_result: Callable[[Result, int], None] | None = None,
                  unit: str = DEFAULT_UNIT) -> tuple[int, int]:
    """Render all items into `out` with a manifest and an error list, `jobs` at a time;
    skip items a previous run finished. `on_result(result, total)` follows progress.
    Returns (done, failed)."""
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / "manifest.json"
    old = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"items": []}
    finished = {e["key"]: e for e in old["items"] if _still_there(out, e)}
    entries = list(finished.values())
    todo = [item for item in items if item.key() not in finished]

    def work(item: Item) -> Result:
        key = f"{key_prefix}:{item.key()}" if register else None
        return process(item, formats, register, key, issued_by, unit)

    pool.start(jobs)
    failed = 0
    with (out / "errors.jsonl").open("w", encoding="utf-8") as errors, \
            ThreadPoolExecutor(jobs) as threads:
        for result in threads.map(work, todo):
            if result.error:
                failed += 1
                errors.write(json.dumps(error_entry(result), ensure_ascii=False) + "\n")
            else:
                for name, content in result.files.values():
                    (out / name).write_bytes(content)
                entries.append(manifest_entry(result))
            if on_result:
                on_result(result, len(todo))
    entries.sort(key=lambda e: e["line"])
    summary = {"items": entries, "skipped": len(finished), "failed": failed}
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
