"""The khai thác section of /luu-tru/: the newest requests and lines of the register of use,
read from indexes in their order, in the same few queries however many there are."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.archive.test_transfer import closed
from tests.records.conftest import Office
from tests.records.plans import plan_of
from vanthu.archive import selectors_more, services_use
from vanthu.archive.models import AccessRequest
from vanthu.orgs.models import User
from vanthu.records.models import Dossier


def web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def read_once(office: Office, dossier: Dossier, purpose: str) -> AccessRequest:
    """A request of the specialist, approved by the head, and one reading (a register line)."""
    request = services_use.create_request(
        actor=office.specialist,
        organization=office.org,
        dossiers=[dossier],
        purpose=purpose,
        mode="read",
        days=5,
    )
    services_use.decide_request(actor=office.leader, request=request, approve=True)
    services_use.read_dossier(actor=office.specialist, request=request, dossier=dossier)
    return request


def section(user: User) -> tuple[str, int]:
    client = web(user)
    client.get("/luu-tru/phan/khai-thac/")  # the session and positions, as on any page
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/luu-tru/phan/khai-thac/")
    assert answer.status_code == 200
    return answer.content.decode(), len(queries)


def test_the_section_shows_what_it_did_in_the_same_queries_for_more_rows(
    office: Office, settings: Any
) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    first = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    read_once(office, first, "Nghiên cứu lịch sử Đảng bộ")
    page, few = section(office.specialist)
    # The request's row: who, purpose, how, status, and the reader's link for the requester.
    assert str(office.specialist) in page and "Nghiên cứu lịch sử Đảng bộ" in page
    assert "Đọc trên hệ thống" in page and "đã duyệt" in page and "Đọc tài liệu" in page
    # The register's line: the dossier's code and who allowed it; the form's choice.
    assert "<td>01.VP</td>" in page and str(office.leader) in page
    assert f'<option value="{first.pk}">01.VP — ' in page
    for n in range(2, 7):
        dossier = closed(office, f"{n:02d}.VP", ended=datetime.date(2025, 6, 20))
        read_once(office, dossier, f"Tra cứu số {n}")
    page, many = section(office.specialist)
    assert many == few, (few, many)
    assert "Tra cứu số 6" in page and "<td>06.VP</td>" in page
    # Newest first: the last request and the last reading come before the first.
    assert page.index("Tra cứu số 6") < page.index("Nghiên cứu lịch sử Đảng bộ")
    assert page.index("<td>06.VP</td>") < page.index("<td>01.VP</td>")


def test_the_section_never_shows_another_organisations_use(office: Office, settings: Any) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    dossier = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    read_once(office, dossier, "Nghiên cứu lịch sử Đảng bộ")
    page, _ = section(office.outsider)
    assert "Nghiên cứu lịch sử Đảng bộ" not in page and "01.VP" not in page
    assert "Chưa có phiếu yêu cầu." in page and "Sổ chưa có dòng nào." in page


def test_requests_and_the_register_are_read_from_their_order_indexes(office: Office) -> None:
    # The archivist sees their own organisation; the head, the subtree below it.
    for user in (office.archivist, office.leader):
        requests = plan_of(selectors_more.requests(user)[:50])
        uses = plan_of(selectors_more.use_register(user)[:50])
        assert "access_request_newest" in requests, requests
        assert "use_entry_newest" in uses, uses
        for plan in (requests, uses):
            assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
