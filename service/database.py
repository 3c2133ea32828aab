"""Database engines set up for safe numbering: SQLite in WAL mode with BEGIN IMMEDIATE on
request, pooled connections with pre-ping for PostgreSQL and the rest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import Engine

from service.config import private_file


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


def _sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL; None for an in-memory or URI-style database."""
    parsed = make_url(url)
    name = parsed.database or ""
    if not name or name == ":memory:" or name.startswith("file:") or parsed.query.get("uri"):
        return None
    return Path(name)


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
        if (path := _sqlite_file(url)) is not None:
            private_file(path)  # the register is created 0600, not as the umask says
        _sqlite_setup(engine)
    return engine
