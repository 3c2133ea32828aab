"""Settings read from the environment, for every entry point: web app, CLI, queue workers."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def instance_dir() -> Path:
    """The folder of the SQLite register, queue and secret key: GONGWEN_INSTANCE or instance/."""
    return Path(os.environ.get("GONGWEN_INSTANCE") or ROOT / "instance").resolve()


def database_url() -> str:
    """The register's database: DATABASE_URL, or an SQLite file in the instance folder."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{instance_dir() / 'register.sqlite3'}"


def render_timeout() -> float:
    """Seconds one render may take (GONGWEN_RENDER_TIMEOUT, default 20; 0 turns it off)."""
    return float(os.environ.get("GONGWEN_RENDER_TIMEOUT", "20"))


def render_workers() -> int:
    """Render worker processes per serving process (GONGWEN_RENDER_WORKERS, default 1)."""
    return max(1, int(os.environ.get("GONGWEN_RENDER_WORKERS", "1")))


def renders_per_worker() -> int:
    """Renders after which a render worker is replaced by a fresh one (default 10,000)."""
    return max(1, int(os.environ.get("GONGWEN_RENDERS_PER_WORKER", "10000")))


def local_mode() -> bool:
    """GONGWEN_LOCAL=1: `make run` on 127.0.0.1 without log-in."""
    return os.environ.get("GONGWEN_LOCAL", "") in ("1", "true", "yes")
