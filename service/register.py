"""The register: issued documents, their numbers and files, in one SQL database.

No transaction is open while a document renders, so an issue in one series never waits
for a render in another. An issue renders first with the number its series would give
next, then takes that number and stores the files in one short transaction; a render that
fails there has taken nothing. Only when another issue took that number meanwhile is a
number reserved first (a `pending` entry) and the document rendered again for it; if that
render fails, or its process dies, the number stays in the register as `spoiled`: used up
in the open, never reused or lost."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service import audit, numbering
from service.database import make_engine
from service.entries import (
    ABANDONED,
    Entry,
    fingerprint,
    holder_gone,
    matter_key,
    owner,
    scoped_key,
)
from service.kinds.base import Series
from service.lookup import Lookup, Record
from service.numbering import SeriesFull
from service.search import search_text
from service.tables import DEFAULT_UNIT, Document, File

Rendered = tuple[dict[str, bytes], list[str]]  # files by format, warnings to keep with them


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used before with different data."""


class IdempotencyInProgress(Exception):
    """The first request with this Idempotency-Key is still rendering."""


class NumberTaken(Exception):
    """A number chosen by the caller (Series.fixed) is already used in its series."""


__all__ = ["IdempotencyConflict", "IdempotencyInProgress", "NotIssued", "NumberTaken", "Record",
           "Register", "SeriesFull", "fingerprint", "matter_key", "scoped_key"]


class _Stop(Exception):  # noqa: N818 — leave a transaction (rolled back) with an answer
    def __init__(self, record: Record | None = None) -> None:
        self.record = record


class NotIssued(Exception):
    """The document is not (or no longer) a valid issued one: it cannot be voided again."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


# Called in the transaction that issues a document, with it: a feature that keeps records
# of its own beside the register (service.leads) adds itself here.
ON_ISSUED: list[Callable[[Session, Document], None]] = []


class Register(Lookup):
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

    def issue(self, *, kind: str, series: Series | None, year: int, label: str,
              data: dict[str, Any], render: Callable[[int | None], Rendered],
              idempotency_key: str | None = None, issued_by: str | None = None,
              unit: str = DEFAULT_UNIT, matter: str | None = None,
              replaces: str | None = None) -> Record:
        """Number, render and store one document of `unit` in its own series;
        `render(serial)` runs outside any transaction and returns the files by format and
        the warnings to keep."""
        if series is not None:
            series = replace(series, key=f"{unit}|{series.key}")
        key = scoped_key(unit, issued_by, idempotency_key) if idempotency_key else None
        entry = Entry(unit, kind, series, year, label, data, key, issued_by, matter, replaces)
        if idempotency_key and (earlier := self._replay(entry)):
            return earlier
        guess = numbering.peek(self.engine, series) if series else None
        record = self._store(entry, guess, render(guess))
        if record is not None:
            return record
        assert series is not None  # only a moved-on series gets here
        reserved = self._reserve(entry)
        if isinstance(reserved, Record):  # an idempotent retry finished first
            return reserved
        seq, serial = reserved
        try:
            rendered = render(serial)
        except BaseException as exc:
            self._spoil(seq, f"生成失败（{type(exc).__name__}），文号作废")
            raise
        return self.complete(seq, rendered, entry)

    def reserve(self, *, kind: str, series: Series, year: int, label: str,
                data: dict[str, Any], issued_by: str | None, unit: str,
                matter: str | None) -> tuple[int, int] | Record:
        """Take the next number of `series` for a document still to be rendered, in a short
        transaction: its (row, serial), or the earlier document of the same matter. The
        caller renders, then calls `complete` (or `spoil`). A number this matter reserved
        in a process that died is taken over, not spoiled: it was never sent out."""
        entry = Entry(unit, kind, replace(series, key=f"{unit}|{series.key}"), year, label,
                      data, None, issued_by, matter)
        if matter and (adopted := self._adopt(entry)):
            return adopted
        return self._reserve(entry)

    def _adopt(self, entry: Entry) -> tuple[int, int] | None:
        """Take over this matter's reservation left by a dead process, if it is for the same
        series and year (a ref may come back with other data)."""
        with numbering.write_session(self.engine) as s:
            doc = s.execute(select(Document).where(
                Document.matter == entry.matter, Document.status == "pending")
            ).scalar_one_or_none()
            if (doc is None or not holder_gone(doc) or doc.serial is None
                    or doc.series != (entry.series.key if entry.series else None)
                    or doc.year != entry.year):
                return None
            doc.note, doc.issued_at, doc.issued_by = owner(), datetime.now(UTC), entry.issued_by
            doc.label, doc.data = entry.label, json.dumps(entry.data, ensure_ascii=False)
            doc.fingerprint = fingerprint(entry.kind, entry.data)
            doc.search = search_text(doc.number_text, entry.label, entry.data)
            return doc.seq, doc.serial

    def spoil(self, seq: int, note: str) -> None:
        """Mark a reserved number used up without a document (its render failed)."""
        self._spoil(seq, note)

    def _write(self, entry: Entry, work: Callable[[Session], Record]) -> Record | None:
        """Run `work` in a write transaction; an idempotent replay or race answers instead."""
        try:
            with numbering.write_session(self.engine) as s:
                if entry.idempotency_key and (earlier := self._replay(entry, s, reclaim=True)):
                    raise _Stop(earlier)
                if entry.matter and (settled := self._settled(entry, s)):
                    raise _Stop(settled)
                return work(s)
        except _Stop as stop:
            return stop.record
        except IntegrityError:
            # Two requests with one Idempotency-Key raced; the other one won.
            if entry.idempotency_key and (earlier := self._replay(entry)):
                return earlier
            if entry.series and entry.series.fixed is not None:
                raise NumberTaken(entry.series.text(entry.series.fixed)) from None
            raise

    def _store(self, entry: Entry, guess: int | None, rendered: Rendered) -> Record | None:
        """Take the number `guess` and store the files; None if the series moved on."""
        def work(s: Session) -> Record:
            serial = numbering.take(s, entry.series) if entry.series else None
            if serial != guess:
                raise _Stop(None)  # rolls back: the number stays the other issue's
            doc = entry.document(serial, "issued")
            self._void_replaced(s, entry, doc)
            s.add(doc)
            s.flush()
            return self._add_files(s, doc, rendered)

        return self._write(entry, work)

    def _reserve(self, entry: Entry) -> tuple[int, int] | Record:
        """Take the next number for a pending entry: its (row, serial), or an earlier answer."""
        assert entry.series is not None
        taken: list[tuple[int, int]] = []

        def work(s: Session) -> Record:
            self._spoil_abandoned(s)
            doc = entry.document(numbering.take(s, entry.series), "pending")  # type: ignore[arg-type]
            s.add(doc)
            s.flush()
            taken.append((doc.seq, doc.serial or 0))
            return self._record(s, doc)

        record = self._write(entry, work)
        return taken[0] if taken else record  # type: ignore[return-value]

    def complete(self, seq: int, rendered: Rendered, entry: Entry | None = None) -> Record:
        """Store the files of a reserved number: the document is issued."""
        with numbering.write_session(self.engine) as s:
            doc = s.execute(select(Document).where(Document.seq == seq)).scalar_one()
            if entry is not None:
                self._void_replaced(s, entry, doc)
            doc.status, doc.issued_at, doc.note = "issued", datetime.now(UTC), None
            return self._add_files(s, doc, rendered)

    def _void_replaced(self, s: Session, entry: Entry, new: Document) -> None:
        """更正: the corrected document is voided in the transaction that issues its
        replacement, and the two link both ways."""
        if not entry.replaces:
            return
        old = s.execute(select(Document).where(
            Document.id == entry.replaces, Document.unit == entry.unit)
            .with_for_update()).scalar_one_or_none()
        if old is None or old.status != "issued":
            raise NotIssued(old.status if old else "missing")
        old.status, old.voided_at, old.voided_by = "void", datetime.now(UTC), entry.issued_by
        old.replaced_by = new.id
        old.note = f"已更正，见{new.number_text or new.label}"
        s.flush()  # before the replacement's row: one live document per matter

    def void(self, doc_id: str, unit: str, reason: str, by: str | None) -> Record | None:
        """作废: mark an issued document of `unit` void (who, when, why); None if there is
        no such document. Its number stays used and its files stay as they were sent."""
        with numbering.write_session(self.engine) as s:
            doc = s.execute(select(Document).where(
                Document.id == doc_id, Document.unit == unit)).scalar_one_or_none()
            if doc is None:
                return None
            if doc.status != "issued":
                raise NotIssued(doc.status)
            doc.status, doc.voided_at, doc.voided_by, doc.note = (
                "void", datetime.now(UTC), by, reason)
            audit.add(s, unit=unit, action="void", target=doc.id, actor=by,
                      detail={"number": doc.number_text, "reason": reason})
            return self._record(s, doc)

    def _settled(self, entry: Entry, s: Session) -> Record | None:
        """The valid document that already settles this entry's matter, if any."""
        doc = s.execute(select(Document).where(
            Document.matter == entry.matter, Document.status.in_(("issued", "pending")))
        ).scalar_one_or_none()
        if doc is None:
            return None
        if doc.status == "pending":
            if not holder_gone(doc):
                raise IdempotencyInProgress(entry.matter)
            doc.status, doc.idempotency_key = "spoiled", None
            doc.note = "签发中断（进程退出），文号作废"
            s.flush()
            return None
        return replace(self._record(s, doc), replayed=True)

    def _add_files(self, s: Session, doc: Document, rendered: Rendered) -> Record:
        audit.add(s, unit=doc.unit, action="correct" if doc.replaces else "issue",
                  target=doc.id, actor=doc.issued_by,
                  detail={"number": doc.number_text, "kind": doc.kind, "label": doc.label,
                          **({"replaces": doc.replaces} if doc.replaces else {})})
        files, warnings = rendered
        doc.warnings = json.dumps(warnings, ensure_ascii=False)
        s.add_all(File(document_seq=doc.seq, format=fmt, content=content,
                       sha256=hashlib.sha256(content).hexdigest(), size=len(content))
                  for fmt, content in files.items())
        s.flush()
        for listener in ON_ISSUED:  # what must be recorded with it (a notice's lead)
            listener(s, doc)
        return self._record(s, doc)

    def _spoil(self, seq: int, note: str) -> None:
        with numbering.write_session(self.engine) as s:
            s.execute(update(Document).where(Document.seq == seq, Document.status == "pending")
                      .values(status="spoiled", note=note, idempotency_key=None))

    def _spoil_abandoned(self, s: Session) -> None:
        s.execute(update(Document).where(
            Document.status == "pending", Document.issued_at < datetime.now(UTC) - ABANDONED
        ).values(status="spoiled", note="签发中断（进程退出），文号作废", idempotency_key=None))

    def _replay(self, entry: Entry, s: Session | None = None, reclaim: bool = False
                ) -> Record | None:
        if s is None:
            with Session(self.engine) as session:
                return self._replay(entry, session)
        doc = s.execute(select(Document).where(
            Document.idempotency_key == entry.idempotency_key)).scalar_one_or_none()
        if doc is None:
            return None
        if doc.fingerprint != fingerprint(entry.kind, entry.data):
            raise IdempotencyConflict(entry.idempotency_key)
        if doc.status == "pending":
            if not holder_gone(doc):
                raise IdempotencyInProgress(entry.idempotency_key)
            if reclaim:  # in the write transaction: its number is used up in the open
                doc.status, doc.idempotency_key = "spoiled", None
                doc.note = "签发中断（进程退出），文号作废"
                s.flush()
            return None
        return replace(self._record(s, doc), replayed=True)
