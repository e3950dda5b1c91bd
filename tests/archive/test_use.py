"""Khai thác: the request, approval by another leader, the reading period, loans, the register."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from tests.archive.test_transfer import closed
from tests.records.conftest import Office
from vanthu.archive import selectors_more, services_use
from vanthu.archive.models import AccessRequest, UseEntry


def request(office: Office, mode: str = "read") -> AccessRequest:
    dossier = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    return services_use.create_request(
        actor=office.specialist,
        organization=office.org,
        dossiers=[dossier],
        purpose="Nghiên cứu lịch sử Đảng bộ",
        mode=mode,
        days=5,
    )


def test_read_within_period_then_refused(office: Office) -> None:
    req = request(office)
    dossier = req.items.get().dossier
    with pytest.raises(ValidationError):  # not approved yet
        services_use.read_dossier(actor=office.specialist, request=req, dossier=dossier)
    with pytest.raises(PermissionDenied):
        services_use.decide_request(actor=office.clerk, request=req, approve=True)
    services_use.decide_request(actor=office.leader, request=req, approve=True)
    services_use.read_dossier(actor=office.specialist, request=req, dossier=dossier)
    late = timezone.now() + datetime.timedelta(days=6)
    with pytest.raises(ValidationError) as err:
        services_use.read_dossier(actor=office.specialist, request=req, dossier=dossier, now=late)
    assert "hết thời hạn" in err.value.message_dict["request"][0]
    register = list(selectors_more.use_register(office.leader))
    assert {e.action for e in register} == {"read", "view"}
    assert list(selectors_more.use_register(office.outsider)) == []


def test_leader_may_not_approve_own_request(office: Office) -> None:
    dossier = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    req = services_use.create_request(
        actor=office.leader,
        organization=office.org,
        dossiers=[dossier],
        purpose="Tra cứu",
        mode="copy",
        days=3,
    )
    with pytest.raises(PermissionDenied):
        services_use.decide_request(actor=office.leader, request=req, approve=True)
    req.refresh_from_db()
    assert req.status == AccessRequest.Status.SUBMITTED


def test_bad_requests_store_nothing(office: Office) -> None:
    dossier = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    with pytest.raises(ValidationError) as err:
        services_use.create_request(
            actor=office.specialist,
            organization=office.org,
            dossiers=[dossier],
            purpose=" ",
            mode="steal",
            days=16,
        )
    assert set(err.value.message_dict) == {"purpose", "mode", "days"}
    with pytest.raises(Http404):
        services_use.create_request(
            actor=office.outsider,
            organization=office.outsider.organization,
            dossiers=[dossier],
            purpose="x",
            mode="read",
            days=1,
        )
    assert not AccessRequest.objects.exists()


def test_loan_returned_once(office: Office) -> None:
    req = request(office, mode="borrow")
    services_use.decide_request(actor=office.leader, request=req, approve=True)
    services_use.return_loan(actor=office.archivist, request=req)
    with pytest.raises(ValidationError) as err:
        services_use.return_loan(actor=office.archivist, request=req)
    assert "đã được trả" in err.value.message_dict["request"][0]
    assert UseEntry.objects.filter(action="returned").count() == 1


def test_request_is_404_for_outsider(office: Office) -> None:
    req = request(office)
    with pytest.raises(Http404):
        selectors_more.get_request(office.outsider, req.pk)
    with pytest.raises(Http404):
        services_use.decide_request(actor=office.outsider, request=req, approve=True)
    with pytest.raises(Http404):  # another reader may not use this request
        services_use.read_dossier(actor=office.clerk, request=req, dossier=req.items.get().dossier)
