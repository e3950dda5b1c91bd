"""Scratch names that say which process owns them, so that a killed process's leftovers can be
told from the work of a live one (issue #11: no orphan files after a ``kill -9``).

A scratch file or folder made by a process that may be killed half way (an export's staging
folder, a temporary copy of a blob, a web export's work folder) carries an owner tag:
``<pid>-<start>@<host>``, the process id, its start time in hundredths of a second since the
epoch and the machine's name. A leftover is removed only when its owner is certainly gone:

- on this machine: no process has that id, or the process with that id started at another time
  (the id was reused);
- on another machine (a shared folder), where we cannot ask: when nothing in it changed for
  ``foreign_max_age`` seconds.

psutil tells a process's start time the same way on every platform; the start time is what
makes a reused process id harmless.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil

# The tag inside a name; the host part stops at the first character a host name cannot have.
OWNER = r"(?P<pid>\d+)-(?P<started>\d+)@(?P<host>[A-Za-z0-9._]+)"
_HOST_UNSAFE = re.compile(r"[^A-Za-z0-9.]")
_own: tuple[int, str] | None = None


def host() -> str:
    """This machine's name as it appears in a tag (letters, digits and dots only)."""
    return _HOST_UNSAFE.sub("_", socket.gethostname()) or "localhost"


def _started(proc: psutil.Process) -> int:
    return round(proc.create_time() * 100)


# The kinds of scratch folder our processes make in the system's temporary folder, each named
# ``vanthu-<kind>-<owner tag>-<random>`` so that the sweep can remove a killed process's
# (vanthu.core.blobstore.remove_stale_temporaries). ``capture`` and the OCR folders may hold
# a classified file decrypted for its text job: never left behind.
KINDS = ("blob", "package", "capture", "ocr", "ocr-turn", "ocr-range", "ocr-merge", "scan")


def folder(kind: str) -> tempfile.TemporaryDirectory[str]:
    """A private working folder in the system's temporary folder, tagged with this process."""
    if kind not in KINDS:
        raise ValueError(f"unknown scratch kind {kind!r}")
    return tempfile.TemporaryDirectory(prefix=f"vanthu-{kind}-{owner_tag()}-")


def owner_tag() -> str:
    """The tag of this process (computed again after a fork: the pid changes)."""
    global _own
    pid = os.getpid()
    if _own is None or _own[0] != pid:
        _own = (pid, f"{pid}-{_started(psutil.Process(pid))}@{host()}")
    return _own[1]


def owner_alive(pid: int, started: int, on: str) -> bool | None:
    """True or False for a process of this machine; None for another machine's."""
    if on != host():
        return None
    try:
        # One hundredth of a second either way: the start time is read from clock ticks.
        return abs(_started(psutil.Process(pid)) - started) <= 1
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # it exists and is not ours to inspect: keep its files


def newest_change(path: Path) -> float:
    """The latest modification time of ``path`` and, for a folder, of anything inside it."""
    try:
        newest = path.lstat().st_mtime
    except FileNotFoundError:
        return 0.0
    if path.is_dir() and not path.is_symlink():
        for folder, dirs, files in os.walk(path):
            for name in (*dirs, *files):
                try:
                    newest = max(newest, os.lstat(os.path.join(folder, name)).st_mtime)
                except FileNotFoundError:
                    continue
    return newest


@dataclass(frozen=True)
class Leftover:
    path: Path
    reason: str  # Vietnamese, for `vanthu verify` and the logs


def leftovers(
    folder: Path, pattern: re.Pattern[str], *, foreign_max_age: float, now: float | None = None
) -> Iterator[Leftover]:
    """Entries of ``folder`` whose name matches ``pattern`` (which has the ``OWNER`` groups)
    and whose owner is gone. A name without a ``pid`` group (an older scheme) counts as
    another machine's: removed only when unchanged for ``foreign_max_age``."""
    now = time.time() if now is None else now
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        groups = match.groupdict()
        alive: bool | None = None
        if groups.get("pid"):
            alive = owner_alive(int(groups["pid"]), int(groups["started"]), groups["host"])
        path = Path(entry.path)
        if alive is False:
            yield Leftover(path, f"tiến trình {groups['pid']} tạo ra nó đã dừng")
        elif alive is None and now - newest_change(path) > foreign_max_age:
            hours = foreign_max_age / 3600
            yield Leftover(path, f"không thay đổi quá {hours:g} giờ, không rõ tiến trình tạo ra")


def remove(path: Path) -> None:
    """Remove a leftover file or folder (already gone is fine)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
