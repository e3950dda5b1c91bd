"""Protection periods, extension, shortening, downgrade and declassification (Luật BVBMNN 2018
Điều 19–22): who may decide, what is recorded, and that bad input changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.access.conftest import Office, api
from vanthu.access.classified.periods import PERIOD_YEARS, add_years
from vanthu.access.models import ClassificationDecision, Protection
from vanthu.audit.models import Event
from vanthu.registry.models import Document

pytestmark = pytest.mark.django_db


def protection(office: Office, document: Document, user: Any = None) -> Any:
    return api(user or office.leader).get(f"/api/v1/documents/{document.pk}/protection/")


def events(document: Document, action: str) -> int:
    return Event.objects.filter(
        action=action, object_type="registry.document", object_id=str(document.pk)
    ).count()


def test_add_years_keeps_the_day_and_moves_29_february() -> None:
    assert add_years(datetime.date(2020, 2, 29), 10) == datetime.date(2030, 2, 28)
    assert add_years(datetime.date(2021, 3, 1), -10) == datetime.date(2011, 3, 1)


@pytest.mark.parametrize("level", ["confidential", "secret", "top_secret"])
def test_default_period_is_the_law_s_from_the_document_date(office: Office, level: str) -> None:
    issued = timezone.localdate() - datetime.timedelta(days=40)
    document = office.classified(level, issued_date=issued.isoformat())
    body = protection(office, document).json()
    assert body["starts_on"] == issued.isoformat()
    assert body["expires_on"] == add_years(issued, PERIOD_YEARS[level]).isoformat()
    assert body["decided"] is False and body["decisions"] == []
    assert body["days_left"] == (add_years(issued, PERIOD_YEARS[level]) - timezone.localdate()).days


def test_leader_extends_within_one_base_period_and_it_is_recorded(office: Office) -> None:
    document = office.classified("confidential")
    current = datetime.date.fromisoformat(protection(office, document).json()["expires_on"])
    new = add_years(current, 5)
    answer = api(office.leader).post(
        f"/api/v1/documents/{document.pk}/extend-protection/",
        {"expires_on": new.isoformat(), "reason": "Vẫn còn nguy hại", "decision_ref": "12-QĐ/TU"},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["expires_on"] == new.isoformat() and body["decided"] is True
    [decision] = body["decisions"]
    assert decision["kind"] == "extend" and decision["decision_ref"] == "12-QĐ/TU"
    assert decision["expires_before"] == current.isoformat()
    assert decision["decided_by_name"] == "Phạm Văn Lãnh Đạo"
    assert events(document, "document.extend") == 1


def test_an_earlier_end_is_recorded_as_shortening(office: Office) -> None:
    document = office.classified("secret")
    new = timezone.localdate() + datetime.timedelta(days=365)
    answer = api(office.leader).post(
        f"/api/v1/documents/{document.pk}/extend-protection/",
        {"expires_on": new.isoformat(), "reason": "Sự kiện đã công bố"},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["decisions"][0]["kind"] == "shorten"
    assert Protection.objects.get(document=document).expires_on == new


def _unchanged(document: Document) -> None:
    assert not ClassificationDecision.objects.filter(document=document).exists()
    assert not Protection.objects.filter(document=document).exists()
    assert Document.objects.get(pk=document.pk).secrecy == document.secrecy


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "x"}, "expires_on"),
        ({"expires_on": "31/12/2099", "reason": "x"}, "expires_on"),
        ({"expires_on": "TODAY", "reason": "x"}, "expires_on"),
        ({"expires_on": "TOO_FAR", "reason": "x"}, "expires_on"),
        ({"expires_on": "NEXT_YEAR", "reason": "  "}, "reason"),
        ({"expires_on": "NEXT_YEAR", "reason": "x", "decision_ref": "x" * 101}, "decision_ref"),
    ],
)
def test_bad_extensions_are_field_errors_and_change_nothing(
    office: Office, body: dict[str, str], field: str
) -> None:
    document = office.classified("confidential")
    current = datetime.date.fromisoformat(protection(office, document).json()["expires_on"])
    today = timezone.localdate()
    dates = {
        "TODAY": today,
        "TOO_FAR": add_years(current, 10) + datetime.timedelta(days=1),
        "NEXT_YEAR": today + datetime.timedelta(days=365),
    }
    data = {k: (dates[v].isoformat() if v in dates else v) for k, v in body.items()}
    answer = api(office.leader).post(
        f"/api/v1/documents/{document.pk}/extend-protection/", data, format="json"
    )
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    _unchanged(document)


def test_an_ended_period_cannot_be_extended(office: Office) -> None:
    issued = add_years(timezone.localdate(), -10) - datetime.timedelta(days=3)
    document = office.classified("confidential", issued_date=issued.isoformat())
    answer = api(office.leader).post(
        f"/api/v1/documents/{document.pk}/extend-protection/",
        {"expires_on": add_years(timezone.localdate(), 1).isoformat(), "reason": "Muộn"},
        format="json",
    )
    assert answer.status_code == 400
    assert "giải mật" in answer.json()["expires_on"][0]
    _unchanged(document)


def test_only_a_leader_decides_and_others_change_nothing(office: Office) -> None:
    document = office.classified("secret")
    # The clerk sees the document (she registered it) but does not lead the organisation.
    for path, body in (
        ("declassify", {"reason": "x"}),
        ("downgrade", {"reason": "x", "secrecy": "confidential"}),
        ("extend-protection", {"reason": "x", "expires_on": "2030-01-01"}),
    ):
        answer = api(office.clerk).post(
            f"/api/v1/documents/{document.pk}/{path}/", body, format="json"
        )
        assert answer.status_code == 403, (path, answer.content)
        # Users who may not see it get 404, whatever they send.
        for stranger in (office.specialist, office.uncleared, office.clerk_du2):
            answer = api(stranger).post(
                f"/api/v1/documents/{document.pk}/{path}/", body, format="json"
            )
            assert answer.status_code == 404, (path, stranger.username)
    _unchanged(document)


def test_declassified_document_becomes_ordinary_reindexed_and_audited(
    office: Office, django_capture_on_commit_callbacks: Any
) -> None:
    word = "giaimatthunghiem"
    with django_capture_on_commit_callbacks(execute=True):
        document = office.classified("secret", summary=f"Về việc {word} bảo vệ")
    # A colleague without a reason to know sees nothing of it yet.
    assert api(office.specialist).get(f"/api/v1/documents/{document.pk}/").status_code == 404
    assert api(office.specialist).get("/api/v1/search/", {"q": word}).json()["count"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        answer = api(office.leader).post(
            f"/api/v1/documents/{document.pk}/declassify/",
            {"reason": "Hết nguy hại", "decision_ref": "15-QĐ/TU"},
            format="json",
        )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["secrecy"] == "none" and body["expires_on"] is None
    assert body["declassified_on"] == timezone.localdate().isoformat()
    assert body["decisions"][0]["kind"] == "declassify"
    assert body["decisions"][0]["secrecy_before"] == "secret"
    assert Document.objects.get(pk=document.pk).secrecy == "none"
    assert events(document, "document.declassify") == 1
    assert api(office.specialist).get(f"/api/v1/documents/{document.pk}/").status_code == 200
    found = api(office.specialist).get("/api/v1/search/", {"q": word}).json()
    assert found["count"] == 1 and found["results"][0]["id"] == document.pk
    # Declassifying twice is refused: it is ordinary now.
    again = api(office.leader).post(
        f"/api/v1/documents/{document.pk}/declassify/", {"reason": "x"}, format="json"
    )
    assert again.status_code == 400 and "document" in again.json()


def test_declassification_needs_a_reason(office: Office) -> None:
    document = office.classified("secret")
    answer = api(office.leader).post(
        f"/api/v1/documents/{document.pk}/declassify/", {"reason": ""}, format="json"
    )
    assert answer.status_code == 400 and "reason" in answer.json()
    _unchanged(document)


def test_downgrade_lowers_the_level_and_restarts_the_period(office: Office) -> None:
    document = office.classified("top_secret")
    answer = api(office.leader).post(
        f"/api/v1/documents/{document.pk}/downgrade/",
        {"secrecy": "confidential", "reason": "Giảm mức nguy hại"},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    today = timezone.localdate()
    assert body["secrecy"] == "confidential"
    assert body["starts_on"] == today.isoformat()
    assert body["expires_on"] == add_years(today, 10).isoformat()
    assert Document.objects.get(pk=document.pk).secrecy == "confidential"
    assert events(document, "document.downgrade") == 1


@pytest.mark.parametrize("target", ["top_secret", "secret", "none", "bí mật"])
def test_downgrade_must_go_down_to_a_classified_level(office: Office, target: str) -> None:
    document = office.classified("secret")
    answer = api(office.leader).post(
        f"/api/v1/documents/{document.pk}/downgrade/",
        {"secrecy": target, "reason": "x"},
        format="json",
    )
    assert answer.status_code == 400 and "secrecy" in answer.json()
    _unchanged(document)


def test_ordinary_documents_take_no_protection_decision(office: Office) -> None:
    document = office.classified("none")
    answer = api(office.leader).post(
        f"/api/v1/documents/{document.pk}/extend-protection/",
        {"expires_on": "2099-01-01", "reason": "x"},
        format="json",
    )
    assert answer.status_code == 400 and "document" in answer.json()
    assert protection(office, document).json()["expires_on"] is None


def test_a_declassified_file_downloads_unmarked_and_whole(office: Office) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.security.conftest import body_of, pdf_with

    document = office.classified("secret")
    data = pdf_with("Noi dung da giai mat")
    upload = api(office.clerk).post(
        f"/api/v1/incoming/{document.pk}/files/",
        {"file": SimpleUploadedFile("mat.pdf", data, "application/pdf")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    url = f"/api/v1/documents/{document.pk}/files/{upload.json()['id']}/download/"
    assert body_of(api(office.leader).get(url)) != data  # marked while classified
    api(office.leader).post(
        f"/api/v1/documents/{document.pk}/declassify/", {"reason": "Hết nguy hại"}, format="json"
    )
    # The stored file stays encrypted at rest; the reader gets the original bytes, unmarked.
    assert body_of(api(office.specialist).get(url)) == data


def test_the_api_takes_the_decision_s_date_and_refuses_a_future_one(office: Office) -> None:
    document = office.classified("confidential", summary="Về việc ghi ngày quyết định")
    url = f"/api/v1/documents/{document.pk}/declassify/"
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    answer = api(office.leader).post(
        url, {"reason": "Hết nguy hại", "decided_on": tomorrow.isoformat()}, format="json"
    )
    assert answer.status_code == 400 and "decided_on" in answer.json()
    answer = api(office.leader).post(
        url, {"reason": "x", "decided_on": "24/13/2026"}, format="json"
    )
    assert answer.status_code == 400 and "decided_on" in answer.json()
    _unchanged(document)
    signed = timezone.localdate() - datetime.timedelta(days=1)
    answer = api(office.leader).post(
        url,
        {"reason": "Hết nguy hại", "decision_ref": "16-QĐ/TU", "decided_on": signed.isoformat()},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    decision = ClassificationDecision.objects.get(document=document)
    assert decision.decided_on == signed and decision.decision_ref == "16-QĐ/TU"
