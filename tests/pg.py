"""A real PostgreSQL server for the tests: initdb + pg_ctl in a temporary directory, free port.

The server binaries come from the distribution's package (``.ci/run`` installs it). initdb
refuses to run as root, so as root the server runs as the ``postgres`` system user the
package creates, in a directory that user owns. A missing binary fails the test with a
message saying what to install: tests that need PostgreSQL never skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def find_bin(name: str) -> str:
    """Return the path of a PostgreSQL server binary, or fail the test saying what is missing."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    found = candidates[0] if candidates else shutil.which(name)
    if not found:
        pytest.fail(
            f"PostgreSQL's {name} is not installed: run `apt-get install -y postgresql`"
            " (.ci/run and `make test` do it)",
            pytrace=False,
        )
    return found


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PostgresServer:
    """One throwaway cluster: :meth:`start`, :meth:`stop`, and its connection URL."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="schemalog-pg-"))
        self.data = self.directory / "data"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self.directory, user.pw_uid, user.pw_gid)
        self._run(find_bin("initdb"), "-D", str(self.data), "-U", "schemalog", "-A", "trust")

    @property
    def url(self) -> str:
        """The ``postgresql://`` URL of the ``postgres`` database."""
        return f"postgresql://schemalog@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        done = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, check=False, timeout=120
        )
        if done.returncode:
            pytest.fail(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.directory / "server.log")
        self._run(find_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        """Stop the server at once (in-flight transactions are rolled back)."""
        self._run(find_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        """Delete the cluster's directory."""
        shutil.rmtree(self.directory, ignore_errors=True)
