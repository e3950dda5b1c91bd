"""The dossier and file plan calls (docs/api.md "Dossiers", docs/records.md)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.records.conftest import Office, client_for
from vanthu.records import services
from vanthu.records.models import Dossier, DossierDocument, FilePlan


def test_the_three_calls_of_api_md(office: Office) -> None:
    client = client_for(office.clerk)
    answer = client.post(
        "/api/v1/dossiers/",
        {
            "code": "01.TH",
            "title": "Hồ sơ hội nghị tổng kết",
            "year": 2026,
            "retention_years": None,
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["retention_years"] is None and body["retention_code"] == "01"
    assert body["organization"] == office.org.pk and body["status"] == "open"
    pk = body["id"]
    document = office.document(pages=5)
    attached = client.post(
        f"/api/v1/dossiers/{pk}/documents/", {"document": document.pk}, format="json"
    )
    assert attached.status_code == 201, attached.content
    assert attached.json()["position"] == 1 and attached.json()["document"]["id"] == document.pk
    closed = client.post(f"/api/v1/dossiers/{pk}/close/", {}, format="json")
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["page_count"] == 5
    detail = client.get(f"/api/v1/dossiers/{pk}/").json()
    assert [d["document"]["summary"] for d in detail["documents"]] == [document.summary]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "01", "title": "Hồ sơ", "year": 2026, "retention_years": -3}, "retention_years"),
        (
            {"code": "01", "title": "Hồ sơ", "year": 2026, "retention_years": 5000},
            "retention_years",
        ),
        ({"code": "01", "title": "Hồ sơ", "year": "năm nay"}, "year"),
        ({"code": "01", "title": "Hồ sơ", "year": 1200}, "year"),
        ({"code": "", "title": "Hồ sơ", "year": 2026}, "code"),
        ({"code": "01", "title": " ", "year": 2026}, "title"),
        ({"code": "01", "title": "Hồ sơ", "year": 2026, "retention_code": "99"}, "retention_code"),
        ({"code": "01", "title": "Hồ sơ", "year": 2026, "plan_item": 999999}, "plan_item"),
        ({"code": "01", "title": "Hồ sơ", "year": 2026, "responsible": 999999}, "responsible"),
    ],
)
def test_bad_dossier_input_is_400_with_field_errors(
    office: Office, body: dict[str, Any], field: str
) -> None:
    answer = client_for(office.clerk).post("/api/v1/dossiers/", body, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    assert not Dossier.objects.exists()


def test_duplicate_code_is_400(office: Office) -> None:
    office.dossier(code="01.TH")
    answer = client_for(office.clerk).post(
        "/api/v1/dossiers/", {"code": "01.TH", "title": "Khác", "year": 2026}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == [
        "Số và ký hiệu hồ sơ 01.TH đã có trong năm 2026. (NĐ 30/2020 Phụ lục V: số hồ sơ gồm "
        "số thứ tự và chữ viết tắt đề mục lớn, ví dụ 01.TCCB)"
    ]
    assert Dossier.objects.count() == 1


def test_attach_errors_change_nothing(office: Office) -> None:
    dossier = office.dossier(by=office.specialist)
    secret = office.document(secrecy="secret", summary="Về nhân sự chủ chốt")
    client = client_for(office.specialist)
    url = f"/api/v1/dossiers/{dossier.pk}/documents/"
    hidden = client.post(url, {"document": secret.pk}, format="json")
    missing = client.post(url, {"document": 99999999}, format="json")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert client.post(url, {"document": "abc"}, format="json").status_code == 400
    empty = client.post(f"/api/v1/dossiers/{dossier.pk}/close/", {}, format="json")
    assert empty.status_code == 400 and "dossier" in empty.json()
    document = office.document()
    assert client.post(url, {"document": document.pk}, format="json").status_code == 201
    twice = client.post(url, {"document": document.pk}, format="json")
    assert twice.status_code == 400 and "document" in twice.json()
    assert (
        client.post(f"/api/v1/dossiers/{dossier.pk}/close/", {}, format="json").status_code == 200
    )
    late = client.post(url, {"document": office.document().pk}, format="json")
    assert late.status_code == 400 and "dossier" in late.json()
    dossier.refresh_from_db()
    assert dossier.secrecy == "none" and dossier.document_count == 1
    assert DossierDocument.objects.count() == 1


def test_a_dossier_of_another_organisation_is_404_everywhere(office: Office) -> None:
    dossier = office.dossier()
    document = office.document()
    client = client_for(office.outsider)
    assert client.get(f"/api/v1/dossiers/{dossier.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/dossiers/{dossier.pk}/documents/", {"document": document.pk}, format="json"
        ).status_code
        == 404
    )
    assert (
        client.post(f"/api/v1/dossiers/{dossier.pk}/close/", {}, format="json").status_code == 404
    )
    reopen = client.post(f"/api/v1/dossiers/{dossier.pk}/reopen/", {"reason": "x"}, format="json")
    assert reopen.status_code == 404
    assert client.get("/api/v1/dossiers/").json()["count"] == 0
    created = client.post(
        "/api/v1/dossiers/",
        {"code": "09", "title": "Hồ sơ", "year": 2026, "organization": office.org.pk},
        format="json",
    )
    assert created.status_code == 404
    assert Dossier.objects.count() == 1 and dossier.entries.count() == 0


def test_a_classified_dossier_never_leaks(office: Office) -> None:
    """A dossier holding a secret document is secret: 404, absent from lists and counts."""
    dossier = office.dossier(title="Hồ sơ nhân sự đại hội", responsible=office.leader)
    services.add_document(actor=office.clerk, dossier=dossier, document=office.document())
    secret = office.document(secrecy="secret", summary="Danh sách nhân sự dự kiến")
    services.add_document(actor=office.clerk, dossier=dossier, document=secret)
    office.dossier(code="02.VP", title="Hồ sơ thường")
    for user in (office.specialist, office.archivist, office.outsider):
        client = client_for(user)
        assert client.get(f"/api/v1/dossiers/{dossier.pk}/").status_code == 404
        listing = client.get("/api/v1/dossiers/", {"q": "nhân sự"})
        assert listing.json()["count"] == 0, user
        assert b"nh\xc3\xa2n s\xe1\xbb\xb1" not in client.get("/api/v1/dossiers/").content
        assert (
            client.post(f"/api/v1/dossiers/{dossier.pk}/close/", {}, format="json").status_code
            == 404
        )
    # The clerk who made it sees everything in it.
    mine = client_for(office.clerk).get(f"/api/v1/dossiers/{dossier.pk}/").json()
    assert mine["secrecy"] == "secret" and len(mine["documents"]) == 2
    # The responsible leader sees the dossier, but not the document he has no part in.
    theirs = client_for(office.leader).get(f"/api/v1/dossiers/{dossier.pk}/")
    assert theirs.status_code == 200
    assert len(theirs.json()["documents"]) == 1
    assert "Danh sách nhân sự dự kiến".encode() not in theirs.content
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.OPEN


def test_list_filters_and_paginates_in_a_fixed_number_of_queries(office: Office) -> None:
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            answer = client_for(office.clerk).get("/api/v1/dossiers/", {"page_size": 50})
        assert answer.status_code == 200
        return len(ctx.captured_queries)

    office.dossier(code="01.VP")
    office.dossier(code="02.VP", year=2025, title="Hồ sơ tiếp dân")
    few = count_queries()
    for n in range(3, 9):
        office.dossier(code=f"{n:02d}.VP")
    assert count_queries() == few <= 6
    client = client_for(office.clerk)
    assert client.get("/api/v1/dossiers/", {"year": 2025}).json()["count"] == 1
    assert client.get("/api/v1/dossiers/", {"year": "x"}).json()["count"] == 0
    assert client.get("/api/v1/dossiers/", {"q": "tiếp dân"}).json()["count"] == 1
    assert client.get("/api/v1/dossiers/", {"status": "closed"}).json()["count"] == 0
    page = client.get("/api/v1/dossiers/", {"page_size": 3}).json()
    assert page["count"] == 8 and len(page["results"]) == 3 and page["next"]


def test_reopen_through_the_api(office: Office) -> None:
    dossier = office.dossier()
    services.add_document(actor=office.clerk, dossier=dossier, document=office.document())
    services.close_dossier(actor=office.clerk, dossier=dossier)
    url = f"/api/v1/dossiers/{dossier.pk}/reopen/"
    assert (
        client_for(office.clerk).post(url, {"reason": "Bổ sung"}, format="json").status_code == 403
    )
    assert client_for(office.leader).post(url, {"reason": ""}, format="json").status_code == 400
    answer = client_for(office.leader).post(url, {"reason": "Bổ sung"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "open"


def test_remove_a_document_through_the_api(office: Office) -> None:
    dossier = office.dossier()
    document = office.document()
    services.add_document(actor=office.clerk, dossier=dossier, document=document)
    client = client_for(office.clerk)
    url = f"/api/v1/dossiers/{dossier.pk}/documents/{document.pk}/"
    assert client.delete(url).status_code == 204
    assert client.delete(url).status_code == 404
    assert dossier.entries.count() == 0


def test_file_plan_calls(office: Office) -> None:
    clerk = client_for(office.clerk)
    created = clerk.post("/api/v1/file-plans/", {"year": 2026}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert clerk.post("/api/v1/file-plans/", {"year": 2026}, format="json").status_code == 400
    heading = clerk.post(
        f"/api/v1/file-plans/{pk}/headings/",
        {"title": "Tổ chức, cán bộ", "abbreviation": "TCCB"},
        format="json",
    )
    assert heading.status_code == 201 and heading.json()["label"] == "I"
    item = clerk.post(
        f"/api/v1/file-plans/{pk}/items/",
        {"heading": heading.json()["id"], "title": "Hồ sơ quy hoạch", "retention_years": 20},
        format="json",
    )
    assert item.status_code == 201, item.content
    assert item.json()["code"] == "01.TCCB" and item.json()["retention_code"] == "05"
    bad = clerk.post(
        f"/api/v1/file-plans/{pk}/items/",
        {"heading": heading.json()["id"], "title": "X", "retention_years": -1},
        format="json",
    )
    assert bad.status_code == 400 and "retention_years" in bad.json()
    assert clerk.post(f"/api/v1/file-plans/{pk}/approve/", {}, format="json").status_code == 403
    assert FilePlan.objects.get(pk=pk).status == "draft"
    approved = client_for(office.leader).post(
        f"/api/v1/file-plans/{pk}/approve/", {}, format="json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    detail = clerk.get(f"/api/v1/file-plans/{pk}/").json()
    assert detail["counts"] == {"total": 1, "permanent": 0, "limited": 1}
    assert [i["code"] for i in detail["items"]] == ["01.TCCB"]
    opened = client_for(office.specialist).post(
        "/api/v1/dossiers/", {"plan_item": item.json()["id"]}, format="json"
    )
    assert opened.status_code == 201 and opened.json()["code"] == "01.TCCB"
    copy = clerk.post("/api/v1/file-plans/copy/", {"year": 2027}, format="json")
    assert copy.status_code == 201 and copy.json()["items"][0]["code"] == "01.TCCB"
    outsider = client_for(office.outsider)
    assert outsider.get(f"/api/v1/file-plans/{pk}/").status_code == 404
    assert outsider.get("/api/v1/file-plans/").json()["count"] == 0
    assert clerk.get("/api/v1/file-plans/", {"year": 2027}).json()["count"] == 1


def test_retention_tables_are_listed(office: Office) -> None:
    client = client_for(office.specialist)
    schedules = client.get("/api/v1/retention-schedules/").json()
    assert {s["kind"] for s in schedules} == {"state", "party"}
    assert all(s["is_sample"] for s in schedules)
    party = next(s["id"] for s in schedules if s["kind"] == "party")
    rules = client.get("/api/v1/retention-rules/", {"schedule": party}).json()
    assert rules["count"] == 9
    found = client.get("/api/v1/retention-rules/", {"q": "đại hội"}).json()
    assert found["count"] >= 1


@pytest.mark.once
def test_every_call_is_in_the_openapi_schema(office: Office) -> None:
    schema = client_for(office.clerk).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/dossiers/",
        "/api/v1/dossiers/{id}/",
        "/api/v1/dossiers/{id}/documents/",
        "/api/v1/dossiers/{id}/close/",
        "/api/v1/dossiers/{id}/reopen/",
        "/api/v1/file-plans/",
        "/api/v1/file-plans/{id}/approve/",
        "/api/v1/retention-rules/",
    ):
        assert path in paths, path
