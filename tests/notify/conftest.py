"""Fixtures of the notification tests: the city's people and documents made through services."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone

from vanthu.core import workdays
from vanthu.orgs.models import DocumentType, User
from vanthu.registry import services
from vanthu.registry.models import Document


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture
def people(city: Any, make_user: Any) -> Any:
    def mk(username: str, org: Any, roles: list[str], clearance: str = "secret") -> User:
        return make_user(
            username=username,
            full_name=f"Người {username}",
            email=f"{username}@example.vn",
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
            "clerk_du1": mk("vt_du1", city.du1, ["clerk"]),
            "uncleared_clerk_du1": mk("vt2_du1", city.du1, ["clerk"], "none"),
            "clerk_du2": mk("vt_du2", city.du2, ["clerk"]),
        },
    )


@pytest.fixture
def incoming(people: Any) -> Callable[..., Document]:
    """Register an incoming document at TU through the service (a real registration)."""

    def make(**changes: Any) -> Document:
        data: dict[str, Any] = {
            "sender": "Ban Tổ chức Trung ương",
            "number_symbol": "12-CV/BTCTW",
            "document_type": DocumentType.objects.get(code="CV"),
            "issued_date": timezone.localdate() - datetime.timedelta(days=2),
            "summary": "V/v hướng dẫn công tác nhân sự",
            "secrecy": "none",
        }
        data.update(changes)
        return services.register_incoming(
            actor=people.clerk, organization=people.clerk.organization, data=data
        )

    return make
