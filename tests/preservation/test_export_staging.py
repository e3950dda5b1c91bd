"""Staging folders of killed exports (issue #11, "no orphan files"): a package is built in a
hidden folder named after its process; the next export removes those whose process is gone and
never the one of an export still running. Real processes, killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bagit
import pytest

from vanthu.audit.models import Event
from vanthu.preservation.package import PackageError
from vanthu.preservation.package.export import export_dossier, remove_dead_staging

# A child that starts an export's staging folder exactly as ``export_dossiers`` names it,
# writes into it, then hangs: an exporter in the middle of its build.
EXPORTER = r"""
import sys, time
import django
django.setup()
from pathlib import Path
from vanthu.preservation.package.export import staging_for
staging = staging_for(Path(sys.argv[1]))
staging.parent.mkdir(parents=True, exist_ok=True)
staging.mkdir()
(staging / "uuid-nua-chung").mkdir()
(staging / "uuid-nua-chung" / "tep.bin").write_bytes(b"x" * 4096)
print(staging, flush=True)
time.sleep(600)
"""
DAYS = 24 * 3600


class Exporter:
    def __init__(self, out: Path, data: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VANTHU_", "DJANGO_"))}
        env.update(DJANGO_SETTINGS_MODULE="vanthu.settings", VANTHU_DATA_DIR=str(data))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", EXPORTER, str(out)], stdout=subprocess.PIPE, text=True, env=env
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        assert line, f"the exporter stopped early (exit {self.proc.wait()})"
        self.staging = Path(line)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)


@pytest.fixture
def exporters(tmp_path: Path) -> Iterator[Any]:
    started: list[Exporter] = []

    def start(out: Path) -> Exporter:
        started.append(Exporter(out, tmp_path / "child-data"))
        return started[-1]

    yield start
    for exporter in started:
        exporter.kill()


def _age(folder: Path, seconds: float) -> None:
    then = time.time() - seconds
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (then, then))


def test_a_running_exporters_staging_is_kept_and_a_killed_ones_removed(
    tmp_path: Path, exporters: Any
) -> None:
    folder = tmp_path / "xuat-goi"
    running = exporters(folder / "goi-1")
    killed = exporters(folder / "goi-2")
    assert running.staging.parent == folder and running.staging.name.startswith(".goi-1.partial-")
    killed.kill()
    assert remove_dead_staging(folder) == 1
    assert running.staging.is_dir() and not killed.staging.exists()
    # However old its files are, a live exporter's folder stays (a long fonds export).
    _age(running.staging, 30 * DAYS)
    assert remove_dead_staging(folder) == 0 and running.staging.is_dir()
    running.kill()
    assert remove_dead_staging(folder) == 1
    assert list(folder.iterdir()) == []


def test_staging_of_unknown_owner_goes_only_after_a_week_and_other_names_never(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "xuat-goi"
    old_scheme = folder / ".goi.partial-1a2b3c4d"  # named before 11/2026: no owner in the name
    other_machine = folder / ".goi.partial-4242-170000000000@mayKhac-5e6f7a8b"
    not_ours = [folder / ".goi.partial-cuatoi", folder / "goi", folder / ".goi.partial-1a2b3c4"]
    for path in (old_scheme, other_machine, *not_ours):
        (path / "data").mkdir(parents=True)
        (path / "data" / "tep.bin").write_bytes(b"y")
    for path in not_ours:
        _age(path, 100 * DAYS)
    _age(old_scheme, 6 * DAYS)
    assert remove_dead_staging(folder) == 0
    _age(old_scheme, 8 * DAYS)
    _age(other_machine, 8 * DAYS)
    # Something inside still changes: another machine's export is still at work.
    (other_machine / "data" / "tep.bin").write_bytes(b"z")
    assert remove_dead_staging(folder) == 1
    assert not old_scheme.exists()
    assert other_machine.exists() and all(p.exists() for p in not_ours)


@pytest.mark.django_db
def test_the_next_export_removes_a_killed_exports_staging_and_keeps_a_running_one(
    filled: Any, office: Any, tmp_path: Path, exporters: Any
) -> None:
    dossier, _files = filled
    folder = tmp_path / "xuat-goi"
    running = exporters(folder / "goi-dang-chay")
    killed = exporters(folder / "goi")
    killed.kill()

    # A refused export (OUT exists) changes nothing, leftovers included.
    (folder / "da-co").mkdir()
    with pytest.raises(PackageError):
        export_dossier(actor=office.clerk, dossier_id=dossier.pk, out=folder / "da-co")
    assert killed.staging.exists()

    bag = export_dossier(actor=office.clerk, dossier_id=dossier.pk, out=folder / "goi")
    bagit.Bag(str(bag)).validate()
    assert not killed.staging.exists()
    assert running.staging.is_dir()
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["da-co", "goi", running.staging.name]
    )
    # One export, one event per dossier: the removed leftover recorded nothing.
    assert (
        Event.objects.filter(action="preservation.export", object_id=str(dossier.pk)).count() == 1
    )
