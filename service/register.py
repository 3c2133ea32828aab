"""The register: numbering and storage of issued documents, in one SQL database.

A serial is taken and the document stored in one transaction, so a number exists only
together with its files: if rendering fails the transaction rolls back and the serial is
free again, which keeps every series gapless. SQLite takes the write lock up front
(BEGIN IMMEDIATE); other databases lock the counter row with an upsert.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.kinds.base import Series
from service.tables import Counter, Document, File, make_engine


@dataclass(frozen=True)
class Record:
    """An issued document as the rest of the service sees it."""

    id: str
    kind: str
    year: int
    serial: int | None
    number_text: str | None
    label: str
    data: dict[str, Any]
    issued_at: datetime
    issued_by: str | None
    files: dict[str, tuple[str, int]] = field(default_factory=dict)  # format -> (sha256, size)
    warnings: list[str] = field(default_factory=list)
    replayed: bool = False  # True when an Idempotency-Key retry returned an earlier issue


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used before with different data."""


class NumberTaken(Exception):
    """A number chosen by the caller (Series.fixed) is already used in its series."""


class _Replayed(Exception):  # noqa: N818 — control flow: leave the transaction, roll back
    def __init__(self, record: Record) -> None:
        self.record = record


def fingerprint(kind: str, data: dict[str, Any]) -> str:
    """A stable hash of a kind and its validated data, to recognise a retried request."""
    canonical = json.dumps([kind, data], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


class Register:
    """Numbering and storage on any SQLAlchemy database URL (SQLite by default)."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)

    def create_schema(self) -> None:
        """Bring the database schema up to date (Alembic migrations)."""
        from service.migrate import upgrade

        upgrade(self.engine)

    def dispose(self) -> None:
        """Close pooled connections (after a fork, or at shutdown)."""
        self.engine.dispose()

    def issue(
        self,
        *,
        kind: str,
        series: Series | None,
        year: int,
        label: str,
        data: dict[str, Any],
        render: Callable[[int | None], tuple[dict[str, bytes], list[str]]],
        idempotency_key: str | None = None,
        issued_by: str | None = None,
    ) -> Record:
        """Take the next serial of `series`, render with it and store, all in one transaction.

        `render(serial)` returns the files by format and any warnings to keep with them."""
        fp = fingerprint(kind, data)
        if idempotency_key and (earlier := self._replay(idempotency_key, fp)):
            return earlier
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
                with Session(bind=conn, expire_on_commit=False) as s, s.begin():
                    serial = self._next_serial(s, series) if series else None
                    if idempotency_key and (earlier := self._replay(idempotency_key, fp, s)):
                        raise _Replayed(earlier)  # rolls back: the serial goes back unused
                    files, warnings = render(serial)
                    doc = Document(
                        id=uuid.uuid4().hex, kind=kind, series=series.key if series else None,
                        year=year, serial=serial,
                        number_text=series.text(serial) if series else None, label=label,
                        data=json.dumps(data, ensure_ascii=False), fingerprint=fp,
                        idempotency_key=idempotency_key, issued_at=datetime.now(UTC),
                        issued_by=issued_by, warnings=json.dumps(warnings, ensure_ascii=False),
                    )
                    s.add(doc)
                    s.flush()
                    s.add_all(
                        File(document_seq=doc.seq, format=fmt, content=content,
                             sha256=hashlib.sha256(content).hexdigest(), size=len(content))
                        for fmt, content in files.items()
                    )
                    s.flush()
                    return self._record(s, doc)
        except _Replayed as replay:
            return replay.record
        except IntegrityError:
            # Two requests with one Idempotency-Key raced; the other one won.
            if idempotency_key and (earlier := self._replay(idempotency_key, fp)):
                return earlier
            if series and series.fixed is not None:
                raise NumberTaken(series.text(series.fixed)) from None
            raise

    def _next_serial(self, s: Session, series: Series) -> int:
        dialect = s.get_bind().dialect.name
        if dialect in ("sqlite", "postgresql"):
            insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
            if series.fixed is not None:
                # A chosen number moves the counter past it, so later ones never collide.
                bigger = func.max if dialect == "sqlite" else func.greatest
                new_last: Any = bigger(Counter.last, series.fixed)
                first = series.fixed
            else:
                new_last, first = Counter.last + 1, 1
            stmt = (
                insert(Counter)
                .values(series=series.key, year=series.year, last=first)
                .on_conflict_do_update(index_elements=["series", "year"], set_={"last": new_last})
                .returning(Counter.last)
            )
            last = int(s.execute(stmt).scalar_one())
            return series.fixed if series.fixed is not None else last
        row = s.execute(
            select(Counter).where(Counter.series == series.key, Counter.year == series.year)
            .with_for_update()
        ).scalar_one_or_none()
        chosen = series.fixed
        if row is None:
            s.add(Counter(series=series.key, year=series.year, last=chosen or 1))
            return chosen or 1
        new = max(row.last, chosen) if chosen is not None else row.last + 1
        s.execute(update(Counter).where(Counter.series == series.key,
                                        Counter.year == series.year).values(last=new))
        return chosen if chosen is not None else new

    def _replay(self, key: str, fp: str, s: Session | None = None) -> Record | None:
        def look(session: Session) -> Record | None:
            doc = session.execute(
                select(Document).where(Document.idempotency_key == key)
            ).scalar_one_or_none()
            if doc is None:
                return None
            if doc.fingerprint != fp:
                raise IdempotencyConflict(key)
            record = self._record(session, doc)
            return Record(**{**record.__dict__, "replayed": True})

        if s is not None:
            return look(s)
        with Session(self.engine) as session:
            return look(session)

    def _record(self, s: Session, doc: Document) -> Record:
        files = {
            f.format: (f.sha256, f.size)
            for f in s.execute(
                select(File.format, File.sha256, File.size).where(File.document_seq == doc.seq)
            ).all()
        }
        return Record(
            id=doc.id, kind=doc.kind, year=doc.year, serial=doc.serial,
            number_text=doc.number_text, label=doc.label, data=json.loads(doc.data),
            issued_at=doc.issued_at if doc.issued_at.tzinfo else doc.issued_at.replace(tzinfo=UTC),
            issued_by=doc.issued_by, files=files, warnings=json.loads(doc.warnings or "[]"),
        )

    def get(self, doc_id: str) -> Record | None:
        """The issued document with this id, or None."""
        with Session(self.engine) as s:
            doc = s.execute(select(Document).where(Document.id == doc_id)).scalar_one_or_none()
            return self._record(s, doc) if doc else None

    def content(self, doc_id: str, fmt: str) -> tuple[bytes, str] | None:
        """The stored bytes of one format of a document and their SHA-256, or None."""
        with Session(self.engine) as s:
            row = s.execute(
                select(File.content, File.sha256)
                .join(Document, Document.seq == File.document_seq)
                .where(Document.id == doc_id, File.format == fmt)
            ).one_or_none()
            return (bytes(row[0]), row[1]) if row else None

    def find(
        self, *, kind: str | None = None, year: int | None = None, q: str | None = None,
        limit: int = 50, offset: int = 0,
    ) -> tuple[list[Record], int]:
        """Issued documents, newest first, filtered by kind, year and text; with the total."""
        conditions = []
        if kind:
            conditions.append(Document.kind == kind)
        if year:
            conditions.append(Document.year == year)
        if q:
            pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            # SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's needs ILIKE for that
            ilike = self.engine.dialect.name == "postgresql"
            conditions.append(or_(*(
                col.ilike(pattern, escape="\\") if ilike else col.like(pattern, escape="\\")
                for col in (Document.number_text, Document.label, Document.data))))
        with Session(self.engine) as s:
            total = s.execute(select(func.count()).select_from(Document).where(*conditions))
            docs = s.execute(
                select(Document).where(*conditions).order_by(Document.seq.desc())
                .limit(limit).offset(offset)
            ).scalars().all()
            return [self._record(s, d) for d in docs], int(total.scalar_one())
