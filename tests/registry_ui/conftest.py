"""Fixtures of the registry page tests: people of the city hierarchy and a registered document."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from vanthu.orgs.models import DocumentType, User
from vanthu.registry import services
from vanthu.registry.models import Document


def client_for(user: User, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def today() -> datetime.date:
    return timezone.localdate()


def dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def people(city: Any, make_user: Any) -> Any:
    def mk(username: str, org: Any, roles: list[str], clearance: str = "confidential") -> User:
        return make_user(
            username=username,
            full_name=f"Người {username}",
            organization=org,
            roles=roles,
            clearance=clearance,
        )

    return type(
        "People",
        (),
        {
            "clerk": mk("vt_tu", city.tu, ["clerk"]),
            "leader": mk("ld_tu", city.tu, ["leader"]),
            "specialist": mk("cv_tu", city.tu, ["specialist"]),
            "other_specialist": mk("cv2_tu", city.tu, ["specialist"]),
            "uncleared_clerk": mk("vt2_tu", city.tu, ["clerk"], "none"),
            "clerk_du1": mk("vt_du1", city.du1, ["clerk"]),
            "clerk_du2": mk("vt_du2", city.du2, ["clerk"]),
        },
    )


def form_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "received_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        "sender": "Ban Tổ chức Trung ương",
        "number_symbol": "12-CV/BTCTW",
        "issued_date": dmy(today() - datetime.timedelta(days=2)),
        "document_type": str(DocumentType.objects.get(code="CV").pk),
        "summary": "V/v hướng dẫn công tác nhân sự",
        "signer": "Trần Văn A",
        "secrecy": "none",
        "urgency": "normal",
        "deadline": dmy(today() + datetime.timedelta(days=10)),
        "page_count": "3",
    }
    data.update(changes)
    return data


@pytest.fixture
def register(people: Any) -> Callable[..., Document]:
    """Register an incoming document through the service (as the TU clerk by default)."""

    def make(clerk: User | None = None, **changes: Any) -> Document:
        clerk = clerk or people.clerk
        data: dict[str, Any] = {
            "sender": "Ban Tổ chức Trung ương",
            "number_symbol": "12-CV/BTCTW",
            "document_type": DocumentType.objects.get(code="CV"),
            "issued_date": today() - datetime.timedelta(days=2),
            "summary": "V/v hướng dẫn công tác nhân sự",
            "secrecy": "none",
            "urgency": "normal",
        }
        data.update(changes)
        assert clerk.organization is not None
        return services.register_incoming(actor=clerk, organization=clerk.organization, data=data)

    return make
