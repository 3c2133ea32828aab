"""Renders run in supervised worker processes with a hard time limit (service.render.pool):
the first render is limited too, a render over the limit kills its worker within a second
of the limit, a fresh worker takes over, and threads share the pool."""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from service.errors import RenderTimeout
from service.kinds import KINDS
from service.render import pool
from tests.conftest import load_fixture, pdf_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from make_bulletin import bulletin  # noqa: E402


def context(kind: str, payload: dict) -> dict:  # type: ignore[type-arg]
    doc = KINDS[kind].model.model_validate_json(json.dumps(payload, ensure_ascii=False))
    return {**KINDS[kind].build(doc, 1), "draft": False}


@pytest.fixture
def fresh_pool():  # type: ignore[no-untyped-def]
    """A pool started anew for the test (not the one other tests warmed)."""
    pool.stop()
    yield pool.start()
    pool.stop()


def worker_pids() -> set[int]:
    return {p.pid for p in pool.start()._pool_manager.worker_manager.workers.values()}


def test_a_render_over_the_limit_stops_within_a_second_and_a_fresh_worker_takes_over(
        fresh_pool, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    heavy = context("bulletin", bulletin(100))  # ~3 s of WeasyPrint, mostly in C
    monkeypatch.setenv("GONGWEN_RENDER_TIMEOUT", "0.5")
    began = time.monotonic()
    with pytest.raises(RenderTimeout) as caught:
        pool.render_limited("bulletin", heavy, "pdf")  # the first render of this pool
    took = time.monotonic() - began
    assert "超时" in caught.value.message and caught.value.code == "render_timeout"
    # The pool's first render waits for its worker to warm up; the limit counts from the
    # start of the render itself.
    assert took < 0.5 + 1 + 5, took
    before = worker_pids()
    monkeypatch.setenv("GONGWEN_RENDER_TIMEOUT", "60")
    notice = pool.render_limited("transfer-notice", context(
        "transfer-notice", load_fixture("transfer-notice")), "pdf")
    assert "交办（移送）书" in pdf_text(notice).replace(" ", "")
    monkeypatch.setenv("GONGWEN_RENDER_TIMEOUT", "0.5")
    began = time.monotonic()
    with pytest.raises(RenderTimeout):
        pool.render_limited("bulletin", heavy, "pdf")  # a warm worker: limit + 1 s at most
    assert time.monotonic() - began < 1.5
    assert worker_pids().isdisjoint(before), "the stopped worker was not replaced"


def test_threads_share_the_pool_and_each_gets_its_own_document(fresh_pool) -> None:  # type: ignore[no-untyped-def]
    base = load_fixture("transfer-notice")
    contexts = [context("transfer-notice", {**base, "subject": f"第{i}号企业"}) for i in range(6)]
    with ThreadPoolExecutor(4) as threads:
        pdfs = list(threads.map(lambda c: pool.render_limited("transfer-notice", c, "pdf"),
                                contexts))
    for i, pdf in enumerate(pdfs):
        assert f"第{i}号企业" in pdf_text(pdf).replace(" ", "")


def test_workers_are_warm_before_they_take_work(fresh_pool) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not worker_pids():
        time.sleep(0.1)
    time.sleep(4)  # the worker loads fonts and templates before it asks for work
    began = time.monotonic()
    pool.render_limited("transfer-notice", context("transfer-notice",
                                                   load_fixture("transfer-notice")), "pdf")
    assert time.monotonic() - began < 0.5  # a cold process takes ~1 s for its first PDF


def test_a_worker_is_replaced_after_its_number_of_renders(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GONGWEN_RENDERS_PER_WORKER", "2")
    pool.stop()
    try:
        notice = context("transfer-notice", load_fixture("transfer-notice"))
        seen = []
        for _ in range(3):  # the start-up task counts as one: renders 1 | 2, 3
            pool.render_limited("transfer-notice", notice, "docx")
            seen.append(worker_pids())
        assert seen[0] != seen[-1], seen
    finally:
        pool.stop()


def collector_state() -> tuple[int, int]:
    """What the garbage collector of the process running this looks like."""
    import gc

    return gc.get_freeze_count(), gc.get_threshold()[0]


def test_a_warm_worker_keeps_the_collector_off_what_it_loaded() -> None:
    """The warm-up's fonts and templates are frozen out of the collector's passes, which
    run every COLLECT_EVERY allocations: at CPython's defaults a 200-page render spent a
    fifth of its time in full collections (bench/RESULTS.md)."""
    frozen, every = pool.start().schedule(collector_state).result(timeout=120)
    assert frozen > 50_000, frozen
    assert every == pool.COLLECT_EVERY
