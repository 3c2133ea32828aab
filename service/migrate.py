"""Schema migrations (Alembic): the register's tables are created and changed only here."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def config() -> Config:
    """An Alembic configuration pointing at service/migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision`; several processes may call this at once."""
    cfg = config()
    with engine.connect() as conn:
        # Serialise concurrent starts: SQLite takes its write lock at BEGIN IMMEDIATE, and
        # PostgreSQL an advisory lock, before Alembic reads the current revision.
        conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(7061746)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)


def revision(engine: Engine, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    cfg = config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
