"""Renders in a supervised pool of warmed worker processes, each with a hard time limit.

WeasyPrint spends its time in C (Pango, HarfBuzz, zlib), where no signal or exception can
stop it; a separate process can always be killed. Each serving process (a gunicorn
worker, a queue consumer, the command line) keeps GONGWEN_RENDER_WORKERS processes
(default 1) that have loaded the fonts and templates before they take work. A render over
GONGWEN_RENDER_TIMEOUT seconds kills its worker and a fresh one takes its place; a worker
is also replaced after GONGWEN_RENDERS_PER_WORKER renders, so a slow leak cannot grow."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from pebble import ProcessExpired, ProcessPool

from service import config
from service.errors import RenderFailed, RenderTimeout
from service.render import FORMATS, Format, render

_lock = threading.Lock()
_pool: ProcessPool | None = None
_owner = 0  # the pid that started _pool: a forked child must start its own
# Allocations between the collector's youngest-generation passes: 2,000 as CPython 3.13 has
# (3.11 has 700). With the warm-up frozen this takes the 100-case bulletin from 4.3 s to
# 3.6 s with the same peak memory; 10,000 saved little more and held 55 MB more.
COLLECT_EVERY = 2_000


def _warm() -> None:
    """Load what the first render would: fonts, every kind's Word template, one PDF."""
    from service.kinds import KINDS

    sample = config.ROOT / "fixtures" / "transfer-notice.json"
    for name, kind in KINDS.items():
        if name == "transfer-notice" and sample.exists():
            doc = kind.model.model_validate_json(sample.read_bytes())
            context = {**kind.build(doc, 1), "draft": False}
            for fmt in FORMATS:
                render(name, context, fmt)
        else:
            from service.render.docx import prepare

            prepare(name)
    settle_collector()


def settle_collector() -> None:
    """Set this process's garbage collector up for rendering: what the warm-up loaded
    (fonts, templates, dictionaries: some 140,000 objects that live as long as the process)
    is frozen out of its passes, which a long layout set off again and again (five full
    passes over them in one 200-page render), and the passes run less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(COLLECT_EVERY, *gc.get_threshold()[1:])


def _run(kind: str, context: dict[str, Any], fmt: Format) -> bytes:
    return render(kind, context, fmt)


def _ready() -> None:
    """A task that starts the workers (pebble starts them with the first task)."""


def start(workers: int | None = None) -> ProcessPool:
    """The process's pool, started now if it is not running (workers warm in the background)."""
    global _pool, _owner
    if multiprocessing.current_process().daemon:
        # multiprocessing refuses children to daemonic processes, e.g. Huey's process workers
        raise RenderFailed("此进程不能启动生成文书的工作进程（守护进程）；"
                           "请用 huey_consumer … --worker-type thread 运行队列")
    with _lock:
        if _pool is None or _owner != os.getpid() or not _pool.active:
            _pool = ProcessPool(max_workers=workers or config.render_workers(),
                                max_tasks=config.renders_per_worker(), initializer=_warm,
                                context=multiprocessing.get_context("spawn"))
            _owner = os.getpid()
            _pool.schedule(_ready)
        return _pool


def stop() -> None:
    """Stop this process's render workers (at shutdown, or to start over with another size)."""
    global _pool
    with _lock:
        if _pool is not None and _owner == os.getpid():
            _pool.stop()
            _pool.join()
        _pool = None


def render_limited(kind: str, context: dict[str, Any], fmt: Format) -> bytes:
    """Render in a worker process; RenderTimeout after the time limit, RenderFailed if the
    worker died. Other errors of the render come back as they were raised."""
    limit = config.render_timeout()
    future = start().schedule(_run, (kind, context, fmt), timeout=limit if limit > 0 else None)
    try:
        return bytes(future.result())
    except FutureTimeout:
        raise RenderTimeout(f"生成文书超时（超过{limit:g}秒）已停止；请精简内容或分成几份后重试"
                            ) from None
    except ProcessExpired as exc:
        raise RenderFailed(f"生成文书的进程意外退出（{exc.exitcode}），请重试") from None
