"""Khai thác of classified dossiers: addressed to a cleared head, decided by that head only,
read through grants that end with the reading period."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from tests.records.conftest import Office, client_for
from vanthu.access.models import Grant
from vanthu.archive import selectors_more, services_reading, services_use
from vanthu.archive.models import AccessRequest, UseEntry
from vanthu.audit.models import Event as AuditEvent
from vanthu.orgs.models import User
from vanthu.records import services as records
from vanthu.records.models import Dossier
from vanthu.registry.models import Document


def secret_dossier(office: Office, reader: User) -> tuple[Dossier, Document]:
    """A closed dossier holding a secret document registered by the clerk; ``reader`` is the
    person making the dossier, so sees it, but not the document (not its participant)."""
    dossier = office.dossier(code="02.VP", responsible=reader)
    document = office.document(secrecy="secret", summary="Về công tác bảo vệ nội bộ")
    records.add_document(actor=office.clerk, dossier=dossier, document=document)
    return records.close_dossier(actor=office.clerk, dossier=dossier), document


@pytest.fixture
def reader(office: Office, make_user: Callable[..., User]) -> User:
    return make_user(
        username="cv_mat", organization=office.org, roles=["specialist"], clearance="secret"
    )


def ask(office: Office, reader: User, dossier: Dossier, **kw: object) -> AccessRequest:
    data: dict[str, Any] = {
        "purpose": "Nghiên cứu phục vụ tổng kết công tác bảo vệ nội bộ",
        "mode": "read",
        "days": 3,
        "addressed_to": office.leader,
        **kw,
    }
    return services_use.create_request(
        actor=reader, organization=office.org, dossiers=[dossier], **data
    )


def test_classified_request_needs_a_cleared_head(
    office: Office, reader: User, make_user: Callable[..., User]
) -> None:
    dossier, _ = secret_dossier(office, reader)
    uncleared = make_user(username="pcvp", organization=office.org, roles=["leader"])
    events = AuditEvent.objects.count()
    for head, words in (
        (None, "phải chọn lãnh đạo"),
        (uncleared, "được tiếp cận độ mật"),  # a leader without clearance
        (office.archivist, "phải là lãnh đạo"),  # cleared, but no leader
        (reader, "không phải người yêu cầu"),
        (User(pk=987654), "phải là lãnh đạo"),  # no such user
    ):
        with pytest.raises(ValidationError) as err:
            ask(office, reader, dossier, addressed_to=head)
        assert words in err.value.message_dict["addressed_to"][0]
    assert not AccessRequest.objects.exists()
    assert AuditEvent.objects.count() == events


def test_head_decides_and_reader_reads_within_the_period_only(
    office: Office, reader: User, make_user: Callable[..., User]
) -> None:
    dossier, document = secret_dossier(office, reader)
    other = make_user(
        username="pbt", organization=office.org, roles=["leader"], clearance="top_secret"
    )
    req = ask(office, reader, dossier)
    assert req.secrecy == "secret" and req.addressed_to_id == office.leader.pk
    # Another leader without clearance does not see it (404); a cleared one who is not the
    # head it is addressed to does not either (need-to-know).
    for leader in (office.tu_head, other):
        with pytest.raises(Http404):
            selectors_more.get_request(leader, req.pk)
        with pytest.raises(Http404):
            services_use.decide_request(actor=leader, request=req, approve=True)
        assert not selectors_more.requests(leader).filter(pk=req.pk).exists()
    # Before approval the reader does not see the secret document.
    assert list(services_reading.request_documents(reader, req)) == []
    services_use.decide_request(actor=office.leader, request=req, approve=True)
    req.refresh_from_db()
    assert req.status == AccessRequest.Status.APPROVED
    grants = Grant.objects.filter(grantee=reader)
    assert {g.expires_at for g in grants} == {req.valid_until}
    assert grants.count() == 2  # the dossier and its secret document
    room = services_reading.reading_room(actor=reader, request_pk=req.pk)
    assert [d.pk for d in room.documents] == [document.pk]
    services_use.read_dossier(actor=reader, request=req, dossier=dossier)
    assert AuditEvent.objects.filter(action="archive.use.read").count() == 1
    assert UseEntry.objects.filter(request=req, action="view").count() == 1
    # After the period: the service refuses and the grants no longer open the document.
    late = timezone.now() + datetime.timedelta(days=4)
    with pytest.raises(ValidationError):
        services_use.read_dossier(actor=reader, request=req, dossier=dossier, now=late)
    past = timezone.now() - datetime.timedelta(seconds=1)
    AccessRequest.objects.filter(pk=req.pk).update(valid_until=past)  # the period is over
    grants.update(expires_at=past)
    assert list(services_reading.request_documents(reader, req)) == []
    with pytest.raises(services_reading.ReadingClosed):
        services_reading.reading_room(actor=reader, request_pk=req.pk)


def test_only_the_addressed_head_decides(office: Office, make_user: Callable[..., User]) -> None:
    # Ordinary material may be addressed too; then the other leaders may see it, not decide.
    from tests.archive.test_transfer import closed

    dossier = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    req = ask(office, office.specialist, dossier)
    with pytest.raises(PermissionDenied):
        services_use.decide_request(actor=office.tu_head, request=req, approve=True)
    req.refresh_from_db()
    assert req.status == AccessRequest.Status.SUBMITTED and req.decided_by_id is None
    services_use.decide_request(actor=office.leader, request=req, approve=False, note="Chưa cần")
    assert not Grant.objects.exists()


def test_api_addresses_the_request_and_the_head_decides(office: Office, reader: User) -> None:
    dossier, _ = secret_dossier(office, reader)
    body = {
        "dossiers": [dossier.pk],
        "purpose": "Nghiên cứu phục vụ tổng kết công tác bảo vệ nội bộ",
        "mode": "read",
        "days": 2,
    }
    api = client_for(reader)
    refused = api.post("/api/v1/access-requests/", body, format="json")
    assert refused.status_code == 400 and "addressed_to" in refused.json()
    made = api.post(
        "/api/v1/access-requests/", {**body, "addressed_to": office.leader.pk}, format="json"
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["addressed_to"] == office.leader.pk
    assert client_for(office.tu_head).get(f"/api/v1/access-requests/{pk}/").status_code == 404
    decided = client_for(office.leader).post(
        f"/api/v1/access-requests/{pk}/decide/", {"approve": True}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"


def test_conditional_dossier_needs_a_purpose_and_no_plain_copy(office: Office) -> None:
    from tests.archive.test_transfer import closed

    dossier = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    records.set_access_regime(actor=office.clerk, dossier=dossier, access_regime="02")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as err:
        ask(office, office.specialist, dossier, purpose="Tra cứu", mode="copy", addressed_to=None)
    assert "ít nhất 30 ký tự" in err.value.message_dict["purpose"][0]
    assert "bản sao không xác thực" in err.value.message_dict["mode"][0]
    assert not AccessRequest.objects.exists() and AuditEvent.objects.count() == events
    # A stated purpose and a certified copy: asked, and decided by a leader as usual.
    req = ask(office, office.specialist, dossier, mode="certified_copy", addressed_to=None)
    services_use.decide_request(actor=office.tu_head, request=req, approve=True)
    assert AccessRequest.objects.get().status == AccessRequest.Status.APPROVED


def test_secret_regime_needs_a_head_and_clearance(office: Office, reader: User) -> None:
    from tests.archive.test_transfer import closed

    plain = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    records.set_access_regime(actor=office.clerk, dossier=plain, access_regime="03")
    with pytest.raises(ValidationError) as err:
        ask(office, office.specialist, plain, addressed_to=None)
    assert "phải chọn lãnh đạo" in err.value.message_dict["addressed_to"][0]
    assert ask(office, office.specialist, plain).addressed_to_id == office.leader.pk
    # A classified dossier: a user whose clearance does not cover it cannot ask (404).
    secret, _ = secret_dossier(office, reader)
    Dossier.objects.filter(pk=secret.pk).update(responsible=office.specialist)
    with pytest.raises(Http404):
        ask(office, office.specialist, Dossier.objects.get(pk=secret.pk))
    assert AccessRequest.objects.count() == 1
