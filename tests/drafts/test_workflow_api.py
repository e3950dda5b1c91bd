"""Draft versions, reviews, initials (ký nháy) and approval (duyệt) before issuing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.drafts.conftest import client_for, pdf, post, upload
from vanthu.audit.models import Event
from vanthu.drafts.models import Approval, DraftVersion, Initial, Review
from vanthu.registry.models import Counter, Document


def _stored() -> tuple[int, int, int, int, int]:
    return (
        DraftVersion.objects.count(),
        Review.objects.count(),
        Initial.objects.count(),
        Approval.objects.count(),
        Event.objects.filter(action__startswith="drafts.").count(),
    )


def test_versions_are_numbered_kept_and_downloadable(people: Any, draft: Any) -> None:
    doc = draft()
    first = upload(people.drafter, doc["id"], comment="Bản đầu", body=b"%PDF-1.4 lan 1")
    second = upload(people.reviewer, doc["id"], comment="Sửa theo góp ý", body=b"%PDF-1.4 lan 2")
    assert first.status_code == 201, first.content
    assert second.status_code == 201, second.content
    assert (first.json()["number"], second.json()["number"]) == (1, 2)
    listed = client_for(people.head).get(f"/api/v1/outgoing/{doc['id']}/versions/").json()
    assert [(v["number"], v["comment"], v["author_name"]) for v in listed["versions"]] == [
        (1, "Bản đầu", "Người cv_tu"),
        (2, "Sửa theo góp ý", "Người cv2_tu"),
    ]
    assert listed["approved"] is False
    assert listed["missing_initials"] == ["drafter", "unit_head"]
    got = client_for(people.head).get(
        f"/api/v1/outgoing/{doc['id']}/versions/{first.json()['id']}/download/"
    )
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == b"%PDF-1.4 lan 1"  # type: ignore[attr-defined]


def test_reviews_are_kept_against_the_version_they_read(people: Any, draft: Any) -> None:
    doc = draft()
    upload(people.drafter, doc["id"])
    url = f"/api/v1/outgoing/{doc['id']}/reviews/"
    answer = post(people.reviewer, url, {"verdict": "agree_with_changes", "opinion": "Sửa mục 2"})
    assert answer.status_code == 201, answer.content
    upload(people.drafter, doc["id"])
    post(people.head, url, {"verdict": "agree", "opinion": "Nhất trí ban hành"})
    rows = client_for(people.drafter).get(url).json()
    assert [(r["version"], r["verdict"], r["reviewer_name"]) for r in rows] == [
        (1, "agree_with_changes", "Người cv2_tu"),
        (2, "agree", "Người ld_tu"),
    ]


def test_draft_review_initial_approve_issue(people: Any, draft: Any) -> None:
    doc = draft()
    url = f"/api/v1/outgoing/{doc['id']}"
    upload(people.drafter, doc["id"])
    post(people.reviewer, f"{url}/reviews/", {"verdict": "disagree", "opinion": "Chưa rõ"})
    upload(people.drafter, doc["id"])
    assert post(people.drafter, f"{url}/initial/", {"role": "drafter"}).status_code == 201
    assert post(people.head, f"{url}/initial/", {"role": "unit_head"}).status_code == 201
    approval = post(people.head, f"{url}/approve/", {"comment": "Đồng ý"})
    assert approval.status_code == 201, approval.content
    assert approval.json()["version"] == 2
    state = client_for(people.clerk).get(f"{url}/versions/").json()
    assert state["approved"] is True
    assert {(i["version"], i["role"]) for i in state["initials"]} == {
        (2, "drafter"),
        (2, "unit_head"),
    }
    issued = post(people.clerk, f"{url}/issue/")
    assert issued.status_code == 200, issued.content
    assert issued.json()["number_symbol"] == "01-CV/TU"


def test_issue_is_refused_until_the_latest_version_is_approved(people: Any, draft: Any) -> None:
    doc = draft()
    upload(people.drafter, doc["id"])
    answer = post(people.clerk, f"/api/v1/outgoing/{doc['id']}/issue/")
    assert answer.status_code == 400
    assert "chưa được lãnh đạo duyệt" in answer.json()["approval"][0]
    document = Document.objects.get(pk=doc["id"])
    assert (document.status, document.number) == ("draft", None)
    assert not Counter.objects.filter(last_number__gt=0).exists()


def test_a_version_after_approval_needs_a_new_approval(people: Any, approved: Any) -> None:
    doc = approved()
    upload(people.drafter, doc["id"])
    answer = post(people.clerk, f"/api/v1/outgoing/{doc['id']}/issue/")
    assert answer.status_code == 400
    assert "lần 2" in answer.json()["approval"][0]
    assert Document.objects.get(pk=doc["id"]).number is None


def test_without_versions_issue_works_as_before_unless_required(
    people: Any, draft: Any, settings: Any
) -> None:
    plain = draft()
    assert post(people.clerk, f"/api/v1/outgoing/{plain['id']}/issue/").status_code == 200
    settings.VANTHU_REQUIRE_APPROVAL = True
    other = draft()
    answer = post(people.clerk, f"/api/v1/outgoing/{other['id']}/issue/")
    assert answer.status_code == 400
    assert "approval" in answer.json()


def test_approval_needs_both_initials_and_stores_nothing_before(people: Any, draft: Any) -> None:
    doc = draft()
    url = f"/api/v1/outgoing/{doc['id']}"
    no_version = post(people.head, f"{url}/approve/")
    assert no_version.status_code == 400
    assert "Chưa có dự thảo" in no_version.json()["version"][0]
    upload(people.drafter, doc["id"])
    post(people.drafter, f"{url}/initial/", {"role": "drafter"})
    before = _stored()
    answer = post(people.head, f"{url}/approve/")
    assert answer.status_code == 400
    assert "lãnh đạo đơn vị soạn thảo" in answer.json()["initials"][0]
    assert _stored() == before


@pytest.mark.parametrize(
    ("who", "path", "body", "status"),
    [
        ("reviewer", "approve/", {}, 403),
        ("clerk", "approve/", {}, 403),
        ("reviewer", "initial/", {"role": "drafter"}, 403),
        ("drafter", "initial/", {"role": "unit_head"}, 403),
        ("drafter", "initial/", {"role": "chief"}, 400),
        ("drafter", "initial/", {}, 400),
        ("reviewer", "reviews/", {"verdict": "maybe", "opinion": "x"}, 400),
        ("reviewer", "reviews/", {"verdict": "agree", "opinion": "   "}, 400),
        ("reviewer", "reviews/", {"opinion": "Nhất trí"}, 400),
        ("clerk_du1", "reviews/", {"verdict": "agree", "opinion": "x"}, 404),
        ("clerk_du1", "approve/", {}, 404),
        ("clerk_du2", "initial/", {"role": "drafter"}, 404),
    ],
)
def test_wrong_people_and_bad_input_change_nothing(
    people: Any, draft: Any, who: str, path: str, body: dict[str, Any], status: int
) -> None:
    doc = draft()
    upload(people.drafter, doc["id"])
    before = _stored()
    answer = post(getattr(people, who), f"/api/v1/outgoing/{doc['id']}/{path}", body)
    assert answer.status_code == status, answer.content
    assert _stored() == before
    if status == 400:
        assert answer.json()  # a field error, in Vietnamese
        assert any(ord(ch) > 127 for ch in str(answer.json()))


def test_initial_twice_in_the_same_role_is_refused(people: Any, draft: Any) -> None:
    doc = draft()
    upload(people.drafter, doc["id"])
    url = f"/api/v1/outgoing/{doc['id']}/initial/"
    assert post(people.drafter, url, {"role": "drafter"}).status_code == 201
    again = post(people.drafter, url, {"role": "drafter"})
    assert again.status_code == 400
    assert "đã được ký nháy" in again.json()["role"][0]
    assert Initial.objects.count() == 1


def test_bad_uploads_are_refused_with_nothing_stored(people: Any, draft: Any) -> None:
    doc = draft()
    url = f"/api/v1/outgoing/{doc['id']}/versions/"
    c = client_for(people.drafter)
    missing = c.post(url, {"comment": "thiếu tệp"}, format="multipart")
    assert missing.status_code == 400
    assert "file" in missing.json()
    empty = c.post(
        url,
        {"file": pdf(body=b"")},
        format="multipart",
    )
    assert empty.status_code == 400
    assert empty.json()["file"] == ["Tệp rỗng."]
    # The type is read from the bytes, as for attached files (docs/capture.md): a text file or
    # a PNG named .pdf is refused, with nothing stored.
    before = _stored()
    text = c.post(
        url,
        {"file": SimpleUploadedFile("du-thao.txt", b"van ban thuong", "text/plain")},
        format="multipart",
    )
    assert text.status_code == 400
    assert "Không nhận dạng được loại tệp" in text.json()["file"][0]
    png = c.post(
        url,
        {"file": SimpleUploadedFile("du-thao.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")},
        format="multipart",
    )
    assert png.status_code == 400
    assert "đuôi .pdf" in png.json()["file"][0]
    assert _stored() == before
    assert DraftVersion.objects.count() == 0
    # A PDF sent with a wrong header is stored as what its bytes are.
    ok = c.post(
        url,
        {"file": SimpleUploadedFile("du-thao.pdf", b"%PDF-1.4 v", "text/plain")},
        format="multipart",
    )
    assert ok.status_code == 201, ok.content
    assert DraftVersion.objects.get().content_type == "application/pdf"


def test_an_issued_document_takes_no_more_drafting(people: Any, issued: Any) -> None:
    doc = issued()
    url = f"/api/v1/outgoing/{doc['id']}"
    before = _stored()
    assert upload(people.drafter, doc["id"]).status_code == 400
    review = post(people.reviewer, f"{url}/reviews/", {"verdict": "agree", "opinion": "Muộn"})
    assert review.status_code == 400
    assert "đã ban hành" in review.json()["status"][0]
    assert _stored() == before


def test_incoming_documents_are_not_drafts(people: Any, issued: Any) -> None:
    issued()
    copy = Document.objects.get(organization=people.clerk_du1.organization)
    answer = client_for(people.clerk_du1).get(f"/api/v1/outgoing/{copy.pk}/versions/")
    assert answer.status_code == 404
