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
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service import numbering
from service.database import make_engine
from service.kinds.base import Series
from service.lookup import Lookup, Record
from service.numbering import SeriesFull
from service.tables import DEFAULT_UNIT, Document, File

Rendered = tuple[dict[str, bytes], list[str]]  # files by format, warnings to keep with them
# A reservation older than this was abandoned by a process that died while rendering.
ABANDONED = timedelta(minutes=10)


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used before with different data."""


class IdempotencyInProgress(Exception):
    """The first request with this Idempotency-Key is still rendering."""


class NumberTaken(Exception):
    """A number chosen by the caller (Series.fixed) is already used in its series."""


__all__ = ["IdempotencyConflict", "IdempotencyInProgress", "NumberTaken", "Record", "Register",
           "SeriesFull"]


# Who holds a pending reservation: a retry finding its holder dead takes over at once
# instead of waiting ABANDONED (a batch consumer killed mid-issue, then restarted).
_OWNER = f"owner={socket.gethostname()}:{os.getpid()}"


def _holder_gone(doc: Document) -> bool:
    at = doc.issued_at if doc.issued_at.tzinfo else doc.issued_at.replace(tzinfo=UTC)
    if at < datetime.now(UTC) - ABANDONED:
        return True
    host, _, pid = (doc.note or "").removeprefix("owner=").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's process: only the age tells
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, under another user
    return False


class _Stop(Exception):  # noqa: N818 — leave a transaction (rolled back) with an answer
    def __init__(self, record: Record | None = None) -> None:
        self.record = record


def fingerprint(kind: str, data: dict[str, Any]) -> str:
    """A stable hash of a kind and its validated data, to recognise a retried request."""
    canonical = json.dumps([kind, data], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def scoped_key(unit: str, caller: str | None, key: str) -> str:
    """The stored form of an Idempotency-Key: one caller's key never answers another's."""
    return hashlib.sha256(f"{unit}\x1f{caller or ''}\x1f{key}".encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    """What an issue writes besides its number and files."""

    unit: str
    kind: str
    series: Series | None  # its key already carries the unit (see Register.issue)
    year: int
    label: str
    data: dict[str, Any]
    idempotency_key: str | None  # scoped (scoped_key)
    issued_by: str | None

    def document(self, serial: int | None, status: str) -> Document:
        """A new register row for this entry."""
        data = json.dumps(self.data, ensure_ascii=False)
        return Document(
            id=uuid.uuid4().hex, unit=self.unit, kind=self.kind,
            series=self.series.key if self.series else None,
            year=self.year, serial=serial, label=self.label, data=data,
            number_text=self.series.text(serial) if self.series else None,
            fingerprint=fingerprint(self.kind, self.data), idempotency_key=self.idempotency_key,
            issued_at=datetime.now(UTC), issued_by=self.issued_by, status=status, warnings="[]",
            note=_OWNER if status == "pending" else None)


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
              unit: str = DEFAULT_UNIT) -> Record:
        """Number, render and store one document of `unit` in its own series;
        `render(serial)` runs outside any transaction and returns the files by format and
        the warnings to keep."""
        if series is not None:
            series = replace(series, key=f"{unit}|{series.key}")
        key = scoped_key(unit, issued_by, idempotency_key) if idempotency_key else None
        entry = Entry(unit, kind, series, year, label, data, key, issued_by)
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
        return self._complete(seq, rendered)

    def _write(self, entry: Entry, work: Callable[[Session], Record]) -> Record | None:
        """Run `work` in a write transaction; an idempotent replay or race answers instead."""
        try:
            with numbering.write_session(self.engine) as s:
                if entry.idempotency_key and (earlier := self._replay(entry, s, reclaim=True)):
                    raise _Stop(earlier)
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

    def _complete(self, seq: int, rendered: Rendered) -> Record:
        with numbering.write_session(self.engine) as s:
            doc = s.execute(select(Document).where(Document.seq == seq)).scalar_one()
            doc.status, doc.issued_at, doc.note = "issued", datetime.now(UTC), None
            return self._add_files(s, doc, rendered)

    def _add_files(self, s: Session, doc: Document, rendered: Rendered) -> Record:
        files, warnings = rendered
        doc.warnings = json.dumps(warnings, ensure_ascii=False)
        s.add_all(File(document_seq=doc.seq, format=fmt, content=content,
                       sha256=hashlib.sha256(content).hexdigest(), size=len(content))
                  for fmt, content in files.items())
        s.flush()
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
            if not _holder_gone(doc):
                raise IdempotencyInProgress(entry.idempotency_key)
            if reclaim:  # in the write transaction: its number is used up in the open
                doc.status, doc.idempotency_key = "spoiled", None
                doc.note = "签发中断（进程退出），文号作废"
                s.flush()
            return None
        return replace(self._record(s, doc), replayed=True)
