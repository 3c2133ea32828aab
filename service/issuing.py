"""The use cases every entry point shares: preview (validate → render) and issue
(validate → number → render → store)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from pydantic import BaseModel

from service import leads
from service.errors import Conflict, NotFound
from service.kinds import KINDS, Kind
from service.register import (
    IdempotencyConflict,
    IdempotencyInProgress,
    NumberTaken,
    Record,
    Register,
    SeriesFull,
    matter_key,
)
from service.render import Format, glyphs
from service.render.pool import render_limited
from service.tables import DEFAULT_UNIT
from service.text import cn_date, xml_safe
from service.validation import validate_json


def get_kind(name: str) -> Kind:
    """The kind called `name`, or NotFound listing the known ones."""
    kind = KINDS.get(name)
    if kind is None:
        known = "、".join(KINDS)
        raise NotFound(f"没有“{name}”这种文书，可用的有：{known}", code="unknown_kind")
    return kind


def validate(kind: Kind, payload: bytes | str | dict[str, Any]) -> BaseModel:
    """Validate a JSON payload (text or already parsed) against the kind's model."""
    model: BaseModel = validate_json(kind.model, payload)
    return model


def _render(kind: Kind, context: dict[str, Any], fmt: Format) -> bytes:
    # xml_safe: a last guard for fields a model does not clean
    return render_limited(kind.name, xml_safe(context), fmt)


FILE_STEM = 60  # the most characters of a download name before its extension
_OPEN, _CLOSE = "（(〔[【［〖〘《〈“‘「『｛{", "）)〕]】］〗〙》〉”’」』｝}"
_STOPS = "，、：；。！？,;!?…—-"
# A date, or a span of dates, is one word: 2022年1月10日至1月16日, 2022年2月, 3月5日.
_DATE = r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月(?:\d{1,2}日)?"
_DATES = re.compile(rf"(?:{_DATE})(?:[至到~～—–-](?:{_DATE}|\d{{1,2}}日))?")


def _cuts(text: str) -> list[int]:
    """Where `text` may be cut, last first: at a space or punctuation mark, before an opening
    bracket and after its closing one (never inside a bracket), before a number that follows
    a character (not 第1期), after a date (never inside one), and at the end."""
    dates = [m.span() for m in _DATES.finditer(text)]
    ends = {end for _, end in dates}
    cuts, depth = [len(text)], 0
    for p in range(1, len(text)):
        a, b = text[p - 1], text[p]
        depth = depth + 1 if a in _OPEN else max(0, depth - 1) if a in _CLOSE else depth
        if depth or any(start < p < end for start, end in dates):
            continue
        if (a.isspace() or b.isspace() or a in _STOPS or b in _STOPS or b in _OPEN
                or a in _CLOSE or p in ends
                or (b.isdigit() and a.isalpha() and not a.isascii() and a != "第")):
            cuts.append(p)
    return sorted(cuts, reverse=True)


def _words(text: str, room: int) -> str:
    """The longest beginning of `text` that ends at a word boundary (_cuts) and has at most
    `room` characters, without trailing punctuation; "" if even the first word is longer."""
    for cut in _cuts(text):
        part = text[:cut].rstrip().rstrip(_STOPS).rstrip()
        if part and len(part) <= room:
            return part
    return ""


def _bracketed(text: str) -> bool:
    """Whether `text` is one bracketed part: `（2022年1月10日至1月16日）`."""
    depth = 0
    for i, c in enumerate(text):
        depth += 1 if c in _OPEN else -1 if c in _CLOSE else 0
        if depth <= 0:
            return i == len(text) - 1 and i > 0
    return False


def _subject(number_text: str | None, short: str, label: str) -> str:
    """What a name says after the number and the kind: a numbered document's recipient (the
    label's `收件单位：事由`), else its label without what the number and kind already say."""
    if not number_text:
        return label
    recipient, *matter = re.split("[：:]", label, maxsplit=1)
    if matter and (recipient.strip() or matter[0].strip()):
        return recipient.strip() or matter[0].strip()
    # 东岭县应急管理局〔2022〕第1期 + 东岭县应急管理局安全生产典型案例通报（2022年…）→ 2022年…
    issuer = re.split(f"[{re.escape(_OPEN + _STOPS)}]", number_text, maxsplit=1)[0].strip()
    rest = (label.removeprefix(issuer) if issuer else label).strip().removeprefix(short).strip()
    return (rest[1:-1].strip() if _bracketed(rest) else rest) or label


def file_name(kind: Kind, number_text: str | None, label: str, fmt: str,
              limit: int = FILE_STEM) -> str:
    """The Chinese download name, at most `limit` characters before the extension:
    `<文号>-<种类>-<收件单位或事由>.<fmt>`, e.g.
    `（煤）移〔2022〕1号-交办（移送）书-东岭县鑫源煤业有限公司.pdf`;
    unnumbered `<种类>-<label>.<fmt>`. A long name loses whole trailing words, never half a
    word or a bracket (_cuts); only an unnumbered label's first word longer than the room is
    cut, marked “…”."""
    def clean(text: str) -> str:  # no character file systems forbid; whitespace as one space
        text = "".join(" " if c.isspace() else c for c in text
                       if (c.isprintable() or c.isspace()) and c not in '/\\:*?"<>|')
        return " ".join(text.split())

    head = clean(f"{number_text}-{kind.short}" if number_text else kind.short)[:limit]
    subject = clean(_subject(number_text, kind.short, label)).strip(_STOPS + " ")
    room = limit - len(head) - 1
    tail = _words(subject, room) if room > 0 else ""
    if not tail and not number_text and room > 1 and subject:
        tail = subject[:room - 1].rstrip() + "…"
    stem = f"{head}-{tail}" if tail else head
    return f"{stem.strip(' .')}.{fmt}"


def batch_zip_name(batch_id: str, created_at: datetime) -> str:
    """A batch job's zip: `批量文书-2022年1月10日-<the job id's first 8>.zip`, the day the job
    was made in Beijing time (UTC+8 all year: China has had no summer time since 1991)."""
    at = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
    day = at.astimezone(timezone(timedelta(hours=8))).date()
    return f"批量文书-{cn_date(day)}-{batch_id[:8]}.zip"


@dataclass(frozen=True)
class Draft:
    """A rendered preview: bytes, file name and the warnings the data gave rise to."""

    content: bytes
    name: str
    warnings: list[str]


def preview(kind_name: str, payload: bytes | str | dict[str, Any], fmt: Format) -> Draft:
    """Render a draft: no number taken, nothing stored."""
    kind = get_kind(kind_name)
    if fmt not in kind.formats:
        raise NotFound(f"{kind.title}没有{fmt}格式", code="unknown_format")
    doc = validate(kind, payload)
    context = {**kind.build(doc, None), "draft": True}  # marked 草稿 whatever the kind
    content = _render(kind, context, fmt)
    warnings = [*context.get("warnings", []), *glyphs.warnings(context)]
    return Draft(content, f"草稿-{kind.short}.{fmt}", warnings)


def render_final(kind_name: str, payload: bytes | str | dict[str, Any], fmt: Format) -> bytes:
    """Render a document that is never numbered nor stored, without the draft mark (a
    ledger printed from the register's state)."""
    kind = get_kind(kind_name)
    return _render(kind, {**kind.build(validate(kind, payload), None), "draft": False}, fmt)


def issue(
    register: Register,
    kind_name: str,
    payload: bytes | str | dict[str, Any],
    *,
    idempotency_key: str | None = None,
    issued_by: str | None = None,
    unit: str = DEFAULT_UNIT,
    matter: str | None = None,
    replaces: str | None = None,
) -> Record:
    """Issue a document of `unit`: validate, take its number in the unit's own series,
    render every format and store it."""
    kind = get_kind(kind_name)
    doc = validate(kind, payload)
    lead = getattr(doc, "lead", None)
    if lead is not None:  # a notice transferring a registered lead: the unit's, not yet sent
        leads.check_open(register.engine, unit, lead)
    with _conflicts():
        record = register.issue(
            kind=kind.name, series=kind.series(doc), year=kind.dated(doc).year,
            label=kind.label(doc), data=doc.model_dump(mode="json"),
            render=lambda serial: _render_all(kind, doc, serial),
            idempotency_key=idempotency_key, issued_by=issued_by, unit=unit, matter=matter,
            replaces=replaces,
        )
    return record  # a notice's lead is tied in its transaction (service.leads.tie)


def _render_all(kind: Kind, doc: BaseModel, serial: int | None
                ) -> tuple[dict[str, bytes], list[str]]:
    context = {**kind.build(doc, serial), "draft": False}
    files: dict[str, bytes] = {fmt: _render(kind, context, fmt)  # type: ignore[arg-type]
                               for fmt in kind.formats}
    return files, [*context.get("warnings", []), *glyphs.warnings(context)]


@contextmanager
def _conflicts() -> Iterator[None]:
    """The register's clashes as Conflicts with a stable code and a Chinese message."""
    try:
        yield
    except NumberTaken as taken:
        raise Conflict(f"文号{taken}已被使用，请换一个或留空由系统编号",
                       code="number_taken") from None
    except SeriesFull as full:
        raise Conflict(f"编号已用到{full}，不能再自动编号", code="series_full") from None
    except IdempotencyConflict:
        raise Conflict("该Idempotency-Key已用于另一份不同内容的文书",
                       code="idempotency_conflict") from None
    except IdempotencyInProgress:
        raise Conflict("使用该Idempotency-Key的请求正在处理中，请稍后重试",
                       code="idempotency_in_progress") from None


@dataclass(frozen=True)
class Reserved:
    """A number taken for a document still to be rendered (see `reserve` and `fulfil`)."""

    kind: Kind
    doc: BaseModel
    seq: int
    serial: int


def matter(kind_name: str, payload: bytes | str | dict[str, Any], *, unit: str,
           ref: str | None = None) -> str:
    """The key of the matter a payload (or its ref) stands for in `unit`."""
    kind = get_kind(kind_name)
    return matter_key(unit, kind.name, ref, validate(kind, payload).model_dump(mode="json"))


def reserve(register: Register, kind_name: str, payload: bytes | str | dict[str, Any], *,
            unit: str, issued_by: str | None, ref: str | None = None) -> Reserved | Record:
    """Validate one matter of a batch and take its number now, so a batch is numbered in
    input order however many render at once; or the document that already settles the
    matter (its `ref`, else its payload), marked replayed. Render it with `fulfil`."""
    kind = get_kind(kind_name)
    doc = validate(kind, payload)
    data = doc.model_dump(mode="json")
    matter = matter_key(unit, kind.name, ref, data)
    series = kind.series(doc)
    if series is None or series.fixed is not None:  # nothing to keep in order
        return issue(register, kind.name, data, unit=unit, issued_by=issued_by, matter=matter)
    with _conflicts():
        taken = register.reserve(kind=kind.name, series=series, year=kind.dated(doc).year,
                                 label=kind.label(doc), data=data, issued_by=issued_by,
                                 unit=unit, matter=matter)
    return taken if isinstance(taken, Record) else Reserved(kind, doc, *taken)


def fulfil(register: Register, reserved: Reserved) -> Record:
    """Render a reserved number's document and store it; a failed render leaves the number
    used up in the open (spoiled), never reused."""
    try:
        rendered = _render_all(reserved.kind, reserved.doc, reserved.serial)
    except BaseException as exc:
        register.spoil(reserved.seq, f"生成失败（{type(exc).__name__}），文号作废")
        raise
    return register.complete(reserved.seq, rendered)
