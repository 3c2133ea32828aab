"""The gate: who may do what. Accounts (API tokens, officers' passwords), the check on every
request with the log-in pages, CSRF and security headers, and the commands that manage them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # accounts is used without Flask (the queue, the command line)
    from flask import Flask


def init_app(app: Flask) -> None:
    """Install the whole gate on `app`."""
    from service.gate import commands, csrf, login, throttle

    csrf.init_app(app)
    throttle.init_app(app)
    login.init_app(app)
    commands.init_app(app)
