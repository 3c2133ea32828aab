"""Every table of the service (SQLAlchemy declarative models), in one place: the register,
the gate's accounts, drafts and batch jobs. Feature modules use these; Alembic reads them
(service/migrations); nothing here imports a feature."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the register's tables."""


DEFAULT_UNIT = "default"  # local mode's unit, and the one older registers migrated into
SERIES_KEY = 200  # "<unit code>|<kind's key>": a series is always one unit's


class Unit(Base):
    """An office that owns its documents, series, drafts, jobs, tokens and officers."""

    __tablename__ = "units"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    profile: Mapped[str] = mapped_column(Text, default="{}")  # JSON: codes, contacts, cc
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Counter(Base):
    """The last serial used in one (series, year)."""

    __tablename__ = "counters"
    series: Mapped[str] = mapped_column(String(SERIES_KEY), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, nullable=False)


class Document(Base):
    """One issued document: its input, number and who issued it when."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("series", "year", "serial"),
        Index("ux_documents_live_matter", "matter", unique=True,
              sqlite_where=text("status IN ('issued', 'pending')"),
              postgresql_where=text("status IN ('issued', 'pending')")),
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    unit: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    series: Mapped[str | None] = mapped_column(String(SERIES_KEY))
    year: Mapped[int] = mapped_column(Integer, index=True)
    serial: Mapped[int | None] = mapped_column(Integer)
    number_text: Mapped[str | None] = mapped_column(String(120))
    label: Mapped[str] = mapped_column(Text)
    data: Mapped[str] = mapped_column(Text)  # the validated input as JSON text
    # number, label and every text of the data, normalised for search (service.search)
    search: Mapped[str] = mapped_column(Text, default="", server_default="")
    fingerprint: Mapped[str] = mapped_column(String(64))
    # SHA-256 of (unit, caller, Idempotency-Key): one caller's key never answers another
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    issued_by: Mapped[str | None] = mapped_column(String(120))
    warnings: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of 中文 notes
    # issued; pending: the number is taken and the files are being rendered; spoiled: the
    # render failed or was cut off, so the number is used up without a document (note: why)
    status: Mapped[str] = mapped_column(String(10), default="issued", server_default="issued",
                                        index=True)
    note: Mapped[str | None] = mapped_column(Text)
    # The matter it settles (SHA-256 of unit, kind and the caller's ref or the payload's
    # fingerprint): a matter has one valid document, so a re-run batch never numbers it twice.
    matter: Mapped[str | None] = mapped_column(String(64))
    # 作废 (status "void"): who and when; note says why. 更正: the documents link both ways.
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    voided_by: Mapped[str | None] = mapped_column(String(120))
    replaces: Mapped[str | None] = mapped_column(String(32))
    replaced_by: Mapped[str | None] = mapped_column(String(32))


class File(Base):
    """The bytes of one rendered format of a document, with their SHA-256."""

    __tablename__ = "files"
    document_seq: Mapped[int] = mapped_column(ForeignKey("documents.seq"), primary_key=True)
    format: Mapped[str] = mapped_column(String(8), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ApiToken(Base):
    """A bearer token of another system."""

    __tablename__ = "api_tokens"
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit: Mapped[str] = mapped_column(String(32), index=True)
    read_only: Mapped[bool] = mapped_column(Boolean, default=False)
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class User(Base):
    """An officer who logs in to the web pages."""

    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    unit: Mapped[str] = mapped_column(String(32), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    read_only: Mapped[bool] = mapped_column(Boolean, default=False)
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Moved on by log-out, a new password or disabling: every older session then ends.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Draft(Base):
    """The data of one previewed, not yet issued, document."""

    __tablename__ = "drafts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str | None] = mapped_column(String(120))  # only its author opens it
    replaces: Mapped[str | None] = mapped_column(String(32))  # a 更正's document
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Batch(Base):
    """A batch job: its options and when it last made progress."""

    __tablename__ = "batches"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit: Mapped[str] = mapped_column(String(32), index=True)
    formats: Mapped[str] = mapped_column(String(20))
    issue: Mapped[bool] = mapped_column(Boolean)
    total: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    issued_by: Mapped[str | None] = mapped_column(String(120))
    # as documents': SHA-256 of (unit, caller, Idempotency-Key), and of the request body
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64))


class BatchItem(Base):
    """One item of a job: pending until a consumer stores its result."""

    __tablename__ = "batch_items"
    batch_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[str] = mapped_column(Text)
    ref: Mapped[str | None] = mapped_column(String(100))  # the caller's id of the matter
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    outcome: Mapped[str | None] = mapped_column(Text)  # manifest or error entry, JSON


class BatchFile(Base):
    """An output file of a job item."""

    __tablename__ = "batch_files"
    batch_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    format: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class AuditEvent(Base):
    """One thing done to the register or the gate: append-only, never changed or deleted."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    unit: Mapped[str] = mapped_column(String(32), index=True)
    actor: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str | None] = mapped_column(String(120))
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    address: Mapped[str | None] = mapped_column(String(64))


class Lead(Base):
    """A reported lead (线索) of a unit's ledger: registered, transferred by a notice, answered
    by the receiving side, then closed (销号) or sent back. `reporter` is private."""

    __tablename__ = "leads"
    __table_args__ = (UniqueConstraint("unit", "year", "serial"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit: Mapped[str] = mapped_column(String(32), index=True)
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    received_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(100))
    reporter: Mapped[str | None] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    enterprise: Mapped[str | None] = mapped_column(Text)
    locality: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # the transfer notice (交办文书) and what it says: to whom, when, by when
    document_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    transferred_to: Mapped[str | None] = mapped_column(Text)
    transferred_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # registered, transferred, answered, returned, closed
    status: Mapped[str] = mapped_column(String(12), index=True)
    feedback: Mapped[str | None] = mapped_column(Text)  # JSON: the receiving side's answer
    returned_reason: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(120))


class LeadFile(Base):
    """The signed feedback report of a lead (PDF or image), with its SHA-256."""

    __tablename__ = "lead_files"
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
