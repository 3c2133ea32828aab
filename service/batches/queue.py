"""Background jobs on Huey: SqliteHuey in instance/ by default, RedisHuey when REDIS_URL
is set so consumers on any number of machines share one queue.

Run a consumer with `huey_consumer service.batches.queue.huey -w 2 -k thread` (make run
starts one): thread workers share the consumer's render workers (service.render.pool);
Huey's process workers are daemonic and may not start render workers. A job
is stored in the database before it is queued; a consumer killed mid-task leaves its
items pending, and the minute check (or the next consumer's start) queues them again.
Issuing is idempotent per item, so a repeated item never takes a second number."""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.api import Task

from service import config, retention
from service.batches import engine, ordered, store
from service.errors import RenderFailed
from service.register import Register
from service.render import pool

log = logging.getLogger(__name__)
STALE = timedelta(seconds=int(os.environ.get("GONGWEN_JOB_STALE_SECONDS", "120")))


def make_huey() -> Huey:
    """The queue named by the environment."""
    if url := os.environ.get("REDIS_URL"):
        return RedisHuey("gongwen", url=url, results=False)
    path = config.private_file(config.ensure_instance_dir() / "huey.sqlite3")
    return SqliteHuey("gongwen", filename=str(path), results=False, timeout=30)


huey = make_huey()
_register: Register | None = None


def register() -> Register:
    """The register of this consumer process, from DATABASE_URL like the web app's."""
    global _register
    if _register is None:
        _register = Register(config.database_url())
        _register.create_schema()
    return _register


def enqueue(batch_id: str, total: int, issue: bool = False) -> None:
    """Queue a stored job: drafts chunk by chunk at once, spread over the consumers; an
    issuing job one chunk after another, so its numbers follow the input order."""
    for start, end in store.chunks(total)[:1] if issue else store.chunks(total):
        run_chunk(batch_id, start, end)


@huey.task(retries=3, retry_delay=5, context=True)
def run_chunk(batch_id: str, start: int, end: int, task: Task | None = None) -> None:
    """Process the still-pending items of one range of a job. engine.process fails an item
    that raises; what it lets through (the database failing) is retried with the task, and
    on the task's last try (or called directly, without a task) fails the item, so every
    job ends. Only a database that cannot even record that leaves items pending."""
    reg = register()
    job = store.load(reg, batch_id)
    if job is None:
        return
    formats = tuple(job.formats.split(","))
    last_try = task is None or not task.retries
    items = store.pending_items(reg, batch_id, start, end)
    try:
        if job.issue:
            with ThreadPoolExecutor(config.render_workers()) as threads:
                results = ordered.issue_items(items, formats, reg, unit=job.unit,
                                              issued_by=job.issued_by, threads=threads)
        else:
            results = [engine.preview_item(item, formats) for item in items]
        for item, result in zip(items, results, strict=True):
            if result.error and result.error.get("error") == "idempotency_in_progress":
                continue  # another task is issuing this matter now: it records the result
            store.store(reg, batch_id, item.line - 1, result)
    except Exception as err:
        if not last_try:
            raise  # retried with the task: the database may be back by then
        log.exception("job %s: items %s–%s failed on the last try", batch_id, start, end)
        for item in store.pending_items(reg, batch_id, start, end):  # DB down: raises
            store.store(reg, batch_id, item.line - 1, _failed(item, err, None))
    if job.issue and end < job.total:
        run_chunk(batch_id, end, min(end + store.CHUNK, job.total))


def _failed(item: engine.Item, err: Exception, result: engine.Result | None) -> engine.Result:
    """The failed result of an item that raised on its last try."""
    failed = engine.Result(item.line, item.key(), item.kind, error=engine.unexpected(err))
    if result is not None and result.number_text and failed.error:  # issued, not recorded
        failed.error["message"] = (f"文书已签发（{result.number_text}），但记录本项结果时出错"
                                   f"（{type(err).__name__}）；请在登记簿中查看，勿重复签发")
    return failed


def requeue_stale() -> int:
    """Queue again the pending items of jobs that made no progress lately."""
    count = 0
    for batch_id, indices in store.stale(register(), STALE):
        for start, end in store.chunks(max(indices) + 1):
            if any(start <= i < end for i in indices):
                run_chunk(batch_id, start, end)
                count += 1
    return count


@huey.periodic_task(crontab(minute="*"))
def requeue_stale_jobs() -> None:
    """Every minute: pick up jobs whose consumer died; delete expired drafts and outputs."""
    requeue_stale()
    swept = retention.sweep(register())
    if swept.drafts or swept.batches:
        log.info("retention: %d drafts and %d batch jobs deleted", swept.drafts, swept.batches)


@huey.on_startup()
def _pick_up_left_work() -> None:
    try:
        pool.start()  # render workers warm up while the consumer looks for left work
    except RenderFailed as err:
        log.error("%s", err.message)
    requeue_stale()
