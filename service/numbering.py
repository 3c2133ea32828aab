"""Serials: reading the next one, and taking it inside a short write transaction.

A serial is taken in the same transaction that stores its document (or marks the number
reserved), so a number exists only together with its register entry. SQLite takes its
write lock up front (BEGIN IMMEDIATE); PostgreSQL locks the counter row with an upsert,
so different series are numbered in parallel there."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from service.kinds.base import Series
from service.tables import Counter


class SeriesFull(Exception):
    """The next number of a series would pass its maximum (Series.maximum)."""


def _within(series: Series, serial: int) -> int:
    if series.maximum is not None and serial > series.maximum:
        raise SeriesFull(series.text(series.maximum))
    return serial


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session in one write transaction, committed on leaving the block (SQLite: its write
    lock taken at BEGIN, so two writers never deadlock upgrading a read lock)."""
    with engine.connect() as conn:
        conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with Session(bind=conn, expire_on_commit=False) as s, s.begin():
            yield s


def peek(engine: Engine, series: Series) -> int:
    """The serial the next document of `series` would get now (its chosen one if fixed)."""
    if series.fixed is not None:
        return series.fixed
    with Session(engine) as s:
        last = s.execute(select(Counter.last).where(
            Counter.series == series.key, Counter.year == series.year)).scalar_one_or_none()
    return _within(series, (last or 0) + 1)


def take(s: Session, series: Series) -> int:
    """Take the next serial of `series` (or its chosen one) in the session's transaction."""
    dialect = s.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        if series.fixed is not None:
            # A chosen number moves the counter past it, so later ones never collide.
            bigger = func.max if dialect == "sqlite" else func.greatest
            new_last: Any = bigger(Counter.last, series.fixed)
            first = series.fixed
        else:
            new_last, first = Counter.last + 1, 1
        stmt = (
            insert(Counter)
            .values(series=series.key, year=series.year, last=first)
            .on_conflict_do_update(index_elements=["series", "year"], set_={"last": new_last})
            .returning(Counter.last)
        )
        last = int(s.execute(stmt).scalar_one())
        return series.fixed if series.fixed is not None else _within(series, last)
    row = s.execute(
        select(Counter).where(Counter.series == series.key, Counter.year == series.year)
        .with_for_update()
    ).scalar_one_or_none()
    chosen = series.fixed
    if row is None:
        s.add(Counter(series=series.key, year=series.year, last=chosen or 1))
        return chosen or 1
    new = max(row.last, chosen) if chosen is not None else row.last + 1
    s.execute(update(Counter).where(Counter.series == series.key,
                                    Counter.year == series.year).values(last=new))
    return chosen if chosen is not None else _within(series, new)
