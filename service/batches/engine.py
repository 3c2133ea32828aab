"""The batch engine: many items, each through the one use case, rendered in parallel by the
render pool. An item is `{"kind": …, "data": …}`, from a JSON Lines file or a folder of
JSON files; results are files named like the documents, a manifest and an error list. The
command line, the weekly bulletin run and the queued jobs all call this module."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import exc as db_errors

from service import issuing
from service.errors import Invalid, ServiceError
from service.kinds import KINDS
from service.storage import storage_error

log = logging.getLogger(__name__)
# The database going away or staying locked is no fault of the item: those propagate, so a
# queued task is retried (issuing is idempotent per item) and a command-line run stops and
# can be run again. Anything else an item raises fails that item alone.
REF = re.compile(r"^[^\x00-\x1f\x7f-\x9f]{1,100}$")
TRANSIENT = (db_errors.OperationalError, db_errors.InterfaceError, db_errors.TimeoutError)


@dataclass
class Item:
    """One unit of batch work, or the reason it could not even be read."""

    line: int  # 1-based line of a JSONL file, or position in a folder listing
    kind: str = ""
    data: Any = None
    source: str = ""  # file name, for folder input
    error: dict[str, Any] | None = None
    ref: str | None = None  # the caller's id of the matter (its case number, say)

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
    already_issued: bool = False  # the matter had its document before this run


def _item(line: int, value: Any, source: str = "", default_kind: str | None = None) -> Item:
    shapes = ({"kind", "data"}, {"kind", "data", "ref"})
    if default_kind and isinstance(value, dict) and set(value) not in shapes:
        value = {"kind": default_kind, "data": value}
    if not isinstance(value, dict) or set(value) not in shapes:
        return Item(line, source=source, error={"error": "bad_item",
                    "message": "每项应为 {\"kind\": 文书种类, \"data\": {…}}，"
                    "可加 \"ref\": 本方的案件编号", "fields": []})
    ref = value.get("ref")
    if ref is not None and not (isinstance(ref, str) and REF.match(ref)):
        return Item(line, str(value["kind"]), value["data"], source, {
            "error": "bad_ref", "message": "ref应为1至100个字符的字符串（不含控制字符）",
            "fields": [{"path": "ref", "message": "应为1至100个字符"}]})
    if value["kind"] not in KINDS:
        return Item(line, str(value["kind"]), value["data"], source, {
            "error": "unknown_kind", "message": f"没有“{value['kind']}”这种文书",
            "fields": [{"path": "kind", "message": "应为" + "、".join(KINDS)}]})
    return Item(line, value["kind"], value["data"], source, ref=ref)


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


def preview_item(item: Item, formats: tuple[str, ...]) -> Result:
    """Render one item as drafts (no number). Never raises for bad data: a ServiceError, or
    any unexpected exception, becomes the item's error; only the database failing
    (TRANSIENT) propagates. Issuing is service.batches.ordered's."""
    result = Result(item.line, item.key(), item.kind, error=item.error)
    if item.error:
        return result
    try:
        for fmt in formats:
            draft = issuing.preview(item.kind, item.data, fmt)  # type: ignore[arg-type]
            label = KINDS[item.kind].label(issuing.validate(KINDS[item.kind], item.data))
            name = f"{item.line:04d}-{issuing.file_name(KINDS[item.kind], None, label, fmt)}"
            result.files[fmt] = (name, draft.content)
            result.warnings = draft.warnings
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
    """The error entry of an item that raised something unforeseen: its type and message
    (storage_unavailable for a full disk or a read-only register)."""
    if (storage := storage_error(err)) is not None:
        return storage.body()
    detail = str(err).strip()
    detail = detail if len(detail) <= 200 else detail[:200] + "…"
    what = f"{type(err).__name__}：{detail}" if detail else type(err).__name__
    return {"error": "internal",
            "message": f"处理本项时发生意外错误（{what}），本项未完成；"
            "请核对数据，如一再出现请联系管理员",
            "fields": []}


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
