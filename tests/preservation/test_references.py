"""``vanthu verify`` on the references between rows and files: blobs no row names are reported
(and kept), rows whose blob is gone are failures, bad options are clear errors."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from vanthu.audit.integrity import unreferenced_blobs
from vanthu.core import blobstore


@pytest.fixture(autouse=True)
def own_digest_folder(settings: Any, tmp_path: Path) -> None:
    settings.VANTHU_AUDIT_DIGEST_DIR = str(tmp_path / "digests")


def _verify(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_every_blob_referenced_passes(filled: Any) -> None:
    assert unreferenced_blobs() == []
    code, out, err = _verify("--strict")
    assert (code, err) == (0, "") and "Tham chiếu" in out


def test_blob_no_row_names_is_reported_and_kept(filled: Any) -> None:
    orphan, _size = blobstore.put_bytes(b"a blob left by a crash before its row committed")
    assert unreferenced_blobs() == [orphan]
    code, out, _err = _verify()
    assert code == 0 and f"CẢNH BÁO: blob {orphan} không được dòng dữ liệu nào tham chiếu" in out
    code, _out, err = _verify("--strict")
    assert code == 1 and orphan in err
    assert blobstore.exists(orphan)  # reported, never deleted


def test_row_whose_blob_is_gone_fails_the_full_verify(filled: Any) -> None:
    _dossier, files = filled
    blobstore.path_of(files[0].sha256).unlink()
    code, _out, err = _verify()
    assert code == 1 and f"TỆP HỎNG: tệp gốc #{files[0].pk}" in err and "Mất tệp" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--sample", "0"), "--sample phải nằm trong (0, 1]"),
        (("--sample", "1.5"), "--sample phải nằm trong (0, 1]"),
        (("--organization", "KHONGCO"), "Không có tổ chức mã 'KHONGCO'"),
    ],
)
def test_bad_options_are_clear_errors(filled: Any, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace("]", r"\]")):
        call_command("verify", *args, stdout=StringIO(), stderr=StringIO())


def test_sample_and_organization_limit_the_file_check(filled: Any, office: Any) -> None:
    _dossier, files = filled
    blobstore.path_of(files[0].sha256).unlink()
    assert _verify("--only", "files", "--organization", "DU2")[0] == 0
    assert _verify("--only", "files", "--organization", "TU")[0] == 1
    assert _verify("--only", "files", "--sample", "1")[0] == 1
