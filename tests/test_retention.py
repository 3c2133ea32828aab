"""Retention: the queue's minute job deletes drafts older than GONGWEN_DRAFT_DAYS (30) and
finished batch jobs older than GONGWEN_BATCH_DAYS (14), with their items and files; issued
documents, however old, stay. Rows are aged by setting their timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service import drafts
from service.batches import queue, store
from service.register import Register
from service.tables import Batch, BatchFile, BatchItem, Document, Draft, File
from tests.conftest import load_fixture

NOTICE = "/api/v1/documents/transfer-notice"


def counts(register: Register) -> dict[str, int]:
    """Rows per table the sweep may touch (and the documents it never may)."""
    with Session(register.engine) as s:
        return {t.__tablename__: s.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (Draft, Batch, BatchItem, BatchFile, Document, File)}


def aged(register: Register, days: float, draft: str | None = None,
         batch: str | None = None) -> None:
    """Set a draft's, a job's and every document's timestamps `days` back."""
    then = datetime.now(UTC) - timedelta(days=days)
    with Session(register.engine) as s, s.begin():
        if draft:
            s.execute(update(Draft).where(Draft.id == draft).values(created_at=then))
        if batch:
            s.execute(update(Batch).where(Batch.id == batch).values(created_at=then,
                                                                     updated_at=then))
        s.execute(update(Document).values(issued_at=then))


def job(register: Register) -> str:
    """A finished draft job (one PDF), run as the consumer would."""
    batch_id, _ = store.create(register, [{"kind": "transfer-notice",
                                           "data": load_fixture("transfer-notice")}],
                               ["pdf"], issue=False)
    queue.run_chunk.call_local(batch_id, 0, 1)
    assert store.load(register, batch_id).finished  # type: ignore[union-attr]
    return batch_id


@pytest.fixture
def register(app: Any, monkeypatch: pytest.MonkeyPatch) -> Register:
    """The app's register, also the queue consumer's."""
    reg: Register = app.extensions["register"]
    monkeypatch.setattr(queue, "_register", reg)
    monkeypatch.delenv("GONGWEN_DRAFT_DAYS", raising=False)
    monkeypatch.delenv("GONGWEN_BATCH_DAYS", raising=False)
    return reg


def draft(register: Register) -> str:
    """A saved draft of the fixture."""
    return drafts.save_draft(register, "transfer-notice", load_fixture("transfer-notice"),
                             unit="default", owner=None)


def test_the_minute_job_deletes_old_drafts_and_jobs_never_documents(register, client) -> None:  # type: ignore[no-untyped-def]
    assert client.post(NOTICE, json=load_fixture("transfer-notice")).status_code == 201
    young, old = draft(register), draft(register)
    young_job, old_job = job(register), job(register)
    aged(register, 29, draft=young, batch=None)
    aged(register, 31, draft=old, batch=old_job)  # documents 31 days old too
    aged(register, 13, batch=young_job)
    before = counts(register)
    queue.requeue_stale_jobs.call_local()
    after = counts(register)
    assert after == {**before, "drafts": 1, "batches": 1, "batch_items": 1, "batch_files": 1}
    assert store.load(register, old_job) is None and store.load(register, young_job)
    assert drafts.load_draft(register, young, unit="default", owner=None)
    assert after["documents"] == 1 and after["files"] == 2  # issued documents stay
    aged(register, 15, batch=young_job)
    queue.requeue_stale_jobs.call_local()
    assert store.load(register, young_job) is None
    assert counts(register)["documents"] == 1


def test_the_ages_are_set_by_the_environment(register, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    kept, batch_id = draft(register), job(register)
    aged(register, 3, draft=kept, batch=batch_id)
    monkeypatch.setenv("GONGWEN_DRAFT_DAYS", "0")  # 0: kept for ever
    monkeypatch.setenv("GONGWEN_BATCH_DAYS", "2")
    queue.requeue_stale_jobs.call_local()
    assert drafts.load_draft(register, kept, unit="default", owner=None)
    assert store.load(register, batch_id) is None
    aged(register, 400, draft=kept)
    draft(register)  # saving a draft drops none when they are kept for ever
    assert drafts.load_draft(register, kept, unit="default", owner=None)
    monkeypatch.setenv("GONGWEN_DRAFT_DAYS", "2")
    queue.requeue_stale_jobs.call_local()
    assert drafts.load_draft(register, kept, unit="default", owner=None) is None


def test_an_unfinished_job_is_kept_and_the_command_sweeps_too(register, app) -> None:  # type: ignore[no-untyped-def]
    batch_id, _ = store.create(register, [{"kind": "transfer-notice",
                                           "data": load_fixture("transfer-notice")}],
                               ["pdf"], issue=False)
    aged(register, 100, batch=batch_id)
    done = app.test_cli_runner().invoke(args=["retention"])
    assert done.exit_code == 0 and "已删除过期草稿0份、批量任务0个" in done.output
    assert store.load(register, batch_id) is not None  # its items still wait: not an output
    bad = app.test_cli_runner().invoke(args=["retention"], env={"GONGWEN_BATCH_DAYS": "两周"})
    assert bad.exit_code == 2 and "GONGWEN_BATCH_DAYS应为天数" in bad.output
