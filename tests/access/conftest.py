"""Fixtures of the access tests: storage, an installation key, and a small office with
classified documents registered through the API (the real path)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.registry.conftest import incoming_payload
from vanthu.core import crypto
from vanthu.orgs.models import User
from vanthu.registry import services
from vanthu.registry.models import Document


@pytest.fixture(autouse=True)
def storage(settings: Any, tmp_path: Path) -> None:
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")


@pytest.fixture(autouse=True)
def installation_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("VANTHU_ENCRYPTION_KEY", crypto.new_key())
    monkeypatch.delenv("VANTHU_ENCRYPTION_OLD_KEYS", raising=False)
    crypto.reset()
    yield
    crypto.reset()


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def register(user: User, **changes: Any) -> Document:
    answer = api(user).post("/api/v1/incoming/", incoming_payload(**changes), format="json")
    assert answer.status_code == 201, answer.content
    return Document.objects.get(pk=answer.json()["id"])


class Office:
    """TU (the top committee) with its clerk, leader and specialists; DU1 below it with its own
    clerk and leader; CB1 (grassroots) below DU1; DU2 in another branch."""

    def __init__(self, city: Any, make_user: Any) -> None:
        self.city = city
        mk = make_user
        self.clerk = mk(
            username="vt_tu",
            full_name="Lê Thị Văn Thư",
            organization=city.tu,
            roles=["clerk"],
            clearance="top_secret",
        )
        self.leader = mk(
            username="ld_tu",
            full_name="Phạm Văn Lãnh Đạo",
            organization=city.tu,
            roles=["leader"],
            clearance="top_secret",
        )
        self.specialist = mk(
            username="cv_tu",
            full_name="Đỗ Chuyên Viên",
            organization=city.tu,
            roles=["specialist"],
            clearance="secret",
        )
        self.uncleared = mk(
            username="cv2_tu",
            full_name="Ngô Chưa Tiếp Cận",
            organization=city.tu,
            roles=["specialist"],
            clearance="none",
        )
        self.clerk_du1 = mk(
            username="vt_du1", organization=city.du1, roles=["clerk"], clearance="top_secret"
        )
        self.leader_du1 = mk(
            username="ld_du1",
            full_name="Hoàng Bí Thư Phường",
            organization=city.du1,
            roles=["leader"],
            clearance="top_secret",
        )
        self.clerk_du2 = mk(
            username="vt_du2", organization=city.du2, roles=["clerk"], clearance="top_secret"
        )

    def classified(
        self, secrecy: str = "secret", *, by: User | None = None, **changes: Any
    ) -> Document:
        """A classified incoming document registered by ``by`` (TU's clerk) and presented to
        the leader of its organisation."""
        clerk = by or self.clerk
        document = register(clerk, secrecy=secrecy, **changes)
        leader = self.leader if clerk == self.clerk else self.leader_du1
        services.present(actor=clerk, document=document, leader=leader)
        document.refresh_from_db()
        return document


@pytest.fixture
def office(city: Any, make_user: Any, settings: Any) -> Office:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    return Office(city, make_user)
