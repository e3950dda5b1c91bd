"""Fixtures for the registry tests: the city hierarchy with its clerks, leaders, specialists."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from vanthu.orgs.models import User


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def today() -> datetime.date:
    return timezone.localdate()


def incoming_payload(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "sender": "Ban Tổ chức Trung ương",
        "number_symbol": "12-CV/BTCTW",
        "document_type": "CV",
        "issued_date": (today() - datetime.timedelta(days=2)).isoformat(),
        "summary": "V/v hướng dẫn công tác nhân sự",
        "signer": "Trần Văn A",
        "secrecy": "none",
        "urgency": "normal",
        "received_at": timezone.now().isoformat(),
        "deadline": (today() + datetime.timedelta(days=10)).isoformat(),
        "page_count": 3,
    }
    data.update(changes)
    return data


@pytest.fixture
def people(city: Any, make_user: Any) -> Any:
    """Who works where: TU's clerk, leader, specialists; DU1's and DU2's clerks."""
    return type(
        "People",
        (),
        {
            "clerk": make_user(
                username="vt_tu", organization=city.tu, roles=["clerk"], clearance="secret"
            ),
            "leader": make_user(
                username="ld_tu", organization=city.tu, roles=["leader"], clearance="top_secret"
            ),
            "specialist": make_user(
                username="cv_tu", organization=city.tu, roles=["specialist"], clearance="secret"
            ),
            "other_specialist": make_user(
                username="cv2_tu", organization=city.tu, roles=["specialist"], clearance="secret"
            ),
            "uncleared_clerk": make_user(
                username="vt2_tu", organization=city.tu, roles=["clerk"], clearance="none"
            ),
            "clerk_du1": make_user(
                username="vt_du1", organization=city.du1, roles=["clerk"], clearance="secret"
            ),
            "clerk_du2": make_user(
                username="vt_du2", organization=city.du2, roles=["clerk"], clearance="secret"
            ),
        },
    )


@pytest.fixture
def register_incoming(people: Any) -> Callable[..., dict[str, Any]]:
    def go(user: User | None = None, **changes: Any) -> dict[str, Any]:
        answer = client_for(user or people.clerk).post(
            "/api/v1/incoming/", incoming_payload(**changes), format="json"
        )
        assert answer.status_code == 201, answer.content
        return dict(answer.json())

    return go
