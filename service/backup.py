"""Backup and restore of an SQLite register, while the service runs.

A backup is two files: FILE, a copy of the database taken with SQLite's online backup API
(one read transaction, so the copy is one consistent moment however busy the writers are;
set to a rollback journal, so the one file is the whole copy), and FILE.manifest.json: what
it holds (documents per kind, status and series, the last numbers, counts of the other
tables), its schema revision and its SHA-256. A restore checks that SHA-256 first, then
copies the backup into the register named by DATABASE_URL with the same API and brings its
schema up to date. A PostgreSQL register is backed up with pg_dump, which does the same."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from service.config import private_file
from service.errors import Conflict, Invalid, NotFound
from service.register import Register

FORMAT = "gongwen-register-backup/1"
# The tables a register must have no rows in to be "empty" (units: the migrations create
# `default`, and a fresh register may have its units set up before a restore).
KEPT = ("documents", "files", "audit_events", "leads", "users", "api_tokens", "drafts",
        "batches", "counters")


def sqlite_file(register: Register) -> Path:
    """The register's SQLite file; Invalid (saying to use pg_dump) for any other database."""
    url = register.engine.url
    if url.get_backend_name() != "sqlite":
        shown = url.render_as_string(hide_password=True).replace("+psycopg", "")
        raise Invalid(f"登记簿在{url.get_backend_name()}数据库上，本命令只备份SQLite登记簿；"
                      f"请用 pg_dump -Fc -f gongwen.dump '{shown}' 备份，"
                      "用 pg_restore --clean -d <数据库> gongwen.dump 恢复")
    name = url.database or ""
    if not name or name == ":memory:" or name.startswith("file:") or url.query.get("uri"):
        raise Invalid("登记簿不是一个SQLite文件，无法备份")
    return Path(name)


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a backup file (nothing, not even a journal, is written)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        yield conn


def describe(path: Path) -> dict[str, Any]:
    """What a register file holds: counts per table, documents per kind, status and series
    (with each series' last number), and its schema revision."""
    with _reading(path) as db:
        def rows(sql: str) -> list[Any]:
            return db.execute(sql).fetchall()

        counts = {t: rows(f"SELECT count(*) FROM {t}")[0][0] for t in (*KEPT, "units")}  # noqa: S608
        series = [{"unit": key.split("|", 1)[0], "series": key.split("|", 1)[-1], "year": year,
                   "documents": n, "last": last, "last_number": text}
                  for key, year, n, last, text in rows(
                      "SELECT d.series, d.year, count(*), max(d.serial), (SELECT number_text "
                      "FROM documents e WHERE e.series = d.series AND e.year = d.year "
                      "ORDER BY e.serial DESC LIMIT 1) FROM documents d WHERE d.series IS NOT "
                      "NULL GROUP BY d.series, d.year ORDER BY d.series, d.year")]
        return {"schema": rows("SELECT version_num FROM alembic_version")[0][0],
                "counts": counts,
                "documents_by_kind": dict(rows(
                    "SELECT kind, count(*) FROM documents GROUP BY kind")),
                "documents_by_status": dict(rows(
                    "SELECT status, count(*) FROM documents GROUP BY status")),
                "series": series}


def _write_json(path: Path, value: dict[str, Any]) -> None:
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(part, path)


def backup(register: Register, dest: Path, *, overwrite: bool = False) -> dict[str, Any]:
    """Copy the running register to `dest` and write `dest`.manifest.json; the manifest."""
    source = sqlite_file(register)
    if dest.exists() and not overwrite:
        raise Conflict(f"{dest} 已存在；要覆盖请加 --force")
    part = dest.with_name(dest.name + ".part")
    part.unlink(missing_ok=True)
    private_file(part)  # the copy holds what the register holds: owner-only, like it
    with closing(sqlite3.connect(source, timeout=60)) as src, \
            closing(sqlite3.connect(part)) as dst:
        src.backup(dst)  # all pages in one step: one read transaction, one moment
        dst.execute("PRAGMA journal_mode=DELETE")  # the copy is this one file
        if (check := dst.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
            raise Invalid(f"备份副本检查未通过：{check}")
    with part.open("rb") as f:
        os.fsync(f.fileno())
    manifest = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "file": dest.name, "size": part.stat().st_size, "sha256": sha256_of(part),
                **describe(part)}
    os.replace(part, dest)
    _write_json(manifest_path(dest), manifest)
    return manifest


def manifest_path(backup_file: Path) -> Path:
    """Where the manifest of a backup file is: FILE.manifest.json beside it."""
    return backup_file.with_name(backup_file.name + ".manifest.json")


def checked_manifest(backup_file: Path) -> dict[str, Any]:
    """The backup's manifest, once the file's SHA-256 matches it."""
    if not backup_file.is_file():
        raise NotFound(f"找不到备份文件 {backup_file}")
    try:
        manifest: dict[str, Any] = json.loads(manifest_path(backup_file).read_text("utf-8"))
    except (OSError, ValueError):
        raise Invalid(f"找不到或读不懂备份清单 {manifest_path(backup_file)}；没有清单无法核对备份，"
                      "不予恢复") from None
    if manifest.get("format") != FORMAT:
        raise Invalid("备份清单的格式不对")
    if sha256_of(backup_file) != manifest.get("sha256"):
        raise Invalid("备份文件的SHA-256与清单不符：文件已损坏或被改动，不予恢复")
    return manifest


def held(register: Register) -> dict[str, int]:
    """The tables of the register that hold rows (units aside), with their counts."""
    return {t: n for t, n in describe_live(register).items() if n and t in KEPT}


def restore(register: Register, backup_file: Path, *, force: bool = False) -> dict[str, Any]:
    """Replace the (empty, unless `force`) register with a checked backup; its manifest."""
    manifest = checked_manifest(backup_file)
    target = sqlite_file(register)
    if (rows := held(register)) and not force:
        what = "、".join(f"{t} {n}行" for t, n in rows.items())
        raise Conflict(f"登记簿不是空的（{what}）；恢复会整个覆盖它，确要覆盖请加 --force")
    register.dispose()  # no pooled connection of ours keeps the old pages
    with _reading(backup_file) as src, closing(sqlite3.connect(target, timeout=60)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")  # as the service runs it (service.database)
    register.dispose()
    register.create_schema()  # a backup from an older version is brought up to date
    restored = {t: n for t, n in describe_live(register).items() if t in KEPT}
    if restored != {t: manifest["counts"].get(t) for t in KEPT}:
        raise Invalid(f"恢复后的登记簿与清单不符：{restored} ≠ {manifest['counts']}")
    return manifest


def describe_live(register: Register) -> dict[str, int]:
    """Row counts of the register's tables, as a manifest lists them."""
    with register.engine.connect() as conn:
        return {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()  # noqa: S608
                for t in (*KEPT, "units")}
