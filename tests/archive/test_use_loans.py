"""Khai thác on the page: loans of originals taken back (once), overdue marked; a request is
as secret as its dossiers are when it is made."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.archive.test_transfer import closed
from tests.records.conftest import Office, client_for
from vanthu.archive import services_use
from vanthu.archive.models import AccessRequest, UseEntry
from vanthu.orgs.models import User
from vanthu.records import services as records


@pytest.fixture(autouse=True)
def no_otp(settings: Any) -> None:
    # The web pages' second factor for cleared users is not what these tests are about.
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""


def web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def borrow(office: Office) -> AccessRequest:
    dossier = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    return services_use.create_request(
        actor=office.specialist,
        organization=office.org,
        dossiers=[dossier],
        purpose="Nghiên cứu lịch sử Đảng bộ",
        mode="borrow",
        days=5,
    )


def test_the_archivist_takes_a_loan_back_once_on_the_page(office: Office) -> None:
    loan = borrow(office)
    url = f"/luu-tru/khai-thac/{loan.pk}/tra/"
    # Not approved yet: refused with the reason, nothing changed.
    page = web(office.archivist).post(url, follow=True).content.decode()
    assert "Phiếu mượn chưa được duyệt." in page
    services_use.decide_request(actor=office.leader, request=loan, approve=True)
    # Past its due date the section marks it, and offers the archivist the button.
    AccessRequest.objects.filter(pk=loan.pk).update(
        valid_until=timezone.now() - datetime.timedelta(days=1)
    )
    section = web(office.archivist).get("/luu-tru/phan/khai-thac/").content.decode()
    assert "Quá hạn trả" in section and "Nhận lại bản gốc" in section
    assert (
        "Nhận lại bản gốc"
        not in web(office.leader).get("/luu-tru/phan/khai-thac/").content.decode()
    )
    # Only the archivist; an outsider does not even see the request.
    assert web(office.outsider).post(url).status_code == 404
    page = web(office.specialist).post(url, follow=True).content.decode()
    assert "Chỉ lưu trữ viên" in page
    assert AccessRequest.objects.get(pk=loan.pk).status == "approved"
    page = web(office.archivist).post(url, follow=True).content.decode()
    assert "Đã nhận lại bản gốc." in page
    returned = AccessRequest.objects.get(pk=loan.pk)
    assert returned.status == "returned" and returned.returned_at is not None
    # Twice: a clear error, and no second line in the register.
    page = web(office.archivist).post(url, follow=True).content.decode()
    assert "Bản gốc đã được trả rồi." in page
    assert AccessRequest.objects.get(pk=loan.pk).returned_at == returned.returned_at
    assert UseEntry.objects.filter(request=loan, action="returned").count() == 1
    section = web(office.archivist).get("/luu-tru/phan/khai-thac/").content.decode()
    assert "Quá hạn trả" not in section and "Nhận lại bản gốc" not in section


def test_a_request_is_as_secret_as_its_dossiers_are_stored(office: Office) -> None:
    secret = office.dossier(code="02.VP")
    records.add_document(
        actor=office.clerk,
        dossier=secret,
        document=office.document(summary="Kế hoạch mật", secrecy="confidential"),
    )
    records.close_dossier(actor=office.clerk, dossier=secret)
    # ``secret`` is the object from before the filing raised the dossier's secrecy.
    assert secret.secrecy == "none"
    made = services_use.create_request(
        actor=office.clerk,
        organization=office.org,
        dossiers=[secret],
        purpose="Tra cứu",
        mode="read",
        days=3,
        addressed_to=office.leader,  # classified: addressed to a cleared head
    )
    assert AccessRequest.objects.get(pk=made.pk).secrecy == "confidential"
    # So the uncleared specialist of the same office does not see it, in the list or by id.
    assert client_for(office.specialist).get("/api/v1/access-requests/").json()["count"] == 0
    assert (
        client_for(office.specialist).get(f"/api/v1/access-requests/{made.pk}/").status_code == 404
    )
