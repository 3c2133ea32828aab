"""The database: engines set up for safe numbering, and the register's tables (SQLAlchemy
declarative models). Every table of the service hangs off `Base`, so Alembic sees them
all; service.register holds the logic."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the register's tables."""


class Counter(Base):
    """The last serial used in one (series, year)."""

    __tablename__ = "counters"
    series: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, nullable=False)


class Document(Base):
    """One issued document: its input, number and who issued it when."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("series", "year", "serial"),)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    series: Mapped[str | None] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer, index=True)
    serial: Mapped[int | None] = mapped_column(Integer)
    number_text: Mapped[str | None] = mapped_column(String(120))
    label: Mapped[str] = mapped_column(Text)
    data: Mapped[str] = mapped_column(Text)  # the validated input as JSON text
    fingerprint: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    issued_by: Mapped[str | None] = mapped_column(String(120))
    warnings: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of 中文 notes


class File(Base):
    """The bytes of one rendered format of a document, with their SHA-256."""

    __tablename__ = "files"
    document_seq: Mapped[int] = mapped_column(ForeignKey("documents.seq"), primary_key=True)
    format: Mapped[str] = mapped_column(String(8), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _begin)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                       "busy_timeout=60000"):
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _with_driver(url: str) -> str:
    """postgres:// and postgresql:// URLs go through psycopg 3, the driver the service ships
    with (SQLAlchemy would otherwise look for psycopg2)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str) -> Engine:
    """An engine for `url`: SQLite in WAL mode with BEGIN IMMEDIATE on request, pooled
    connections for everything else."""
    url = _with_driver(url)
    is_sqlite = url.startswith("sqlite")
    # Every request waiting for the numbering lock holds a connection: let a threaded
    # server (or a batch) have many rather than fail with a pool timeout.
    engine = create_engine(
        url,
        connect_args={"timeout": 60} if is_sqlite else {},
        pool_pre_ping=not is_sqlite,
        pool_size=10,
        max_overflow=50,
        pool_timeout=120,
    )
    if is_sqlite:
        _sqlite_setup(engine)
    return engine
