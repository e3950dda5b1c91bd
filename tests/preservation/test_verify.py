"""``vanthu verify`` finds changed and missing files (architecture.md invariant 2)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from vanthu.core import blobstore
from vanthu.registry.integrity import verify_files


def _verify() -> tuple[int, str]:
    err = StringIO()
    try:
        call_command("verify", "--only", "files", stdout=StringIO(), stderr=err)
    except CommandError as exc:
        return exc.returncode, err.getvalue()
    return 0, err.getvalue()


def test_intact_files_exit_zero(filled: Any) -> None:
    assert _verify() == (0, "")


def test_one_changed_byte_exits_one_naming_the_file(filled: Any) -> None:
    _dossier, files = filled
    path = blobstore.path_of(files[0].sha256)
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))
    code, report = _verify()
    assert code == 1
    assert files[0].sha256 in report and "vb.pdf" in report and "Không khớp" in report
    assert files[1].sha256 not in report


def test_deleted_file_is_reported(filled: Any) -> None:
    _dossier, files = filled
    blobstore.path_of(files[1].sha256).unlink()
    code, report = _verify()
    assert code == 1
    assert files[1].sha256 in report and "Mất tệp" in report


def test_missing_pdfa_copy_is_reported(filled: Any) -> None:
    _dossier, files = filled
    file = files[0]
    file.pdfa_sha256 = "a" * 64
    file.save(update_fields=["pdfa_sha256"])
    lines = list(verify_files())
    assert len(lines) == 1 and "bản PDF/A" in lines[0]


def test_organization_filter_and_sample(filled: Any, office: Any) -> None:
    _dossier, files = filled
    blobstore.path_of(files[0].sha256).unlink()
    assert list(verify_files(organization=office.city.du2)) == []
    assert len(list(verify_files(organization=office.city.tu))) == 1
    assert len(list(verify_files(sample=1.0))) == 1
    with pytest.raises(ValueError):
        list(verify_files(sample=0))


# An edited audit row is detected by the audit chain check: tests/audit (test_verify*.py).
