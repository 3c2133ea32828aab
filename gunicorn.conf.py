"""gunicorn reads this file from the working folder: each worker starts its render workers
(service.render.pool) as soon as it starts, so they are warm before the first request."""


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Start this worker's render processes; they load fonts and templates meanwhile."""
    from service.render import pool

    pool.start()


def worker_exit(server, worker):  # type: ignore[no-untyped-def]
    """Stop this worker's render processes with it."""
    from service.render import pool

    pool.stop()
