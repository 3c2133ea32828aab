"""The register holds no lock while a document renders (service.register): an issue in
one series never waits for a render in another, and a number whose render fails after it
was taken is kept as spoiled, never reused or lost. On SQLite and a real PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.kinds.base import Series
from service.register import Record, Register
from service.tables import Document
from tests.test_register import fake_render, register  # noqa: F401  (fixture)

Render = Callable[[int | None], tuple[dict[str, bytes], list[str]]]


def issue(reg: Register, key: str, render: Render = fake_render, n: int = 0) -> int | None:
    series = Series(key=key, year=2022, pattern=key + "〔2022〕{serial}号")
    return reg.issue(kind="transfer-notice", series=series, year=2022, label=f"{key} {n}",
                     data={"n": n, "key": key}, render=render).serial


def test_an_issue_in_another_series_does_not_wait_for_a_five_second_render(
        register: Register) -> None:  # noqa: F811
    started = threading.Event()

    def five_seconds(serial: int | None) -> tuple[dict[str, bytes], list[str]]:
        started.set()
        time.sleep(5)
        return fake_render(serial)

    slow = threading.Thread(target=issue, args=(register, "A", five_seconds))
    slow.start()
    assert started.wait(10)
    began = time.monotonic()
    assert issue(register, "B") == 1
    took = time.monotonic() - began
    slow.join()
    assert took < 1, f"series B waited {took:.1f} s for a render in series A"
    assert issue(register, "A") == 2


def test_an_issue_in_the_same_series_does_not_wait_either(register: Register) -> None:  # noqa: F811
    started = threading.Event()
    serials: list[int | None] = []

    def slow(serial: int | None) -> tuple[dict[str, bytes], list[str]]:
        started.set()
        time.sleep(2)
        return fake_render(serial)

    thread = threading.Thread(target=lambda: serials.append(issue(register, "A", slow)))
    thread.start()
    assert started.wait(10)
    began = time.monotonic()
    assert issue(register, "A", n=1) == 1  # it took the number the slow one rendered for
    assert time.monotonic() - began < 1
    thread.join()
    assert serials == [2]  # the slow one was rendered again for the next number


def test_a_number_whose_render_fails_after_it_was_taken_is_spoiled_in_the_open(
        register: Register) -> None:  # noqa: F811
    calls: list[int | None] = []

    def first_ok_then_broken(serial: int | None) -> tuple[dict[str, bytes], list[str]]:
        calls.append(serial)
        if len(calls) == 1:
            issue(register, "A", n=99)  # another issue takes this number meanwhile
            return fake_render(serial)
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError):
        issue(register, "A", first_ok_then_broken)
    assert calls == [1, 2]
    assert issue(register, "A", n=3) == 3  # 2 is not reused
    with Session(register.engine) as s:
        rows = s.execute(select(Document.serial, Document.status, Document.note)
                         .order_by(Document.serial)).all()
    assert [(r.serial, r.status) for r in rows] == [(1, "issued"), (2, "spoiled"), (3, "issued")]
    assert "作废" in rows[1].note
    listed, total = register.find()
    assert total == 3 and [r.status for r in listed] == ["issued", "spoiled", "issued"]


def test_a_failed_render_before_the_number_is_taken_uses_nothing(register: Register) -> None:  # noqa: F811
    def broken(serial: int | None) -> tuple[dict[str, bytes], list[str]]:
        raise RuntimeError("too big")

    for _ in range(3):
        with pytest.raises(RuntimeError):
            issue(register, "A", broken)
    assert issue(register, "A") == 1
    assert register.find()[1] == 1


def _pending_held_by(register: Register, pid: int) -> str:  # noqa: F811
    """Issue one document with a key, then turn it back into the reservation a process
    `pid` would leave behind if it died while rendering."""
    series = Series(key="K", year=2022, pattern="K〔2022〕{serial}号")
    record = register.issue(kind="transfer-notice", series=series, year=2022, label="k",
                            data={"n": 1}, render=fake_render, idempotency_key="job:1",
                            issued_by="job")
    with Session(register.engine) as s, s.begin():
        doc = s.execute(select(Document).where(Document.id == record.id)).scalar_one()
        doc.status, doc.note = "pending", f"owner={socket.gethostname()}:{pid}"
    return record.id


def _retry(register: Register) -> object:  # noqa: F811
    series = Series(key="K", year=2022, pattern="K〔2022〕{serial}号")
    return register.issue(kind="transfer-notice", series=series, year=2022, label="k",
                          data={"n": 1}, render=fake_render, idempotency_key="job:1",
                          issued_by="job")


def test_a_retry_takes_over_a_reservation_whose_process_died(register: Register) -> None:  # noqa: F811
    dead = subprocess.Popen(["true"])
    dead.wait()
    old = _pending_held_by(register, dead.pid)
    record = _retry(register)
    assert record.serial == 2 and not record.replayed  # type: ignore[attr-defined]
    with Session(register.engine) as s:
        first = s.execute(select(Document).where(Document.id == old)).scalar_one()
    assert first.status == "spoiled" and "作废" in (first.note or "")


def test_a_reservation_of_a_living_process_is_still_in_progress(register: Register) -> None:  # noqa: F811
    from service.register import IdempotencyInProgress

    _pending_held_by(register, os.getpid())
    with pytest.raises(IdempotencyInProgress):
        _retry(register)


def test_a_matters_reservation_left_by_a_dead_process_is_taken_over(register: Register) -> None:  # noqa: F811
    """A batch consumer killed between numbering and rendering: the next one renders the
    matter under the number it had, so the series stays gapless and nothing is spoiled."""
    series = Series(key="K", year=2022, pattern="K〔2022〕{serial}号")
    kwargs = {"kind": "transfer-notice", "series": series, "year": 2022, "label": "k",
              "data": {"n": 1}, "issued_by": "job", "unit": "default", "matter": "m-1"}
    seq, serial = register.reserve(**kwargs)  # type: ignore[arg-type, misc]
    assert serial == 1
    dead = subprocess.Popen(["true"])
    dead.wait()
    with Session(register.engine) as s, s.begin():
        doc = s.execute(select(Document).where(Document.seq == seq)).scalar_one()
        doc.note = f"owner={socket.gethostname()}:{dead.pid}"
    assert register.reserve(**kwargs) == (seq, 1)  # type: ignore[arg-type]
    record = register.complete(seq, fake_render(1))
    assert record.serial == 1 and record.status == "issued"
    again = register.reserve(**kwargs)  # type: ignore[arg-type]
    assert isinstance(again, Record) and again.replayed and again.serial == 1
