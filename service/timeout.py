"""A time limit for rendering: a runaway render is stopped and the worker lives on."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class RenderTimeout(BaseException):  # noqa: N818
    """Rendering took longer than GONGWEN_RENDER_TIMEOUT seconds. A BaseException, like
    KeyboardInterrupt, so that libraries' `except Exception` cannot swallow it."""


def limit() -> float:
    """The render time limit in seconds (GONGWEN_RENDER_TIMEOUT, default 20; 0: none)."""
    return float(os.environ.get("GONGWEN_RENDER_TIMEOUT", "20"))


@contextmanager
def deadline(seconds: float | None = None) -> Iterator[None]:
    """Raise RenderTimeout inside the block after `seconds`. Uses SIGALRM, so it applies in
    a process's main thread (gunicorn's sync workers, batch and queue workers); elsewhere
    the block simply runs."""
    seconds = limit() if seconds is None else seconds
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(_signum: int, _frame: FrameType | None) -> None:
        # An exception raised in a finaliser or weakref callback is only printed, so keep
        # ringing until one lands in the render itself.
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        raise RenderTimeout(f"rendering took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
