"""Settings read from the environment, for every entry point: web app, CLI, queue workers."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def instance_dir() -> Path:
    """The folder of the SQLite register, queue and secret key: GONGWEN_INSTANCE or instance/."""
    return Path(os.environ.get("GONGWEN_INSTANCE") or ROOT / "instance").resolve()


def ensure_instance_dir() -> Path:
    """The instance folder, created owner-only (0700) if missing. One of ours that others
    may enter (an older install's 0755) loses its bits for others, with a warning; group
    bits someone set on purpose stay. Returns the folder."""
    folder = instance_dir()
    try:
        folder.mkdir(mode=0o700, parents=True)
        os.chmod(folder, 0o700)  # whatever the umask left
    except FileExistsError:
        _not_for_others(folder)
    return folder


def private_file(path: Path) -> Path:
    """`path` created empty and owner-only (0600) if missing, for a SQLite database: SQLite
    gives its -wal, -shm and -journal files the database file's permissions. An existing one
    of ours loses its bits for others, with a warning. Returns `path`."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                     0o600)
    except FileExistsError:
        for each in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
            _not_for_others(each)
    except OSError:
        pass  # no folder (yet), read-only: SQLite reports it as it always did
    else:
        try:
            os.fchmod(fd, 0o600)  # whatever the umask left
        finally:
            os.close(fd)
    return path


def _not_for_others(path: Path) -> None:
    """Take the permissions for others off a file or folder of ours that has them."""
    try:
        info = os.stat(path)
        if info.st_uid != os.getuid() or not info.st_mode & 0o007:
            return
        os.chmod(path, stat.S_IMODE(info.st_mode) & ~0o007)
    except OSError:
        return
    logging.getLogger(__name__).warning(
        "%s was open to every user of this machine; it no longer is (chmod o-rwx)", path)


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
