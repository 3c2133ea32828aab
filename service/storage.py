"""Recognising a register that cannot be written — a full disk, a database or file system
mounted read-only — whatever the database, and saying so as the domain error
StorageUnavailable. A transaction that failed this way was rolled back whole, so the
caller is told nothing was stored; the next request simply tries again, which is how the
service recovers by itself once space returns."""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy import exc as db_errors

from service.errors import StorageUnavailable

MESSAGE = ("登记簿暂时无法写入（磁盘已满或数据库只读），本次操作未保存任何内容；"
           "请联系管理员腾出磁盘空间或恢复写权限后重试")
# SQLite's primary result codes for "cannot write": FULL, READONLY (and its extended
# codes), IOERR (a write the OS refused, e.g. ENOSPC on the -wal or -shm file), CANTOPEN.
_SQLITE = {"SQLITE_FULL", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN"}
# PostgreSQL SQLSTATEs: 53100 disk_full, 53000 insufficient_resources, 25006
# read_only_sql_transaction (a standby or default_transaction_read_only), 58030 io_error.
_SQLSTATES = {"53100", "53000", "25006", "58030"}
_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT}


def _is_storage(err: BaseException) -> bool:
    """Whether a driver or OS error says the storage cannot take a write."""
    if isinstance(err, sqlite3.Error):
        name = getattr(err, "sqlite_errorname", "") or ""  # e.g. SQLITE_IOERR_WRITE
        return "_".join(name.split("_")[:2]) in _SQLITE
    if isinstance(err, OSError):
        return err.errno in _ERRNOS
    return getattr(err, "sqlstate", None) in _SQLSTATES  # psycopg's errors carry it


def storage_error(err: BaseException) -> StorageUnavailable | None:
    """The StorageUnavailable that `err` amounts to (a DBAPI error through SQLAlchemy, or an
    OS error), or None when it is something else."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:  # the error and its causes
        seen.add(id(current))
        inner = current.orig if isinstance(current, db_errors.DBAPIError) else None
        if _is_storage(inner or current):
            return StorageUnavailable(MESSAGE)
        current = current.__cause__ or current.__context__
    return None
