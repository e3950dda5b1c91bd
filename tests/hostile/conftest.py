"""Fixtures of the hostile-input tests: two organisations, each with people and documents.

The acting users work in DU1; DU2 is a sibling committee whose objects they must never reach:
its ids are what the IDOR tests send (siblings, since a parent committee's admin manages the
organisations below it, docs/api.md).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import tiny_pdf
from vanthu.orgs.models import User

PASSWORD = "Mat-khau-2026!"


def api_client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def incoming_payload(**changes: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "sender": "Ban Tổ chức Trung ương",
        "number_symbol": "12-CV/BTCTW",
        "document_type": "CV",
        "issued_date": (today - datetime.timedelta(days=2)).isoformat(),
        "summary": "V/v hướng dẫn công tác nhân sự",
        "signer": "Trần Văn A",
        "secrecy": "none",
        "urgency": "normal",
        "received_at": timezone.now().isoformat(),
        "deadline": (today + datetime.timedelta(days=10)).isoformat(),
        "page_count": 3,
    }
    data.update(changes)
    return data


def register(user: User, **changes: Any) -> dict[str, Any]:
    answer = api_client(user).post("/api/v1/incoming/", incoming_payload(**changes), format="json")
    assert answer.status_code == 201, answer.content
    return dict(answer.json())


def draft_outgoing(user: User, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "document_type": "CV",
        "summary": "V/v báo cáo quý",
        "signer": "Trần Văn B",
        "secrecy": "none",
        "urgency": "normal",
        "recipients": [{"name": "Ban Dân vận"}],
    }
    data.update(changes)
    answer = api_client(user).post("/api/v1/outgoing/", data, format="json")
    assert answer.status_code == 201, answer.content
    return dict(answer.json())


def make_dossier(user: User, code: str) -> dict[str, Any]:
    answer = api_client(user).post(
        "/api/v1/dossiers/",
        {"code": code, "title": "Hồ sơ hội nghị", "year": timezone.localdate().year},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    return dict(answer.json())


def upload(user: User, document_id: int, data: bytes, name: str) -> dict[str, Any]:
    """Attach a file through the API, as a scanning station or a clerk does: a small PDF that
    carries ``data`` readable in its bytes (uploads take only the accepted types)."""
    answer = api_client(user).post(
        f"/api/v1/incoming/{document_id}/files/",
        {"file": SimpleUploadedFile(name, tiny_pdf(data), content_type="application/pdf")},
        format="multipart",
    )
    assert answer.status_code == 201, answer.content
    return dict(answer.json())


@pytest.fixture(autouse=True)
def storage(settings: Any, tmp_path: Path) -> None:
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")


@pytest.fixture
def world(city: Any, make_user: Any) -> Any:
    """People and documents on both sides of the organisation boundary."""
    # Clearance below VANTHU_OTP_REQUIRED_CLEARANCE, so the web pages need no TOTP step.
    clerk = make_user(
        username="vt_du1", organization=city.du1, roles=["clerk"], clearance="confidential"
    )
    # Every role at once: the strongest user of DU1 is the best attacker of DU2.
    admin = make_user(
        username="qtv_du1",
        organization=city.du1,
        roles=["admin", "clerk", "leader", "archivist"],
        clearance="confidential",
    )
    other_clerk = make_user(
        username="vt_du2", organization=city.du2, roles=["clerk"], clearance="confidential"
    )
    other_admin = make_user(
        username="qtv_du2", organization=city.du2, roles=["admin"], clearance="confidential"
    )
    mine = register(clerk)
    theirs = register(other_clerk, summary="V/v riêng của Đảng ủy phường Sài Gòn")
    my_draft = draft_outgoing(clerk)
    their_draft = draft_outgoing(other_clerk)
    my_dossier = make_dossier(clerk, "HS-01")
    their_dossier = make_dossier(other_clerk, "HS-02")
    their_file = upload(other_clerk, theirs["id"], b"noi dung rieng", "rieng.pdf")
    token = Token.objects.create(user=clerk).key
    return type(
        "World",
        (),
        {
            "city": city,
            "clerk": clerk,
            "admin": admin,
            "other_clerk": other_clerk,
            "other_admin": other_admin,
            "mine": mine,
            "theirs": theirs,
            "my_draft": my_draft,
            "their_draft": their_draft,
            "my_dossier": my_dossier,
            "their_dossier": their_dossier,
            "their_file": their_file,
            "token": token,
        },
    )
