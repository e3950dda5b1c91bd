"""A PostgreSQL cluster of the test's own, in a temporary folder, on a port of its own.

The fault tests stop and restart their database and the replica test needs replication rights;
neither may touch the shared server other tests use, so they start one here: ``initdb`` as the
``postgres`` OS user (the server refuses to run as root), trust on loopback (replication too),
and, for the replica, ``pg_basebackup -R`` into a second folder and a hot standby on a second
port. Needs the PostgreSQL server binaries and, when run as root, the ``postgres`` user.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.production.stack import Unavailable, _free_port


def _bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return versions[-1].parent if versions else None


def _as_owner(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def available() -> str:
    """Why a private cluster cannot be started here ('' when it can)."""
    if _bindir() is None:
        return "the PostgreSQL server binaries (pg_ctl, initdb) are not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres OS user to run the server as"
        if not shutil.which("runuser"):
            return "runuser is missing"
    return ""


def require() -> None:
    reason = available()
    if reason:
        raise Unavailable(reason, "VANTHU_TEST_POSTGRES")


@dataclass
class Cluster:
    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def _run(self, argv: list[str], timeout: float = 120) -> str:
        bindir = _bindir()
        assert bindir is not None
        argv = [str(bindir / argv[0]), *argv[1:]]
        done = subprocess.run(
            _as_owner(argv), capture_output=True, text=True, timeout=timeout, cwd=self.folder
        )
        assert done.returncode == 0, f"{argv}: {done.stdout[-2000:]} {done.stderr[-2000:]}"
        return done.stdout

    def start(self) -> None:
        opts = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c wal_level=replica -c max_wal_senders=5 -c hot_standby=on "
            "-c fsync=on -c shared_buffers=64MB -c max_connections=60"
        )
        self._run(["pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", opts, "-w", "start"])

    def stop(self, mode: str = "fast") -> None:
        """``fast``: a clean shutdown; ``immediate``: like a crash, recovery on the next start."""
        self._run(["pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop"])

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        return self._run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", dbname,
             "-XAtq", "-c", sql]
        )  # fmt: skip


def _own(folder: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        folder.chmod(0o700)
        # The server must reach its folder: open the parents for traversal only.
        for parent in folder.parents:
            if parent == Path("/"):
                break
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o001)


def primary(folder: Path) -> Cluster:
    """A fresh cluster, started; trust on loopback for connections and replication."""
    require()
    folder.mkdir(parents=True, exist_ok=True)
    _own(folder)
    cluster = Cluster(folder, _free_port())
    cluster._run(
        ["initdb", "-D", str(cluster.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
         "--locale=C.UTF-8"]
    )  # fmt: skip
    with (cluster.data / "pg_hba.conf").open("a") as hba:
        hba.write("host replication all 127.0.0.1/32 trust\n")
    cluster.start()
    return cluster


def standby(of: Cluster, folder: Path) -> Cluster:
    """A streaming hot standby of ``of``, started."""
    folder.mkdir(parents=True, exist_ok=True)
    _own(folder)
    replica = Cluster(folder, _free_port())
    of._run(
        ["pg_basebackup", "-h", "127.0.0.1", "-p", str(of.port), "-U", "postgres",
         "-D", str(replica.data), "-R", "-X", "stream", "-c", "fast"]
    )  # fmt: skip
    (replica.data / "postmaster.pid").unlink(missing_ok=True)
    replica.start()
    deadline = time.monotonic() + 60
    while replica.psql("SELECT pg_is_in_recovery()").strip() != "t":
        assert time.monotonic() < deadline, replica.log.read_text()[-2000:]
        time.sleep(0.2)
    return replica


def stop_quietly(cluster: Cluster | None) -> None:
    if cluster is not None and cluster.running():
        with contextlib.suppress(AssertionError):
            cluster.stop("immediate")
