"""What one register row is made of (Entry), and the keys that recognise a request or a
matter again: the fingerprint of a payload, a caller's scoped Idempotency-Key, a matter's
key; and who holds a pending reservation."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from service.kinds.base import Series
from service.search import search_text
from service.tables import Document

# A reservation older than this was abandoned by a process that died while rendering.
ABANDONED = timedelta(minutes=10)


# Who holds a pending reservation: a retry finding its holder dead takes over at once
# instead of waiting ABANDONED (a batch consumer killed mid-issue, then restarted).
def owner() -> str:
    """This process, as the holder of the reservations it makes (its pid now: after a fork
    too)."""
    return f"owner={socket.gethostname()}:{os.getpid()}"


def holder_gone(doc: Document) -> bool:
    """Whether the process that reserved a pending row is gone (dead, or too long ago)."""
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


def fingerprint(kind: str, data: dict[str, Any]) -> str:
    """A stable hash of a kind and its validated data, to recognise a retried request."""
    canonical = json.dumps([kind, data], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def matter_key(unit: str, kind: str, ref: str | None, data: dict[str, Any]) -> str:
    """What identifies a matter across runs and files: the caller's ref, or the payload."""
    what = f"ref:{ref}" if ref is not None else f"fp:{fingerprint(kind, data)}"
    return hashlib.sha256(f"{unit}\x1f{kind}\x1f{what}".encode()).hexdigest()


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
    matter: str | None = None  # see matter_key
    replaces: str | None = None  # the id of the document this one corrects

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
            note=owner() if status == "pending" else None, matter=self.matter,
            replaces=self.replaces,
            search=search_text(self.series.text(serial) if self.series else None, self.label,
                               self.data))
