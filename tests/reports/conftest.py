"""Fixtures of the reports tests: the city with people and documents made through the services.

The Vietnamese words chosen for the documents carry the letters that broken fonts lose
(Ủ, Ộ, Ả), so every rendering test also checks the glyphs.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from vanthu.orgs.models import DocumentType, Organization, User
from vanthu.registry import services as registry
from vanthu.registry.models import Document, Register

ORDINARY_SUMMARY = "Về việc tổ chức Hội nghị Ban Chấp hành Đảng bộ — ỦY BAN KIỂM TRA, ỘI, ẢNH"
SECRET_SUMMARY = "Kế hoạch bảo vệ nội bộ tuyệt đối giữ kín XKQ-777"
OTHER_ORG_SUMMARY = "Báo cáo của Đảng ủy phường Bến Nghé về công tác quý"


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def doc_type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


def register_in(clerk: User, org: Organization, *, days_ago: int = 0, **changes: Any) -> Document:
    received = timezone.now() - datetime.timedelta(days=days_ago)
    data: dict[str, Any] = {
        "sender": "Ban Tổ chức Thành ủy",
        "number_symbol": "12-CV/BTCTU",
        "document_type": doc_type("CV"),
        "issued_date": timezone.localtime(received).date() - datetime.timedelta(days=1),
        "summary": ORDINARY_SUMMARY,
        "signer": "Trần Văn Ủy",
        "received_at": received,
        "deadline": timezone.localdate() + datetime.timedelta(days=10),
    }
    data.update(changes)
    return registry.register_incoming(actor=clerk, organization=org, data=data)


class World:
    def __init__(self, city: Any, make_user: Any) -> None:
        self.city = city
        self.clerk = make_user(
            username="vt_tu",
            full_name="Lê Thị Văn Thư",
            organization=city.tu,
            roles=["clerk"],
            clearance="secret",
        )
        self.leader = make_user(
            username="ld_tu",
            full_name="Phạm Văn Lãnh",
            organization=city.tu,
            roles=["leader"],
            clearance="top_secret",
        )
        self.specialist = make_user(
            username="cv_tu",
            full_name="Hoàng Thị Ảnh",
            organization=city.tu,
            roles=["specialist"],
            clearance="none",
        )
        self.uncleared_clerk = make_user(
            username="vt2_tu", organization=city.tu, roles=["clerk"], clearance="none"
        )
        self.clerk_du1 = make_user(
            username="vt_du1", organization=city.du1, roles=["clerk"], clearance="secret"
        )
        self.clerk_du2 = make_user(
            username="vt_du2", organization=city.du2, roles=["clerk"], clearance="secret"
        )
        # Ordinary incoming, directed by the leader to the specialist.
        self.ordinary = register_in(self.clerk, city.tu)
        registry.assign(
            actor=self.leader,
            document=self.ordinary,
            lead=self.specialist,
            deadline=timezone.localdate() + datetime.timedelta(days=5),
            note="Đồng chí Ảnh chủ trì, báo cáo Thường trực",
        )
        self.old = register_in(
            self.clerk, city.tu, days_ago=800, summary="Văn bản của hai năm trước", deadline=None
        )
        self.secret = register_in(
            self.clerk,
            city.tu,
            secrecy="confidential",
            summary=SECRET_SUMMARY,
            number_symbol="05-KH/TU",
        )
        self.other_org = register_in(self.clerk_du1, city.du1, summary=OTHER_ORG_SUMMARY)
        draft = registry.create_outgoing(
            actor=self.clerk,
            organization=city.tu,
            data={
                "document_type": doc_type("TB"),
                "summary": "Thông báo kết luận của Thường trực Thành ủy",
                "signer": "Nguyễn Văn Bí Thư",
                "recipients": [{"organization": city.du1}, {"name": "Lưu Văn phòng"}],
            },
        )
        self.outgoing = registry.issue_outgoing(actor=self.clerk, document=draft)

    def register(self, org: Organization, direction: str, series: str = "ordinary") -> Register:
        return Register.objects.get(organization=org, direction=direction, series=series)


@pytest.fixture
def world(city: Any, make_user: Any) -> World:
    return World(city, make_user)
