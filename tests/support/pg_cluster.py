"""A private, throwaway PostgreSQL server that a test may stop and start (database outages).

Never the shared server of ``EXPO_TEST_POSTGRES_URL``: other people's tests use that one. This one
lives in a temporary folder owned by the ``postgres`` OS user (PostgreSQL refuses to run as root),
listens on a free port of 127.0.0.1 and is removed at the end. Tests that use it skip when the
PostgreSQL server binaries are not installed.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateCluster:
    """One initialised data directory; :meth:`start` and :meth:`stop` as often as a test likes."""

    def __init__(self, bin_dir: Path, root: Path, as_user: list[str]) -> None:
        self._bin = bin_dir
        self._root = root
        self._as_user = as_user
        self.port = _free_port()
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self._as_user, str(self._bin / tool), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=60,
        )

    def init(self) -> None:
        self._run("initdb", "-D", str(self._root / "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -k {self._root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self._root / "data"), "-o", options, "-l", str(self._root / "log"), "-w", "start")

    def stop(self) -> None:
        """Stop at once, as a crash or a cut cable would: open connections are simply gone."""
        self._run("pg_ctl", "-D", str(self._root / "data"), "-m", "immediate", "-w", "stop")

    def running(self) -> bool:
        return (self._root / "data" / "postmaster.pid").exists()


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    """A started private cluster (skips the test when PostgreSQL is not installed)."""
    bin_dir = _bin_dir()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        pytest.skip("the outage tests need the PostgreSQL server binaries (initdb, pg_ctl)")
    as_user: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL as the postgres user")
        as_user = [runuser, "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="expo-pg-"))
    try:
        if as_user:
            shutil.chown(root, user="postgres")
        cluster = PrivateCluster(bin_dir, root, as_user)
        cluster.init()
        cluster.start()
        try:
            yield cluster
        finally:
            if cluster.running():
                cluster.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
