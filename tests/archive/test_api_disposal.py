"""Disposal through the API: the review list, the list and council, votes, decision, execution."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from tests.archive.test_disposal import expired
from tests.records.conftest import Office, client_for
from vanthu.archive.models import CouncilMember, Disposal, LegalHold
from vanthu.core import blobstore
from vanthu.registry.models import DocumentFile


def body(office: Office, dossiers: list[int]) -> dict[str, Any]:
    return {
        "dossiers": dossiers,
        "title": "Danh mục tài liệu hết giá trị",
        "explanatory_note": "Hết thời hạn bảo quản theo bảng thời hạn.",
        "council": [
            {"member": office.leader.pk, "role": "Chủ tịch hội đồng"},
            {"member": office.archivist.pk, "role": "Thành viên"},
            {"member": office.clerk.pk, "role": "Thư ký"},
        ],
    }


def test_review_list(office: Office) -> None:
    old = expired(office, "01.VP")
    expired(office, "02.VP", years=None)
    listed = client_for(office.archivist).get("/api/v1/disposals/review/").json()
    assert [d["id"] for d in listed["results"]] == [old.pk]
    assert listed["results"][0]["on_hold"] is False
    assert client_for(office.outsider).get("/api/v1/disposals/review/").json()["count"] == 0


def test_create_disposal_bad_input_stores_nothing(office: Office) -> None:
    old = expired(office, "01.VP")
    permanent = expired(office, "02.VP", years=None)
    api = client_for(office.archivist)
    bad = api.post(
        "/api/v1/disposals/",
        {**body(office, [permanent.pk]), "title": "", "explanatory_note": "", "council": []},
        format="json",
    )
    assert bad.status_code == 400
    assert {"dossiers", "title", "explanatory_note", "council"} <= set(bad.json())
    assert "vĩnh viễn" in bad.json()["dossiers"][0]
    twice = body(office, [old.pk])
    twice["council"] = [twice["council"][0]] * 3
    assert api.post("/api/v1/disposals/", twice, format="json").status_code == 400
    ghost = body(office, [old.pk])
    ghost["council"][2]["member"] = 10**6
    answer = api.post("/api/v1/disposals/", ghost, format="json")
    assert answer.status_code == 400 and "council" in answer.json()
    assert api.post("/api/v1/disposals/", body(office, [10**6]), format="json").status_code == 404
    foreign = client_for(office.outsider).post(
        "/api/v1/disposals/", body(office, [old.pk]), format="json"
    )
    assert foreign.status_code in (403, 404)
    clerk = client_for(office.clerk).post(
        "/api/v1/disposals/", body(office, [old.pk]), format="json"
    )
    assert clerk.status_code == 403
    assert not Disposal.objects.exists() and not CouncilMember.objects.exists()


def test_full_disposal_through_the_api(
    office: Office, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = expired(office, "01.VP", file=b"noi dung het gia tri qua api")
    sha = DocumentFile.objects.get(document__dossier_entries__dossier=dossier).sha256
    api = client_for(office.archivist)
    made = api.post("/api/v1/disposals/", body(office, [dossier.pk]), format="json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert [d["code"] for d in made.json()["dossiers"]] == ["01.VP"]
    assert client_for(office.outsider).get(f"/api/v1/disposals/{pk}/").status_code == 404
    vote = f"/api/v1/disposals/{pk}/vote/"
    assert client_for(office.specialist).post(vote, {"agree": True}, format="json").status_code in (
        403,
        404,
    )
    assert api.post(vote, {}, format="json").status_code == 400
    approve_url = f"/api/v1/disposals/{pk}/approve/"
    decision = {"decision_number": "15/QĐ-VPTU", "meeting_record": "Biên bản họp ngày 01/06"}
    early = client_for(office.tu_head).post(approve_url, decision, format="json")
    assert early.status_code in (400, 403, 404)
    for member in (office.leader, office.archivist, office.clerk):
        answer = client_for(member).post(vote, {"agree": True, "opinion": "Đồng ý"}, format="json")
        assert answer.status_code == 200, answer.content
    # The author may not approve; the decision needs a number and a record.
    assert api.post(approve_url, decision, format="json").status_code == 403
    blank = client_for(office.leader).post(
        approve_url, {"decision_number": "", "meeting_record": ""}, format="json"
    )
    assert blank.status_code == 400
    assert {"decision_number", "meeting_record"} <= set(blank.json())
    assert Disposal.objects.get().status == "draft"
    approved = client_for(office.leader).post(approve_url, decision, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    execute = f"/api/v1/disposals/{pk}/execute/"
    empty = api.post(execute, {"handover_record": "", "destruction_record": " "}, format="json")
    assert empty.status_code == 400 and "handover_record" in empty.json()
    assert blobstore.exists(sha)
    with django_capture_on_commit_callbacks(execute=True):
        done = api.post(
            execute,
            {"handover_record": "Bàn giao ngày 02/06", "destruction_record": "Hủy ngày 02/06"},
            format="json",
        )
    assert done.status_code == 200 and done.json()["status"] == "executed"
    assert done.json()["dossiers"][0]["destroyed_files"][0]["sha256"] == sha
    assert not blobstore.exists(sha)


def test_legal_hold_blocks_and_releases(office: Office) -> None:
    dossier = expired(office, "01.VP")
    api = client_for(office.archivist)
    blank = api.post("/api/v1/legal-holds/", {"dossier": dossier.pk, "reason": " "}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()
    assert not LegalHold.objects.exists()
    foreign = client_for(office.outsider).post(
        "/api/v1/legal-holds/", {"dossier": dossier.pk, "reason": "Thanh tra"}, format="json"
    )
    assert foreign.status_code == 404
    placed = api.post(
        "/api/v1/legal-holds/", {"dossier": dossier.pk, "reason": "Thanh tra"}, format="json"
    )
    assert placed.status_code == 201
    review = api.get("/api/v1/disposals/review/").json()["results"]
    assert review[0]["on_hold"] is True
    refused = api.post("/api/v1/disposals/", body(office, [dossier.pk]), format="json")
    assert refused.status_code == 400 and "pháp lý" in refused.json()["dossiers"][0]
    release = f"/api/v1/legal-holds/{placed.json()['id']}/release/"
    assert client_for(office.outsider).post(release).status_code == 404
    assert api.post(release).status_code == 200
    assert api.post(release).status_code == 400
    assert LegalHold.objects.get().released_at is not None
    assert LegalHold.objects.get().released_at <= timezone.now() + datetime.timedelta(seconds=1)
