"""Temporaries of killed writers (issue #11, "no orphan files"): real files, real processes
killed with SIGKILL, the real sweep; nothing of ours is mocked."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.core.conftest import ACCESS_KEY, S3, SECRET_KEY
from vanthu import config
from vanthu.core import blobstore, blobstore_s3, jobs, scratch

HOUR = 3600.0

# A child that stores a blob from a stream that stops after its first megabyte: killed there,
# it is a web server killed during an upload (``put`` never reaches its cleanup).
PUT_AND_HANG = r"""
import sys, time
from django.conf import settings
settings.configure(VANTHU_STORAGE=sys.argv[1], VANTHU_BLOB_BACKEND="local")
from vanthu.core import blobstore

class Hanging:
    sent = False
    def read(self, size=-1):
        if not self.sent:
            self.sent = True
            return b"x" * (1024 * 1024)
        print("writing", flush=True)
        time.sleep(600)
        return b""

blobstore.put(Hanging())
"""

OWNER_AND_HANG = r"""
import time
from vanthu.core import scratch
print(scratch.owner_tag(), flush=True)
time.sleep(600)
"""


@pytest.fixture
def own_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """This process's system temporary folder, made private to the test."""
    folder = tmp_path / "system-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def store(settings: Any, tmp_path: Path, own_tmp: Path) -> Path:
    settings.VANTHU_BLOB_BACKEND = "local"
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")
    settings.VANTHU_BLOB_TEMP_MAX_AGE_SECONDS = HOUR
    return tmp_path / "blobs"


def _start(code: str, *args: str, env: dict[str, str] | None = None) -> tuple[Any, str]:
    """A real child process; returns it and the first line it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line, f"the child stopped early (exit {proc.wait()})"
    return proc, line


def _kill(proc: Any) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


@pytest.fixture
def killed_owner() -> Iterator[str]:
    """The owner tag of a process that was killed with SIGKILL."""
    proc, tag = _start(OWNER_AND_HANG)
    _kill(proc)
    yield tag


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_writer_killed_mid_put_leaves_a_temporary_that_the_sweep_removes_once_stale(
    store: Path,
) -> None:
    committed, _ = blobstore.put_bytes(b"Cong van so 12-CV/VPTU")
    _age(blobstore.path_of(committed), 10 * HOUR)  # an old blob is still a blob
    proc, line = _start(PUT_AND_HANG, str(store))
    assert line == "writing"
    _kill(proc)
    left = sorted((store / "tmp").iterdir())
    assert len(left) == 1 and left[0].name.startswith("blob-")

    # Fresh: it could be a live writer's file, so the sweep keeps it.
    assert blobstore.remove_stale_temporaries()["temporaries"] == 0
    assert left[0].exists()
    # Untouched for longer than the limit: removed; the committed blob is never touched.
    counts = blobstore.remove_stale_temporaries(time.time() + HOUR + 1)
    assert counts["temporaries"] == 1
    assert list((store / "tmp").iterdir()) == []
    assert blobstore.iter_shas() == [committed]
    assert blobstore.digest(committed)[0] == committed


def test_put_leaves_no_temporary_behind_and_never_one_next_to_the_blob(store: Path) -> None:
    sha, _ = blobstore.put_bytes(b"Bao cao quy 3")
    again, _ = blobstore.put_bytes(b"Bao cao quy 3")
    assert again == sha
    assert list((store / "tmp").iterdir()) == []
    assert sorted(p.name for p in blobstore.path_of(sha).parent.iterdir()) == [sha]


def test_hidden_temporaries_in_blob_folders_go_one_slice_per_sweep_and_verify_lists_all(
    store: Path,
) -> None:
    sha, _ = blobstore.put_bytes(b"Quyet dinh so 7-QD/TU")
    # Left by writers before 11/2026, which put their temporary next to the blob.
    here = store / "ab" / "cd" / ".blob-k1ll3d"
    there = store / "12" / "34" / ".blob-0th3r1"
    fresh = store / "ab" / "cd" / ".blob-l1v3"
    for path in (here, there, fresh):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    # A moment whose minute points the sweep at the folder "ab".
    now = (int(time.time() // 60 // 256) * 256 + 0xAB + 256) * 60.0 + 5
    for path in (here, there):
        os.utime(path, (now - 2 * HOUR, now - 2 * HOUR))
    os.utime(fresh, (now - 60, now - 60))
    os.utime(blobstore.path_of(sha), (now - 9 * HOUR, now - 9 * HOUR))

    assert sorted(blobstore.stale_temporaries(now=now)) == sorted([here, there])
    assert blobstore.remove_stale_temporaries(now)["temporaries"] == 1
    assert not here.exists() and there.exists() and fresh.exists()
    assert blobstore.path_of(sha).exists() and blobstore.iter_shas() == [sha]


def test_the_job_sweep_removes_stale_temporaries_and_keeps_fresh_ones(
    db: None, store: Path
) -> None:
    (store / "tmp").mkdir(parents=True)
    stale, fresh = store / "tmp" / "blob-old1", store / "tmp" / "blob-new1"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"y")
    _age(stale, HOUR + 60)
    counts = jobs.sweep()
    assert counts["temporaries"] == 1
    assert not stale.exists() and fresh.exists()


def test_verify_lists_stale_temporaries_as_warnings_and_removes_nothing(
    db: None, store: Path
) -> None:
    from vanthu.audit.integrity import check_everything

    (store / "tmp").mkdir(parents=True)
    stale = store / "tmp" / "blob-old2"
    stale.write_bytes(b"x")
    _age(stale, 2 * HOUR)
    report = check_everything(only="references")
    assert any("tmp/blob-old2" in w for w in report.warnings), report.warnings
    assert stale.exists()
    stale.unlink()
    report = check_everything(only="references")
    assert not report.warnings
    assert "Tệp tạm: không còn tệp tạm nào của tiến trình đã dừng." in report.notes


@pytest.mark.parametrize("raw", ["abc", "-5", "0", "nan", "inf", ""])
def test_a_bad_max_age_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("VANTHU_BLOB_TEMP_MAX_AGE_SECONDS", raw)
    with pytest.raises(ValueError, match=r"VANTHU_BLOB_TEMP_MAX_AGE_SECONDS.*lớn hơn 0"):
        config.positive_seconds("VANTHU_BLOB_TEMP_MAX_AGE_SECONDS", "3600")


def test_a_good_max_age_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VANTHU_BLOB_TEMP_MAX_AGE_SECONDS", " 90.5 ")
    assert config.positive_seconds("VANTHU_BLOB_TEMP_MAX_AGE_SECONDS", "3600") == 90.5
    monkeypatch.delenv("VANTHU_BLOB_TEMP_MAX_AGE_SECONDS")
    assert config.positive_seconds("VANTHU_BLOB_TEMP_MAX_AGE_SECONDS", "3600") == 3600


def test_a_bad_max_age_stops_start_up_naming_the_variable(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VANTHU_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="vanthu.settings",
        VANTHU_DATA_DIR=str(tmp_path / "data"),
        VANTHU_BLOB_TEMP_MAX_AGE_SECONDS="-30",
    )
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "VANTHU_BLOB_TEMP_MAX_AGE_SECONDS='-30': phải là một số giây lớn hơn 0" in done.stderr


def test_a_bad_max_age_in_settings_removes_nothing_and_the_sweep_still_runs(
    db: None, settings: Any, store: Path
) -> None:
    (store / "tmp").mkdir(parents=True)
    stale = store / "tmp" / "blob-old3"
    stale.write_bytes(b"x")
    _age(stale, 100 * HOUR)
    settings.VANTHU_BLOB_TEMP_MAX_AGE_SECONDS = "-1"
    with pytest.raises(ValueError, match="lớn hơn 0"):
        blobstore.temp_max_age()
    counts = jobs.sweep()
    assert "temporaries" not in counts and set(counts) >= {"requeued", "resent"}
    assert stale.exists()


def test_owner_of_a_killed_process_is_gone_and_a_live_one_is_not(killed_owner: str) -> None:
    proc, tag = _start(OWNER_AND_HANG)
    try:
        pattern = re.compile(scratch.OWNER)
        live = pattern.fullmatch(tag)
        dead = pattern.fullmatch(killed_owner)
        assert live and dead
        assert scratch.owner_alive(int(live["pid"]), int(live["started"]), live["host"])
        assert scratch.owner_alive(int(dead["pid"]), int(dead["started"]), dead["host"]) is False
        # The same id with another start time: the id was reused by a newer process.
        assert (
            scratch.owner_alive(int(live["pid"]), int(live["started"]) + 500, live["host"]) is False
        )
        # Another machine's process cannot be asked about.
        assert scratch.owner_alive(int(live["pid"]), int(live["started"]), "may-khac") is None
    finally:
        _kill(proc)


def test_scratch_folders_of_dead_processes_go_and_the_rest_stays(
    store: Path, own_tmp: Path, killed_owner: str
) -> None:
    dead = own_tmp / f"vanthu-package-{killed_owner}-a1b2c3"
    live = own_tmp / f"vanthu-blob-{scratch.owner_tag()}-d4e5f6"
    foreign = own_tmp / "vanthu-blob-12-34@mayKhac-g7h8i9"
    foreign_old = own_tmp / "vanthu-blob-56-78@mayKhac-j1k2l3"
    other = own_tmp / "vanthu-blob-abc"  # not our naming: never ours to remove
    for folder in (dead, live, foreign, foreign_old, other):
        (folder / "bag").mkdir(parents=True)
        (folder / "bag" / "tep.pdf").write_bytes(b"%PDF-1.7")
    for path in (foreign_old, foreign_old / "bag", foreign_old / "bag" / "tep.pdf"):
        _age(path, 8 * 24 * HOUR)
    _age(other, 30 * 24 * HOUR)

    counts = blobstore.remove_stale_temporaries()
    assert counts["scratch"] == 2
    assert sorted(p.name for p in own_tmp.iterdir()) == sorted(
        [live.name, foreign.name, other.name]
    )


def test_a_process_killed_holding_a_copy_from_object_storage_leaves_a_folder_the_sweep_removes(
    s3: S3, own_tmp: Path, settings: Any
) -> None:
    sha, _ = blobstore.put_bytes(b"%PDF-1.7 ban quet")
    child = r"""
import sys, time
from django.conf import settings
endpoint, bucket = sys.argv[1:3]
settings.configure(
    VANTHU_BLOB_BACKEND="s3", VANTHU_S3_ENDPOINT_URL=endpoint, VANTHU_S3_BUCKET=bucket,
    VANTHU_S3_REGION="us-east-1", VANTHU_S3_ACCESS_KEY_ID=sys.argv[4],
    VANTHU_S3_SECRET_ACCESS_KEY=sys.argv[5], VANTHU_S3_PREFIX="",
    VANTHU_S3_ADDRESSING_STYLE="path", VANTHU_S3_PART_MB=5, VANTHU_S3_TIMEOUT_SECONDS=2,
)
from vanthu.core import blobstore
with blobstore.local_copy(sys.argv[3]) as path:
    print(path, flush=True)
    time.sleep(600)
"""
    proc, copy = _start(
        child, s3.endpoint, s3.bucket, sha, ACCESS_KEY, SECRET_KEY, env={"TMPDIR": str(own_tmp)}
    )
    assert Path(copy).read_bytes() == b"%PDF-1.7 ban quet"
    folder = Path(copy).parent
    assert folder.parent == own_tmp
    # While the OCR still reads it, the copy stays, whatever its age.
    _age(Path(copy), 10 * HOUR)
    assert blobstore.remove_stale_temporaries()["scratch"] == 0
    _kill(proc)
    assert folder.exists()
    counts = blobstore.remove_stale_temporaries()
    assert counts["scratch"] == 1 and not folder.exists()
    assert blobstore.exists(sha)


def test_a_killed_multipart_upload_is_aborted_once_stale_and_a_recent_one_kept(
    s3: S3, own_tmp: Path
) -> None:
    sha = "ab" * 32
    # What a writer killed between two parts leaves on the server.
    upload = s3.client.create_multipart_upload(Bucket=s3.bucket, Key=s3.key(sha))
    s3.client.upload_part(
        Bucket=s3.bucket,
        Key=s3.key(sha),
        UploadId=upload["UploadId"],
        PartNumber=1,
        Body=b"x" * (5 * 1024 * 1024),
    )
    foreign = s3.client.create_multipart_upload(Bucket=s3.bucket, Key="khac/tep.bin")

    def pending() -> list[tuple[str, float]]:
        page = s3.client.list_multipart_uploads(Bucket=s3.bucket)
        return sorted((u["Key"], u["Initiated"].timestamp()) for u in page.get("Uploads", []))

    # The age is the server's own "Initiated" (moto answers a fixed date of 2010, so the
    # limit is set around that date rather than around now).
    started = dict(pending())[s3.key(sha)]
    assert blobstore_s3.abort_stale_uploads(started) == 0
    assert [k for k, _ in pending()] == sorted([s3.key(sha), "khac/tep.bin"])
    assert blobstore_s3.abort_stale_uploads(started + 1) == 1
    assert [k for k, _ in pending()] == [
        "khac/tep.bin"
    ]  # not a blob key: someone else's, left alone
    s3.client.abort_multipart_upload(
        Bucket=s3.bucket, Key="khac/tep.bin", UploadId=foreign["UploadId"]
    )


def test_the_sweep_on_object_storage_aborts_stale_uploads(
    s3: S3, settings: Any, own_tmp: Path
) -> None:
    sha = "cd" * 32
    s3.client.create_multipart_upload(Bucket=s3.bucket, Key=s3.key(sha))
    settings.VANTHU_BLOB_TEMP_MAX_AGE_SECONDS = HOUR
    assert blobstore.remove_stale_temporaries(time.time() + HOUR + 5)["uploads"] == 1
    assert not s3.client.list_multipart_uploads(Bucket=s3.bucket).get("Uploads")


# A child that receives an upload the way Django spools a large one (TemporaryFileUploadHandler
# writes a TemporaryUploadedFile in FILE_UPLOAD_TEMP_DIR) and stops half way: killed there, it
# is a web process killed during an upload, which never reaches the end of its request.
SPOOL_AND_HANG = r"""
import sys, time
from django.conf import settings
settings.configure(FILE_UPLOAD_TEMP_DIR=sys.argv[1])
from django.core.files.uploadedfile import TemporaryUploadedFile

upload = TemporaryUploadedFile("ban-quet.pdf", "application/pdf", 0, None)
upload.write(b"%PDF-1.7 " + b"x" * (1024 * 1024))
upload.flush()
print(upload.temporary_file_path(), flush=True)
time.sleep(600)
"""


def test_an_upload_spooled_by_a_killed_web_process_is_removed_once_stale(
    db: None, store: Path, settings: Any, tmp_path: Path
) -> None:
    spool = tmp_path / "uploads"
    spool.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    proc, spooled = _start(SPOOL_AND_HANG, str(spool))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    left = Path(spooled)
    assert left.parent == spool and left.stat().st_size > 1024 * 1024, spooled
    other = spool / "ghi-chu.txt"  # not Django's: never ours to remove
    other.write_text("giữ nguyên")
    _age(other, 9 * HOUR)

    # Fresh: an upload still arriving looks the same, so it stays.
    assert blobstore.stale_uploads() == []
    assert jobs.sweep()["uploads_spooled"] == 0 and left.exists()

    _age(left, HOUR + 60)
    from vanthu.audit.integrity import check_everything

    report = check_everything()
    assert any(left.name in w and "tải lên dở" in w for w in report.warnings), report.warnings
    assert left.exists()  # verify lists, never removes
    assert jobs.sweep()["uploads_spooled"] == 1
    assert not left.exists() and other.exists()


def test_uploads_are_spooled_in_the_data_folder_not_the_system_temporary_folder() -> None:
    from django.conf import settings

    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    assert folder.is_dir() and folder.parent == Path(settings.DATA_DIR)


def test_capture_work_folders_of_killed_workers_go(
    store: Path, own_tmp: Path, killed_owner: str
) -> None:
    """A text job's folder may hold a classified file decrypted for OCR: a worker killed there
    must not leave it (it was ``vanthu-capture-<random>``, which nothing removed)."""
    dead = [own_tmp / f"vanthu-{kind}-{killed_owner}-x1y2z3" for kind in scratch.KINDS]
    for folder in dead:
        folder.mkdir()
        (folder / "giai-ma.pdf").write_bytes(b"%PDF-1.7 ban giai ma")
    unknown = own_tmp / f"vanthu-khac-{killed_owner}-x1y2z3"  # not a kind of ours
    unknown.mkdir()
    with scratch.folder("capture") as live:
        assert Path(live).name.startswith(f"vanthu-capture-{scratch.owner_tag()}-")
        counts = blobstore.remove_stale_temporaries()
        assert counts["scratch"] == len(scratch.KINDS)
        assert Path(live).is_dir()  # this process still runs
    assert sorted(p.name for p in own_tmp.iterdir()) == [unknown.name]
    with pytest.raises(ValueError):
        scratch.folder("khac")
