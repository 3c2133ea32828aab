"""Background jobs on Huey: SqliteHuey in instance/ by default, RedisHuey when REDIS_URL
is set so consumers on any number of machines share one queue.

Run a consumer with `huey_consumer service.jobs.huey -w 2` (make run starts one). A job
is stored in the database before it is queued; a consumer killed mid-task leaves its
items pending, and the minute check (or the next consumer's start) queues them again.
Issuing is idempotent per item, so a repeated item never takes a second number."""

from __future__ import annotations

import os
from datetime import timedelta

from huey import Huey, RedisHuey, SqliteHuey, crontab

from service import batch, instance_dir, jobstore
from service.register import Register

STALE = timedelta(seconds=int(os.environ.get("GONGWEN_JOB_STALE_SECONDS", "120")))


def make_huey() -> Huey:
    """The queue named by the environment."""
    if url := os.environ.get("REDIS_URL"):
        return RedisHuey("gongwen", url=url, results=False)
    folder = instance_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("gongwen", filename=str(folder / "huey.sqlite3"), results=False,
                      timeout=30)


huey = make_huey()
_register: Register | None = None


def register() -> Register:
    """The register of this consumer process, configured like the web app."""
    global _register
    if _register is None:
        from service import create_app

        _register = create_app().extensions["register"]
    return _register


def enqueue(batch_id: str, total: int) -> None:
    """Queue every chunk of a stored job."""
    for start, end in jobstore.chunks(total):
        run_chunk(batch_id, start, end)


@huey.task(retries=3, retry_delay=5)
def run_chunk(batch_id: str, start: int, end: int) -> None:
    """Process the still-pending items of one range of a job."""
    reg = register()
    job = jobstore.load(reg, batch_id)
    if job is None:
        return
    formats = tuple(job.formats.split(","))
    url = reg.engine.url.render_as_string(hide_password=False) if job.issue else None
    for idx, kind, data in jobstore.pending_items(reg, batch_id, start, end):
        item = batch.Item(idx + 1, kind, data)
        result = batch.process(item, formats, url, f"job:{batch_id}:{idx}", job.issued_by)
        jobstore.store(reg, batch_id, idx, result)


def requeue_stale() -> int:
    """Queue again the pending items of jobs that made no progress lately."""
    count = 0
    for batch_id, indices in jobstore.stale(register(), STALE):
        for start, end in jobstore.chunks(max(indices) + 1):
            if any(start <= i < end for i in indices):
                run_chunk(batch_id, start, end)
                count += 1
    return count


@huey.periodic_task(crontab(minute="*"))
def requeue_stale_jobs() -> None:
    """Every minute: pick up jobs whose consumer died."""
    requeue_stale()


@huey.on_startup()
def _pick_up_left_work() -> None:
    requeue_stale()
