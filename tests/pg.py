"""A throwaway PostgreSQL server for the tests: Debian's `postgresql` (installed by make test)
in a temporary cluster on a random loopback port, trust auth for 127.0.0.1 only, one per test
session, and a fresh database for each test that asks for `pg_url`.

PostgreSQL refuses to run as root, so under root initdb/pg_ctl run as the `postgres` user in
a temporary folder that user owns."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_names = itertools.count(1)


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    assert initdb, "PostgreSQL is missing: `make test` installs Debian's postgresql"
    return Path(initdb).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """One temporary cluster: start, create/drop databases, stop and remove."""

    def __init__(self) -> None:
        self.bin = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="gongwen-pg-"))
        self.as_root = os.geteuid() == 0
        self.data = self.root / "data"
        self.port = 0
        if self.as_root:  # the data folder must belong to the user the server runs as
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, tool: str, *args: str, check: bool = True) -> None:
        command = [str(self.bin / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def _write(self, path: Path, text: str) -> None:
        path.write_text(text)
        if self.as_root:
            shutil.chown(path, "postgres", "postgres")

    def start(self) -> None:
        """Create the cluster and start it on a free loopback port (tries again if another
        process took the port)."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        # trust, but only over the private socket folder and 127.0.0.1
        self._write(self.data / "pg_hba.conf",
                    "local all all trust\nhost all all 127.0.0.1/32 trust\n")
        options = ("-c listen_addresses=127.0.0.1 -c unix_socket_directories={sock} "
                   "-c port={port} -c max_connections=300 -c shared_buffers=64MB")
        for _ in range(5):
            self.port = _free_port()
            try:
                self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data),
                          "-l", str(self.root / "server.log"),
                          "-o", options.format(sock=self.root, port=self.port))
                return
            except subprocess.CalledProcessError:
                continue
        raise RuntimeError("PostgreSQL did not start: " + self.log()[-2000:])

    def log(self) -> str:
        """The server's log so far."""
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of a database on this server (psycopg 3)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres",
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self) -> str:
        """A new empty database; returns its name."""
        name = f"t{os.getpid()}_{next(_names)}"
        self._admin(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database even if connections to it are left open."""
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server and remove its files."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-m", "immediate", "-w", "-D", str(self.data),
                      check=False)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole test session, started on first use."""
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped after the test."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)
