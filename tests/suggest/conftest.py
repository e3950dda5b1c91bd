"""An office with a handled history to learn from, built through the real services."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from vanthu.core.workdays import add_working_days
from vanthu.orgs.models import DocumentType, Organization, User
from vanthu.records import services as records
from vanthu.records.models import Dossier
from vanthu.registry import services as registry
from vanthu.registry.models import Document

# Two kinds of mail and how this office handles each (the rule the model must learn).
PERSONNEL = [
    "Hướng dẫn công tác phát triển đảng viên năm nay",
    "Hướng dẫn đánh giá, xếp loại chất lượng đảng viên",
    "Hướng dẫn quy hoạch cán bộ nhiệm kỳ mới",
    "Hướng dẫn luân chuyển, điều động cán bộ",
    "Hướng dẫn công tác tổ chức cán bộ và đảng viên",
    "Hướng dẫn phát triển đảng viên trong doanh nghiệp",
]
ECONOMY = [
    "Báo cáo tình hình kinh tế - xã hội quý I",
    "Báo cáo kết quả thu ngân sách và đầu tư công",
    "Báo cáo tiến độ giải ngân vốn đầu tư công",
    "Báo cáo tình hình kinh tế - xã hội sáu tháng",
    "Báo cáo kế hoạch phát triển kinh tế năm tới",
    "Báo cáo thu chi ngân sách địa phương",
]


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


class Office:
    def __init__(self, city: Any, make_user: Callable[..., User]) -> None:
        self.org: Organization = city.vp
        self.clerk = make_user(
            username="vanthu_vp", organization=self.org, roles=["clerk"], clearance="secret"
        )
        self.leader_a = make_user(
            username="lanhdao_a", organization=self.org, roles=["leader"], clearance="secret"
        )
        self.leader_b = make_user(
            username="lanhdao_b", organization=self.org, roles=["leader"], clearance="secret"
        )
        self.cv_tc = make_user(username="cv_tochuc", organization=self.org, clearance="secret")
        self.cv_kt = make_user(username="cv_kinhte", organization=self.org, clearance="secret")
        self.cv_ph = make_user(username="cv_phoihop", organization=self.org, clearance="secret")
        # A clerk of the office with no clearance: may see ordinary documents only.
        self.junior = make_user(username="vanthu_phu", organization=self.org, roles=["clerk"])
        self.outsider = make_user(
            username="vanthu_du2", organization=city.du2, roles=["clerk", "leader"]
        )
        year = timezone.localdate().year
        self.dossier_tc = records.create_dossier(
            actor=self.clerk,
            organization=self.org,
            data={"code": "01.TC", "title": "Hồ sơ công tác tổ chức", "year": year},
        )
        self.dossier_kt = records.create_dossier(
            actor=self.clerk,
            organization=self.org,
            data={"code": "02.KT", "title": "Hồ sơ kinh tế - xã hội", "year": year},
        )

    def register(
        self, summary: str, *, sender: str, code: str, secrecy: str = "none", by: User | None = None
    ) -> Document:
        return registry.register_incoming(
            actor=by or self.clerk,
            organization=self.org,
            data={
                "sender": sender,
                "document_type": DocumentType.objects.get(code=code),
                "summary": summary,
                "secrecy": secrecy,
            },
        )

    def handle(
        self,
        document: Document,
        *,
        leader: User,
        lead: User,
        support: list[User],
        days: int,
        dossier: Dossier | None,
    ) -> None:
        """What the office did: trình, bút phê with a deadline, lập hồ sơ."""
        registry.present(actor=self.clerk, document=document, leader=leader)
        deadline = add_working_days(timezone.localdate(), days)
        registry.assign(
            actor=leader, document=document, lead=lead, support=support, deadline=deadline
        )
        if dossier is not None:
            records.add_document(actor=self.clerk, dossier=dossier, document=document)

    def personnel(self, summary: str, secrecy: str = "none") -> Document:
        d = self.register(summary, sender="Ban Tổ chức Trung ương", code="HD", secrecy=secrecy)
        self.handle(
            d,
            leader=self.leader_a,
            lead=self.cv_tc,
            support=[self.cv_ph],
            days=10,
            dossier=self.dossier_tc if secrecy == "none" else None,
        )
        return d

    def economy(self, summary: str) -> Document:
        d = self.register(summary, sender="Ủy ban nhân dân thành phố", code="BC")
        self.handle(
            d, leader=self.leader_b, lead=self.cv_kt, support=[], days=5, dossier=self.dossier_kt
        )
        return d

    def build_history(self, rounds: int = 2) -> None:
        for _round in range(rounds):
            for summary in PERSONNEL:
                self.personnel(summary)
            for summary in ECONOMY:
                self.economy(summary)


@pytest.fixture
def office(city: Any, make_user: Callable[..., User], settings: Any, tmp_path: Any) -> Office:
    settings.DATA_DIR = tmp_path
    settings.VANTHU_SUGGEST_MIN_CONFIDENCE = 0.6
    return Office(city, make_user)


def today() -> datetime.date:
    return timezone.localdate()
