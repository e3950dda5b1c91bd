"""Fixtures of the records tests: one office (VPTU) with its people and its documents."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from vanthu.orgs.models import DocumentType, Organization, User
from vanthu.records import services
from vanthu.records.models import Dossier
from vanthu.registry import services as registry
from vanthu.registry.models import Document


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


class Office:
    """The Văn phòng Thành ủy: a clerk, a specialist, the head, and people with no business."""

    def __init__(self, city: Any, make_user: Callable[..., User]) -> None:
        self.city = city
        self.org: Organization = city.vp
        self.clerk = make_user(
            username="vanthu_vp", organization=city.vp, roles=["clerk"], clearance="top_secret"
        )
        self.specialist = make_user(username="cv_vp", organization=city.vp, roles=["specialist"])
        self.leader = make_user(
            username="cvp", organization=city.vp, roles=["leader"], clearance="top_secret"
        )
        self.archivist = make_user(
            username="luutru_vp", organization=city.vp, roles=["archivist"], clearance="secret"
        )
        self.tu_head = make_user(username="bt_tu", organization=city.tu, roles=["clerk", "leader"])
        self.outsider = make_user(
            username="vanthu_du2", organization=city.du2, roles=["clerk", "leader"]
        )

    def document(
        self,
        *,
        summary: str = "Về việc tổ chức hội nghị",
        secrecy: str = "none",
        issued: datetime.date | None = None,
        pages: int | None = 2,
        by: User | None = None,
        organization: Organization | None = None,
    ) -> Document:
        """A registered incoming document, through the registry's own service."""
        return registry.register_incoming(
            actor=by or self.clerk,
            organization=organization or self.org,
            data={
                "sender": "Ban Tổ chức Trung ương",
                "number_symbol": "12-CV/BTCTW",
                "document_type": DocumentType.objects.get(code="CV"),
                "issued_date": issued or datetime.date(2026, 3, 2),
                "summary": summary,
                "secrecy": secrecy,
                "received_at": timezone.now(),
                "page_count": pages,
            },
        )

    def dossier(self, *, by: User | None = None, code: str = "01.VP", **data: Any) -> Dossier:
        data = {"code": code, "title": "Hồ sơ hội nghị sơ kết", "year": 2026, **data}
        return services.create_dossier(actor=by or self.clerk, organization=self.org, data=data)


@pytest.fixture
def office(city: Any, make_user: Callable[..., User]) -> Office:
    return Office(city, make_user)
