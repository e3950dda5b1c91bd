"""Lập hồ sơ hàng loạt through ``POST /api/v1/dossiers/{id}/documents/bulk/`` (all or nothing)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.records.conftest import Office, client_for
from vanthu.audit.models import Event
from vanthu.records import services
from vanthu.records.models import Dossier, DossierDocument
from vanthu.records.services.bulk import MAX_BULK


def bulk_url(dossier: Dossier) -> str:
    return f"/api/v1/dossiers/{dossier.pk}/documents/bulk/"


def state(dossier: Dossier) -> tuple[Any, ...]:
    """What a refused request must leave untouched."""
    fresh = Dossier.objects.get(pk=dossier.pk)
    entries = list(DossierDocument.objects.values_list("dossier_id", "document_id", "position"))
    return (
        sorted(entries),
        fresh.document_count,
        fresh.page_count,
        fresh.secrecy,
        fresh.start_date,
        Event.objects.count(),
    )


def test_files_all_documents_in_the_order_given_with_one_result_each(office: Office) -> None:
    dossier = office.dossier()
    first = office.document(summary="Công văn một", issued=datetime.date(2026, 5, 4), pages=3)
    services.add_document(actor=office.clerk, dossier=dossier, document=first)
    b = office.document(summary="Công văn hai", issued=datetime.date(2026, 2, 1), pages=4)
    c = office.document(summary="Công văn ba", issued=datetime.date(2026, 9, 9), pages=1)
    events = Event.objects.count()
    answer = client_for(office.clerk).post(
        bulk_url(dossier), {"documents": [c.pk, b.pk]}, format="json"
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert [(r["document"]["id"], r["position"]) for r in body["results"]] == [
        (c.pk, 2),
        (b.pk, 3),
    ]
    assert all(r["is_original"] for r in body["results"])
    assert body["dossier"]["document_count"] == 3 and body["dossier"]["page_count"] == 8
    assert body["dossier"]["start_date"] == "2026-02-01"
    assert body["dossier"]["end_date"] == "2026-09-09"
    # One audit event for the whole filing, naming every document.
    added = Event.objects.order_by("pk")[events:]
    assert [e.action for e in added] == ["records.dossier.add_documents"]
    assert added[0].details["documents"] == [c.pk, b.pk]


def test_references_and_secrecy_rise(office: Office) -> None:
    home = office.dossier(code="01.VP")
    other = office.dossier(code="02.VP")
    ordinary = office.document()
    secret = office.document(secrecy="secret", summary="Kế hoạch bảo vệ")
    services.add_document(actor=office.clerk, dossier=home, document=ordinary)
    answer = client_for(office.clerk).post(
        bulk_url(other),
        {"documents": [ordinary.pk, secret.pk], "is_original": False},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["dossier"]["secrecy"] == "secret"
    assert not DossierDocument.objects.filter(dossier=other, is_original=True).exists()


def test_a_document_the_user_cannot_see_is_404_like_a_missing_one(office: Office) -> None:
    dossier = office.dossier(by=office.specialist)
    mine = office.document(summary="Thông báo chung")
    secret = office.document(secrecy="secret", summary="Tuyệt đối không lộ")
    client = client_for(office.specialist)
    before = state(dossier)
    hidden = client.post(bulk_url(dossier), {"documents": [mine.pk, secret.pk]}, format="json")
    missing = client.post(bulk_url(dossier), {"documents": [mine.pk, 10**9]}, format="json")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert "Tuyệt đối" not in hidden.content.decode()
    assert state(dossier) == before


def test_each_problem_is_reported_against_its_document_and_nothing_is_stored(
    office: Office,
) -> None:
    dossier = office.dossier(code="01.VP")
    elsewhere = office.dossier(code="02.VP")
    inside = office.document(summary="Đã ở trong hồ sơ")
    original = office.document(summary="Bản chính ở hồ sơ khác")
    good = office.document(summary="Văn bản tốt")
    services.add_document(actor=office.clerk, dossier=dossier, document=inside)
    services.add_document(actor=office.clerk, dossier=elsewhere, document=original)
    before = state(dossier)
    answer = client_for(office.clerk).post(
        bulk_url(dossier),
        {"documents": [good.pk, inside.pk, original.pk, good.pk]},
        format="json",
    )
    assert answer.status_code == 400, answer.content
    problems = answer.json()["documents"]
    assert set(problems) == {str(inside.pk), str(original.pk), str(good.pk)}
    assert "đã có trong hồ sơ này" in problems[str(inside.pk)][0]
    assert "bản lưu chính" in problems[str(original.pk)][0]
    assert "hai lần" in problems[str(good.pk)][0]
    assert state(dossier) == before


def test_a_document_of_another_organisation_is_refused(office: Office) -> None:
    # The city committee's head sees the office's documents (a leader sees below), yet files
    # into a committee dossier only the committee's own.
    dossier = services.create_dossier(
        actor=office.tu_head,
        organization=office.city.tu,
        data={"code": "01.TU", "title": "Hồ sơ Thành ủy", "year": 2026},
    )
    own = office.document(summary="Của Thành ủy", by=office.tu_head, organization=office.city.tu)
    office_document = office.document(summary="Của Văn phòng")
    before = state(dossier)
    answer = client_for(office.tu_head).post(
        bulk_url(dossier), {"documents": [own.pk, office_document.pk]}, format="json"
    )
    assert answer.status_code == 400, answer.content
    assert list(answer.json()["documents"]) == [str(office_document.pk)]
    assert "chính tổ chức" in answer.json()["documents"][str(office_document.pk)][0]
    assert state(dossier) == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"documents": []},
        {"documents": "1,2"},
        {"documents": ["một"]},
        {"documents": [0]},
        {"documents": [-4]},
        {"documents": [1], "is_original": "có lẽ"},
        {"documents": list(range(1, MAX_BULK + 2))},
    ],
)
def test_bad_bodies_are_field_errors(office: Office, body: dict[str, Any]) -> None:
    dossier = office.dossier()
    before = state(dossier)
    answer = client_for(office.clerk).post(bulk_url(dossier), body, format="json")
    assert answer.status_code == 400, answer.content
    assert set(answer.json()) <= {"documents", "is_original"}
    assert state(dossier) == before


def test_a_closed_dossier_takes_nothing(office: Office) -> None:
    dossier = office.dossier()
    services.add_document(actor=office.clerk, dossier=dossier, document=office.document())
    services.close_dossier(actor=office.clerk, dossier=dossier)
    late = office.document(summary="Đến muộn")
    before = state(dossier)
    answer = client_for(office.clerk).post(
        bulk_url(dossier), {"documents": [late.pk]}, format="json"
    )
    assert answer.status_code == 400 and "dossier" in answer.json()
    assert state(dossier) == before


def test_who_may_file(office: Office) -> None:
    dossier = office.dossier()
    document = office.document()
    # A member with no part in the dossier: 403; another organisation's clerk: 404.
    other = client_for(office.specialist).post(
        bulk_url(dossier), {"documents": [document.pk]}, format="json"
    )
    outsider = client_for(office.outsider).post(
        bulk_url(dossier), {"documents": [document.pk]}, format="json"
    )
    assert other.status_code == 403 and outsider.status_code == 404
    assert not DossierDocument.objects.exists()


def test_the_number_of_queries_does_not_grow_with_the_documents(office: Office) -> None:
    counts = []
    for n, code in ((3, "01.VP"), (15, "02.VP")):
        dossier = office.dossier(code=code)
        ids = [office.document(summary=f"Văn bản {i}").pk for i in range(n)]
        client = client_for(office.clerk)
        with CaptureQueriesContext(connection) as queries:
            answer = client.post(bulk_url(dossier), {"documents": ids}, format="json")
        assert answer.status_code == 201, answer.content
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
