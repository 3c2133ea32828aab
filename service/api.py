"""JSON API, version 1 (the contract: /openapi.json, /docs and docs/api.md): thin wrappers
around service.issuing."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import quote

from flask import Blueprint, Response, jsonify, request, send_file, url_for
from werkzeug.exceptions import UnsupportedMediaType

from service import audit, corrections, issuing
from service.api_models import DocumentList, Issued, KindInfo, KindList, Links
from service.db import get_register
from service.errors import Invalid, Malformed, NotFound
from service.gate.login import current_unit, issued_by
from service.kinds import KINDS
from service.register import Record
from service.render import MEDIA_TYPES

bp = Blueprint("api", __name__, url_prefix="/api/v1")
FORMAT = "any(docx, pdf, xlsx):fmt"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


def _issued(record: Record) -> Issued:
    return Issued(
        id=record.id, kind=record.kind, number=record.serial, number_text=record.number_text,
        label=record.label, year=record.year, issued_at=record.issued_at,
        issued_by=record.issued_by, sha256={f: sha for f, (sha, _) in record.files.items()},
        warnings=record.warnings,
        links=Links(**{f: url_for("api.download", doc_id=record.id, fmt=f)
                       for f in MEDIA_TYPES if f in record.files}),
        status=record.status, note=record.note, voided_at=record.voided_at,  # type: ignore[arg-type]
        voided_by=record.voided_by, replaces=record.replaces, replaced_by=record.replaced_by,
    )


def _send(content: bytes, fmt: str, name: str, fallback: str, *, inline: bool = False,
          etag: str | None = None) -> Response:
    """Send a file with its Chinese name (RFC 6266 filename*) and a readable ASCII fallback."""
    response = send_file(io.BytesIO(content), mimetype=MEDIA_TYPES[fmt], etag=etag or False,
                         conditional=etag is not None, max_age=0)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = (
        f'{disposition}; filename="{fallback}.{fmt}"; filename*=UTF-8\'\'{quote(name)}'
    )
    return response


def idempotency_key() -> str | None:
    """The request's Idempotency-Key header (400 unless 1–255 visible ASCII characters)."""
    key = request.headers.get("Idempotency-Key")
    if key is not None and not _KEY.match(key):
        raise Malformed("Idempotency-Key应为1至255个可见ASCII字符", code="bad_idempotency_key")
    return key


def json_body() -> bytes:
    """The request body, which must be declared as JSON (415 otherwise)."""
    if not (request.mimetype == "application/json" or request.mimetype.endswith("+json")):
        raise UnsupportedMediaType()
    return request.get_data(cache=False)


@bp.get("/kinds")
def kinds() -> Response:
    """The document kinds with their Chinese names and schema links."""
    items = [
        KindInfo(
            kind=k.name, name=k.title, description=k.description,
            numbered=k.numbered,
            links={
                "schema": url_for("api.schema", kind=k.name),
                "issue": url_for("api.issue", kind=k.name),
                "preview_pdf": url_for("api.preview", kind=k.name, fmt="pdf"),
                "preview_docx": url_for("api.preview", kind=k.name, fmt="docx"),
            },
        )
        for k in KINDS.values()
    ]
    return jsonify(KindList(kinds=items).model_dump(mode="json"))



@bp.get("/kinds/<kind>/schema")
def schema(kind: str) -> Response:
    """The JSON Schema of a kind's payload."""
    return jsonify(issuing.get_kind(kind).model.model_json_schema())


@bp.post(f"/render/<kind>.<{FORMAT}>")
def preview(kind: str, fmt: str) -> Response:
    """A draft of the document: no number taken, nothing stored."""
    draft = issuing.preview(kind, json_body(), fmt)  # type: ignore[arg-type]
    response = _send(draft.content, fmt, draft.name, f"draft-{kind}", inline=fmt == "pdf")
    response.headers["Cache-Control"] = "no-store"
    if draft.warnings:  # header values are Latin-1: the JSON list goes percent-encoded
        response.headers["X-Warnings"] = quote(json.dumps(draft.warnings, ensure_ascii=False))
    response.headers["X-Draft"] = "true"
    return response


# Only known kinds: POST to a document's own URL is then a 405, as documented.
@bp.post("/documents/<any(" + ", ".join(repr(k) for k in KINDS) + "):kind>")
def issue(kind: str) -> tuple[Response, int, dict[str, str]]:
    """Issue a document: validate, number, render both formats and store."""
    key = idempotency_key()
    record = issuing.issue(get_register(), kind, json_body(), idempotency_key=key,
                           issued_by=issued_by(), unit=current_unit())
    headers = {"Location": url_for("api.document", doc_id=record.id)}
    if record.replayed:
        headers["Idempotent-Replayed"] = "true"
    return jsonify(_issued(record).model_dump(mode="json")), 201, headers


@bp.get("/documents/<doc_id:doc_id>")
def document(doc_id: str) -> Response:
    """The register entry of one issued document of the caller's unit."""
    record = get_register().get(doc_id, current_unit())
    if record is None:
        raise NotFound("没有这份文书")
    return jsonify(_issued(record).model_dump(mode="json"))


@bp.get(f"/documents/<doc_id:doc_id>.<{FORMAT}>")
def download(doc_id: str, fmt: str) -> Response:
    """The stored file of an issued document, byte-identical on every download."""
    register = get_register()
    found = register.content(doc_id, fmt, current_unit())
    record = register.get(doc_id, current_unit()) if found else None
    if found is None or record is None:
        raise NotFound("没有这份文书")
    content, sha = found
    kind = KINDS[record.kind]
    name = issuing.file_name(kind, record.number_text, record.label, fmt)
    fallback = f"{record.kind}-{record.year}-{record.serial or record.id}"
    audit.record(register.engine, unit=record.unit, action="download", target=record.id,
                 detail={"number": record.number_text, "format": fmt})
    response = _send(content, fmt, name, fallback, etag=sha)
    response.headers["X-Document-Status"] = record.status  # a voided one is still sent as it was
    return response


def _int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise Invalid(f"参数{name}应为{low}至{high}之间的整数",
                      fields=[{"path": name, "message": f"应为{low}至{high}之间的整数"}])
    return int(raw)


@bp.before_request
def _known_query_parameters() -> None:
    # Like unknown JSON keys, an unknown (misspelt) parameter is an error, not ignored.
    allowed = QUERY_PARAMETERS.get(request.endpoint or "", set())
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise Invalid(f"不认识的查询参数：{'、'.join(unknown)}",
                      fields=[{"path": name, "message": "不认识的查询参数"} for name in unknown])


QUERY_PARAMETERS = {"api.register_list": {"kind", "year", "q", "limit", "offset"}}


@bp.get("/documents")
def register_list() -> Response:
    """The register: issued documents, newest first, filtered by kind, year and text."""
    kind = request.args.get("kind")
    if kind is not None and kind not in KINDS:
        raise Invalid(f"没有“{kind}”这种文书",
                      fields=[{"path": "kind", "message": "应为" + "、".join(KINDS)}])
    year = _int_arg("year", None, 1949, 9999)
    limit = _int_arg("limit", 50, 1, 200) or 50
    offset = _int_arg("offset", 0, 0, 10**9) or 0
    q = (request.args.get("q") or "").strip() or None
    if q is not None and len(q) > 200:
        raise Invalid("查找内容不能超过200个字符",
                      fields=[{"path": "q", "message": "不能超过200个字符"}])
    records, total = get_register().find(unit=current_unit(), kind=kind, year=year, q=q,
                                         limit=limit, offset=offset)
    page = DocumentList(documents=[_issued(r) for r in records], total=total, limit=limit,
                        offset=offset)
    return jsonify(page.model_dump(mode="json"))


@bp.post("/documents/<doc_id:doc_id>/void")
def void(doc_id: str) -> Response:
    """作废: mark an issued document of the caller's unit void, with a reason."""
    record = corrections.void(get_register(), doc_id, json_body(), unit=current_unit(),
                              by=issued_by())
    return jsonify(_issued(record).model_dump(mode="json"))


@bp.post("/documents/<doc_id:doc_id>/correct")
def correct(doc_id: str) -> tuple[Response, int, dict[str, str]]:
    """更正: issue the corrected document (new number) and void the old one with it."""
    record = corrections.correct(get_register(), doc_id, json_body(), unit=current_unit(),
                                 by=issued_by())
    return (jsonify(_issued(record).model_dump(mode="json")), 201,
            {"Location": url_for("api.document", doc_id=record.id)})
