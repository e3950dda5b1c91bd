"""Fixtures of the security tests: keys, storage, documents with real files."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas
from rest_framework.test import APIClient

from vanthu.core import crypto
from vanthu.orgs.models import User


@pytest.fixture(autouse=True)
def storage(settings: Any, tmp_path: Path) -> None:
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")


@pytest.fixture(autouse=True)
def installation_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh installation key per test, from the environment (as a deployment sets it)."""
    key = crypto.new_key()
    monkeypatch.setenv("VANTHU_ENCRYPTION_KEY", key)
    monkeypatch.delenv("VANTHU_ENCRYPTION_OLD_KEYS", raising=False)
    crypto.reset()
    yield key
    crypto.reset()


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def pdf_with(*lines: str, pages: int = 2) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for page in range(pages):
        for i, line in enumerate(lines):
            c.drawString(72, 700 - 20 * i, f"{line} (trang {page + 1})")
        c.showPage()
    c.save()
    return buf.getvalue()


def upload(user: User, document_id: int, data: bytes, name: str, content_type: str) -> Any:
    direction = "incoming"
    from vanthu.registry.models import Document

    if Document.objects.get(pk=document_id).direction == "outgoing":
        direction = "outgoing"
    return client_for(user).post(
        f"/api/v1/{direction}/{document_id}/files/",
        {"file": SimpleUploadedFile(name, data, content_type)},
        format="multipart",
    )


def body_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def pdf_text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-q", "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode()


@pytest.fixture
def staff(city: Any, make_user: Any) -> Any:
    """TU's clerk and leader (cleared), a cleared specialist without a reason, an uncleared
    clerk, and DU2's clerk (another branch)."""
    return type(
        "Staff",
        (),
        {
            "clerk": make_user(
                username="vt_tu",
                full_name="Lê Thị Văn Thư",
                organization=city.tu,
                roles=["clerk"],
                clearance="secret",
            ),
            "leader": make_user(
                username="ld_tu",
                full_name="Phạm Văn Lãnh Đạo",
                organization=city.tu,
                roles=["leader"],
                clearance="top_secret",
            ),
            "specialist": make_user(
                username="cv_tu",
                full_name="Đỗ Chuyên Viên",
                organization=city.tu,
                roles=["specialist"],
                clearance="secret",
            ),
            "uncleared": make_user(
                username="vt2_tu", organization=city.tu, roles=["clerk"], clearance="none"
            ),
            "clerk_du2": make_user(
                username="vt_du2", organization=city.du2, roles=["clerk"], clearance="secret"
            ),
        },
    )


def register(user: User, **changes: Any) -> dict[str, Any]:
    from tests.registry.conftest import incoming_payload

    answer = client_for(user).post("/api/v1/incoming/", incoming_payload(**changes), format="json")
    assert answer.status_code == 201, answer.content
    return dict(answer.json())
