"""gunicorn reads this file from the working folder: each worker starts its render workers
(service.render.pool) as soon as it starts, so they are warm before the first request; and
local mode (GONGWEN_LOCAL=1, no log-in) refuses to listen anywhere but on this machine."""

from __future__ import annotations

import ipaddress
import os
import socket
import sys

LOCAL_ONLY = ("本地模式（GONGWEN_LOCAL=1）不需登录，只能绑定本机地址（127.0.0.1）；"
              "对外服务请关闭本地模式并创建用户和令牌")


def is_loopback(address: str | int | tuple[str, int]) -> bool:
    """Whether a gunicorn bind address (parsed: a unix socket's path, an inherited file
    descriptor, or host and port) can be reached from this machine only."""
    if isinstance(address, str):  # unix:PATH
        return True
    if isinstance(address, int):  # fd://N: where that socket is bound
        with socket.socket(fileno=os.dup(address)) as inherited:
            if inherited.family == socket.AF_UNIX:
                return True
            host = inherited.getsockname()[0]
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    host, port = address
    if not host:
        return False
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return False
    return bool(found) and all(
        ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in found)


def on_starting(server):  # type: ignore[no-untyped-def]
    """Before binding: in local mode, every bind address must be this machine's."""
    from service.config import local_mode

    if local_mode() and not all(is_loopback(a) for a in server.cfg.address):
        print(LOCAL_ONLY, file=sys.stderr, flush=True)
        sys.exit(1)


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Start this worker's render processes; they load fonts and templates meanwhile."""
    from service.render import pool

    pool.start()


def worker_exit(server, worker):  # type: ignore[no-untyped-def]
    """Stop this worker's render processes with it."""
    from service.render import pool

    pool.stop()
