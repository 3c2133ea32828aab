"""Log-in throttling: failed attempts counted per user name and per address (the `limits`
library, in memory or in Redis when REDIS_URL is set, so every worker counts together)."""

from __future__ import annotations

import math
import os
import time

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

# An officer who mistypes a few times is not held up; guessing is.
PER_USER = os.environ.get("GONGWEN_LOGIN_LIMIT_USER", "5/minute")
PER_ADDRESS = os.environ.get("GONGWEN_LOGIN_LIMIT_ADDRESS", "20/minute")


def _limiter() -> MovingWindowRateLimiter:
    limiter: MovingWindowRateLimiter = current_app.extensions["throttle"]
    return limiter


def _rules(username: str, address: str) -> list[tuple[RateLimitItem, str]]:
    return [(parse(PER_USER), f"user:{username.casefold()}"),
            (parse(PER_ADDRESS), f"addr:{address}")]


def blocked(username: str, address: str) -> str:
    """A Chinese message saying how long to wait, or "" if this attempt may go ahead."""
    limiter = _limiter()
    for item, key in _rules(username, address):
        if not limiter.test(item, "login", key):
            reset = limiter.get_window_stats(item, "login", key).reset_time
            minutes = max(1, math.ceil((reset - time.time()) / 60))
            return f"登录失败次数过多，请{minutes}分钟后再试"
    return ""


def failed(username: str, address: str) -> None:
    """Count a failed attempt against the user name and the address."""
    limiter = _limiter()
    for item, key in _rules(username, address):
        limiter.hit(item, "login", key)


def init_app(app: Flask) -> None:
    """Give `app` its own counters (memory, or Redis when REDIS_URL is set)."""
    uri = os.environ.get("REDIS_URL") or "memory://"
    app.extensions["throttle"] = MovingWindowRateLimiter(storage_from_string(uri))
