"""Batch rendering: many items, in parallel worker processes, each through the one use case.

An item is `{"kind": …, "data": …}`. Items come from a JSON Lines file or a folder of JSON
files; results are files named like the documents, a manifest and an error list. The
functions here know nothing of Flask, so the CLI and the job queue share them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from service import issuing
from service.errors import ServiceError
from service.kinds import KINDS
from service.register import Register

_registers: dict[str, Register] = {}  # one per database URL in each worker process


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


def process(item: Item, formats: tuple[str, ...], database_url: str | None,
            idempotency_key: str | None = None, issued_by: str | None = None) -> Result:
    """Render (or, with a database, issue) one item. Never raises for bad data."""
    result = Result(item.line, item.key(), item.kind, error=item.error)
    if item.error:
        return result
    try:
        if database_url is None:
            for fmt in formats:
                draft = issuing.preview(item.kind, item.data, fmt)  # type: ignore[arg-type]
                label = KINDS[item.kind].label(issuing.validate(KINDS[item.kind], item.data))
                name = f"{item.line:04d}-{_safe(label)[:30]}-{KINDS[item.kind].short}.{fmt}"
                result.files[fmt] = (name, draft.content)
                result.warnings = draft.warnings
            return result
        register = _registers.get(database_url) or _registers.setdefault(
            database_url, Register(database_url))
        record = issuing.issue(register, item.kind, item.data,
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
    return result


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
