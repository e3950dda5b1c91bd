"""The user matrix: what a user may not see is 404 on every path and absent from lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.registry.conftest import client_for, incoming_payload
from vanthu.audit.models import Event
from vanthu.registry.models import Document, DocumentFile

SECRET_SUMMARY = "Kế hoạch nhân sự tuyệt mật XYZ"


@pytest.fixture(autouse=True)
def storage(settings: Any, tmp_path: Path) -> None:
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")
    settings.VANTHU_SECURITY_ZONE = "isolated"


@pytest.fixture
def docs(people: Any) -> dict[str, tuple[int, int]]:
    """An ordinary and a classified document of TU, each with one file: (doc id, file id)."""
    made = {}
    for kind, secrecy in (("ordinary", "none"), ("classified", "secret")):
        client = client_for(people.clerk)
        doc = client.post(
            "/api/v1/incoming/",
            incoming_payload(secrecy=secrecy, summary=f"{SECRET_SUMMARY} {kind}"),
            format="json",
        ).json()
        file = client.post(
            f"/api/v1/incoming/{doc['id']}/files/",
            {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 bi mat", "application/pdf")},
            format="multipart",
        ).json()
        made[kind] = (doc["id"], file["id"])
    return made


READS = [
    "/api/v1/incoming/{doc}/",
    "/api/v1/documents/{doc}/",
    "/api/v1/documents/{doc}/text/",
    "/api/v1/documents/{doc}/files/{file}/download/",
]
WRITES = [
    ("/api/v1/incoming/{doc}/files/", "multipart"),
    ("/api/v1/incoming/{doc}/assign/", "json"),
    ("/api/v1/incoming/{doc}/complete/", "json"),
    ("/api/v1/incoming/{doc}/present/", "json"),
    ("/api/v1/incoming/{doc}/register/", "json"),
    ("/api/v1/incoming/{doc}/return/", "json"),
]

# (who, which document): each pair must not see that document.
MATRIX = [
    ("clerk_du1", "ordinary"),  # another organisation's clerk
    ("clerk_du1", "classified"),
    ("uncleared_clerk", "classified"),  # same organisation, no clearance
    ("other_specialist", "classified"),  # cleared, same organisation, not assigned
    ("leader", "classified"),  # not presented to them: need-to-know
]


def _assert_not_leaked(answer: Any) -> None:
    assert answer.status_code == 404, (answer.status_code, answer.content[:300])
    assert b"XYZ" not in answer.content


@pytest.mark.parametrize(("who", "kind"), MATRIX)
def test_invisible_document_is_404_on_every_path_and_absent_from_lists(
    people: Any, docs: dict[str, tuple[int, int]], who: str, kind: str
) -> None:
    user = getattr(people, who)
    doc, file = docs[kind]
    client = client_for(user)
    events_before = Event.objects.count()
    for url in READS:
        _assert_not_leaked(client.get(url.format(doc=doc, file=file)))
    for url, fmt in WRITES:
        body: dict[str, Any] = {"lead": user.pk, "reason": "x", "leader": user.pk}
        if fmt == "multipart":
            body = {"file": SimpleUploadedFile("b.pdf", b"%PDF-1.4", "application/pdf")}
        _assert_not_leaked(client.post(url.format(doc=doc), body, format=fmt))
    listing = client.get("/api/v1/incoming/?q=XYZ")
    assert listing.status_code == 200
    assert doc not in [r["id"] for r in listing.json()["results"]]
    assert b"XYZ " + kind.encode() not in listing.content
    # Nothing changed, nothing was recorded on behalf of the outsider.
    assert Event.objects.count() == events_before
    assert DocumentFile.objects.filter(document=doc).count() == 1
    assert Document.objects.get(pk=doc).status == "new"


def test_counts_include_only_what_the_user_may_see(
    people: Any, docs: dict[str, tuple[int, int]]
) -> None:
    assert client_for(people.clerk).get("/api/v1/incoming/").json()["count"] == 2
    assert client_for(people.other_specialist).get("/api/v1/incoming/").json()["count"] == 1
    assert client_for(people.uncleared_clerk).get("/api/v1/incoming/").json()["count"] == 1
    assert client_for(people.clerk_du1).get("/api/v1/incoming/").json()["count"] == 0


def test_same_organisation_specialist_sees_ordinary_document(
    people: Any, docs: dict[str, tuple[int, int]]
) -> None:
    doc, file = docs["ordinary"]
    client = client_for(people.other_specialist)
    for url in READS:
        assert client.get(url.format(doc=doc, file=file)).status_code == 200


def test_file_of_another_document_is_404(people: Any, docs: dict[str, tuple[int, int]]) -> None:
    ordinary, _ = docs["ordinary"]
    _, classified_file = docs["classified"]
    answer = client_for(people.other_specialist).get(
        f"/api/v1/documents/{ordinary}/files/{classified_file}/download/"
    )
    _assert_not_leaked(answer)


def test_without_credentials_is_401(db: Any) -> None:
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/incoming/").status_code == 401
