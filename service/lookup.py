"""Reading the register: one entry, its stored files, and the filtered, paged list."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, defer

from service.search import words
from service.tables import Document, File


@dataclass(frozen=True)
class Record:
    """A register entry as the rest of the service sees it."""

    id: str
    unit: str
    kind: str
    year: int
    serial: int | None
    number_text: str | None
    label: str
    data: dict[str, Any]  # empty in a listing (find): lists never load the payloads
    issued_at: datetime
    issued_by: str | None
    files: dict[str, tuple[str, int]] = field(default_factory=dict)  # format -> (sha256, size)
    warnings: list[str] = field(default_factory=list)
    replayed: bool = False  # True when an Idempotency-Key retry returned an earlier issue
    # issued; pending (being rendered); spoiled (number used up by a failed render); void
    # (作废 by an officer, or replaced by a correction)
    status: str = "issued"
    note: str | None = None  # why it was spoiled or voided
    voided_at: datetime | None = None
    voided_by: str | None = None
    replaces: str | None = None  # the id of the document this one corrects
    replaced_by: str | None = None  # the id of its correction


def _utc(moment: datetime | None) -> datetime | None:
    """A stored time as UTC (SQLite gives it back without its zone)."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Lookup:
    """The reading half of the register (service.register.Register adds issuing)."""

    engine: Engine

    def _record(self, s: Session, doc: Document, *, with_data: bool = True) -> Record:
        files = {f.format: (f.sha256, f.size) for f in s.execute(
            select(File.format, File.sha256, File.size).where(File.document_seq == doc.seq))}
        at = doc.issued_at if doc.issued_at.tzinfo else doc.issued_at.replace(tzinfo=UTC)
        return Record(
            id=doc.id, unit=doc.unit, kind=doc.kind, year=doc.year, serial=doc.serial,
            number_text=doc.number_text, label=doc.label,
            data=json.loads(doc.data) if with_data else {},
            issued_at=at, issued_by=doc.issued_by, files=files,
            warnings=json.loads(doc.warnings or "[]"), status=doc.status, note=doc.note,
            voided_at=_utc(doc.voided_at), voided_by=doc.voided_by, replaces=doc.replaces,
            replaced_by=doc.replaced_by)

    def get(self, doc_id: str, unit: str | None = None) -> Record | None:
        """The register entry with this id (of `unit`, when given), or None."""
        conditions = [Document.id == doc_id] + ([Document.unit == unit] if unit else [])
        with Session(self.engine) as s:
            doc = s.execute(select(Document).where(*conditions)).scalar_one_or_none()
            return self._record(s, doc) if doc else None

    def matter_of(self, doc_id: str) -> str | None:
        """The matter a document settles (see register.matter_key)."""
        with Session(self.engine) as s:
            return s.execute(select(Document.matter).where(Document.id == doc_id)
                             ).scalar_one_or_none()

    def content(self, doc_id: str, fmt: str, unit: str | None = None
                ) -> tuple[bytes, str] | None:
        """The stored bytes of one format of a document (of `unit`, when given) and their
        SHA-256, or None."""
        conditions = [Document.id == doc_id, File.format == fmt]
        if unit:
            conditions.append(Document.unit == unit)
        with Session(self.engine) as s:
            row = s.execute(
                select(File.content, File.sha256)
                .join(Document, Document.seq == File.document_seq).where(*conditions)
            ).one_or_none()
            return (bytes(row[0]), row[1]) if row else None

    def find(
        self, *, unit: str | None = None, kind: str | None = None, year: int | None = None,
        q: str | None = None, limit: int = 50, offset: int = 0,
    ) -> tuple[list[Record], int]:
        """Register entries (of `unit`, when given), newest first, filtered by kind, year and
        text; with the total. Spoiled numbers are listed (they are part of the record);
        pending ones are not yet. The payloads are not loaded: a page stays small."""
        conditions = [Document.status != "pending"]
        if unit:
            conditions.append(Document.unit == unit)
        if kind:
            conditions.append(Document.kind == kind)
        if year:
            conditions.append(Document.year == year)
        # Every word of the query, normalised as the stored search text is (service.search):
        # （）and (), 〔〕【】 and [], full- and half-width, capitals all alike. Both sides are
        # case folded, so LIKE needs no ILIKE on PostgreSQL.
        for word in words(q or ""):
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(Document.search.like(f"%{escaped}%", escape="\\"))
        with Session(self.engine) as s:
            total = s.execute(select(func.count()).select_from(Document).where(*conditions))
            docs = s.execute(
                select(Document).options(defer(Document.data, raiseload=True),
                                        defer(Document.search, raiseload=True))
                .where(*conditions)
                .order_by(Document.seq.desc()).limit(limit).offset(offset)
            ).scalars().all()
            return [self._record(s, d, with_data=False) for d in docs], int(total.scalar_one())
