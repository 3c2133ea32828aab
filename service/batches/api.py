"""Batch jobs over HTTP: submit (202), follow progress, fetch the outputs as one zip."""

from __future__ import annotations

import itertools
import json
import os
import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from flask import Blueprint, Response, jsonify, request, stream_with_context, url_for
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from service import issuing
from service.api import idempotency_key, json_body
from service.batches import queue, store
from service.db import get_register
from service.errors import Conflict, NotFound
from service.gate.login import current_unit, issued_by
from service.kinds import KINDS
from service.register import fingerprint, scoped_key
from service.validation import validate_json

bp = Blueprint("batches", __name__, url_prefix="/api/v1/batches")
MAX_ITEMS = 2000
MAX_BODY_MB = int(os.environ.get("GONGWEN_MAX_BATCH_MB", "32"))
KindName = Literal[tuple(KINDS)]  # type: ignore[valid-type]


Ref = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f-\x9f]{1,100}$")]


class BatchItemIn(BaseModel):
    """One item of a batch: a kind and its payload (checked when the item runs)."""

    model_config = ConfigDict(extra="forbid", strict=True, title="BatchItem")
    kind: KindName = Field(title="文书种类")  # type: ignore[valid-type]
    data: dict[str, Any] = Field(title="文书数据")
    ref: Ref | None = Field(
        default=None, title="本方案件编号",
        description="调用方给这件事的编号（如案件号）：同一单位、同一种文书、同一编号只签发一次；"
                    "不给时按内容识别")


class BatchRequest(BaseModel):
    """A batch job: up to 2000 items, the formats to render, and whether to issue them."""

    model_config = ConfigDict(extra="forbid", strict=True)
    items: list[BatchItemIn] = Field(title="项目", min_length=1, max_length=MAX_ITEMS)
    formats: list[Literal["docx", "pdf"]] = Field(default=["docx", "pdf"], title="格式",
                                                  min_length=1, max_length=2)
    issue: bool = Field(default=False, title="签发（编号登记）")


class BatchStatus(BaseModel):
    """Where a batch job stands."""

    id: str
    status: Literal["queued", "running", "finished"]
    total: int
    done: int
    failed: int
    pending: int
    created_at: datetime
    links: dict[str, str]


@bp.before_request
def _bigger_bodies() -> None:
    request.max_content_length = MAX_BODY_MB * 1024 * 1024


def _status(batch_id: str) -> BatchStatus:
    job = store.load(get_register(), batch_id, current_unit())
    if job is None:
        raise NotFound("没有这个批量任务")
    counts = store.progress(get_register(), batch_id)
    state: Literal["queued", "running", "finished"] = (
        "finished" if counts["pending"] == 0 else
        "queued" if counts["done"] + counts["failed"] == 0 else "running")
    created = job.created_at if job.created_at.tzinfo else job.created_at.replace(tzinfo=UTC)
    return BatchStatus(
        id=batch_id, status=state, total=job.total, created_at=created, **counts,
        links={"self": url_for("batches.status", batch_id=batch_id),
               "zip": url_for("batches.archive", batch_id=batch_id)})


@bp.post("")
def submit() -> tuple[Response, int, dict[str, str]]:
    """Store and queue a batch job; the answer comes before any item is rendered. With an
    Idempotency-Key, the same request again answers the same job."""
    key = idempotency_key()
    job: BatchRequest = validate_json(BatchRequest, json_body())
    items = [item.model_dump() for item in job.items]
    body = fingerprint("batch", job.model_dump(mode="json"))
    scoped = scoped_key(current_unit(), issued_by(), key) if key else None
    batch_id, created = store.create(get_register(), items, list(dict.fromkeys(job.formats)),
                                     job.issue, issued_by(), current_unit(), scoped, body)
    if created:
        queue.enqueue(batch_id, len(items), job.issue)
    status = _status(batch_id)
    headers = {"Location": status.links["self"]}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return jsonify(status.model_dump(mode="json")), 202, headers


@bp.get("/<batch_id>")
def status(batch_id: str) -> Response:
    """Progress of a job: total, done, failed, pending."""
    return jsonify(_status(batch_id).model_dump(mode="json"))


@bp.get("/<batch_id>.zip")
def archive(batch_id: str) -> Response:
    """The outputs of a finished job with manifest.json and errors.jsonl, as one zip."""
    if _status(batch_id).status != "finished":
        raise Conflict("批量任务尚未完成，请稍后再下载", code="not_finished")
    register = get_register()
    finished = store.outcomes(register, batch_id)
    manifest = [entry for state, entry in finished if state == "done"]
    errors = [entry for state, entry in finished if state == "failed"]
    files = store.files(register, batch_id)
    extra = [("manifest.json", json.dumps({"items": manifest, "failed": len(errors)},
                                          ensure_ascii=False, indent=1).encode()),
             ("errors.jsonl", "".join(json.dumps(e, ensure_ascii=False) + "\n"
                                      for e in errors).encode())]
    response = Response(stream_with_context(_zipped(itertools.chain(files, extra))),
                        mimetype="application/zip")
    response.headers["Content-Disposition"] = (  # RFC 6266: the Chinese name, an ASCII fallback
        f'attachment; filename="batch-{batch_id}.zip"; filename*=UTF-8\'\''
        + quote(issuing.batch_zip_name(batch_id, _status(batch_id).created_at)))
    return response


class _Sink:
    """A write-only stream whose bytes are taken out as they come (zipfile writes to it)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the bytes wait in `parts`."""

    def take(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


def _zipped(files: Iterable[tuple[str, bytes]]) -> Iterator[bytes]:
    """A zip of `files`, sent file by file as it is built."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as z:  # type: ignore[call-overload]
        for name, content in files:
            z.writestr(name, content)
            yield sink.take()
    yield sink.take()
