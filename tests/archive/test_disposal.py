"""Appraisal and disposal: the review list, the council, approval, real deletion, legal holds."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from tests.factories import tiny_pdf
from tests.records.conftest import Office
from vanthu.archive import selectors_more, services_disposal
from vanthu.archive.models import Disposal, DisposalItem
from vanthu.audit.models import Event
from vanthu.core import blobstore
from vanthu.records import services as records
from vanthu.records.models import Dossier
from vanthu.registry import services as registry

TODAY = datetime.date(2026, 6, 1)


def expired(office: Office, code: str, *, years: int | None = 10, file: bytes = b"") -> Dossier:
    doc = office.document(issued=datetime.date(2010, 3, 2))
    if file:
        registry.add_file(
            actor=office.clerk,
            document=doc,
            upload=SimpleUploadedFile("a.pdf", tiny_pdf(file), content_type="application/pdf"),
        )
    data: dict[str, Any] = {"retention_years": years}
    dossier = office.dossier(code=code, **data)
    records.add_document(actor=office.clerk, dossier=dossier, document=doc)
    return records.close_dossier(actor=office.clerk, dossier=dossier)


def council(office: Office) -> list[Any]:
    return [
        (office.leader, "Chủ tịch hội đồng"),
        (office.archivist, "Thành viên"),
        (office.clerk, "Thư ký"),
    ]


def new_disposal(office: Office, dossiers: list[Dossier]) -> Disposal:
    return services_disposal.create_disposal(
        actor=office.archivist,
        organization=office.org,
        dossiers=dossiers,
        title="Danh mục tài liệu hết giá trị năm 2026",
        explanatory_note="Tài liệu hết thời hạn bảo quản theo bảng thời hạn.",
        council=council(office),
        today=TODAY,
    )


def test_expired_dossiers_are_listed_for_review(office: Office) -> None:
    old = expired(office, "01.VP")
    expired(office, "02.VP", years=None)  # permanent
    young = expired(office, "03.VP", years=30)
    listed = list(selectors_more.to_review(office.archivist, today=TODAY))
    assert old in listed and young not in listed and len(listed) == 1
    assert list(selectors_more.to_review(office.outsider, today=TODAY)) == []


def test_full_disposal_deletes_content_and_keeps_hashes(
    office: Office, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = expired(office, "01.VP", file=b"noi dung het gia tri")
    sha = DocumentFile_sha(dossier)
    assert blobstore.exists(sha)
    disposal = new_disposal(office, [dossier])
    with pytest.raises(PermissionDenied):  # not a council member
        services_disposal.cast_vote(actor=office.specialist, disposal=disposal, agree=True)
    for member, _role in council(office):
        services_disposal.cast_vote(actor=member, disposal=disposal, agree=True)
    with pytest.raises(PermissionDenied):  # its author may not approve it
        services_disposal.approve_disposal(
            actor=office.archivist, disposal=disposal, decision_number="1", meeting_record="x"
        )
    with pytest.raises(ValidationError) as err:
        services_disposal.approve_disposal(
            actor=office.leader, disposal=disposal, decision_number="", meeting_record=""
        )
    assert set(err.value.message_dict) == {"decision_number", "meeting_record"}
    disposal.refresh_from_db()
    assert disposal.status == Disposal.Status.DRAFT
    services_disposal.approve_disposal(
        actor=office.leader,
        disposal=disposal,
        decision_number="05-QĐ/VPTU",
        meeting_record="Hội đồng họp ngày 20/5/2026, nhất trí hủy.",
        today=TODAY,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services_disposal.execute_disposal(
            actor=office.archivist,
            disposal=disposal,
            handover_record="Đã bàn giao 1 hồ sơ.",
            destruction_record="Đã hủy bằng máy hủy.",
        )
    assert not blobstore.exists(sha)
    # Destroyed by decision, not lost: verify and the fixity cycle do not report it.
    from vanthu.preservation.fixity import all_blobs
    from vanthu.registry.integrity import verify_files

    assert list(verify_files()) == []
    assert sha not in all_blobs()
    item = DisposalItem.objects.get(disposal=disposal)
    assert item.destroyed_files[0]["sha256"] == sha
    assert Dossier.objects.filter(pk=dossier.pk).exists()
    event = Event.objects.filter(action="archive.disposal.execute").get()
    assert sha in event.details["deleted_sha256"]
    with pytest.raises(ValidationError):  # twice
        services_disposal.execute_disposal(
            actor=office.archivist, disposal=disposal, handover_record="a", destruction_record="b"
        )


def DocumentFile_sha(dossier: Dossier) -> str:
    from vanthu.registry.models import DocumentFile

    return DocumentFile.objects.get(document__dossier_entries__dossier=dossier).sha256


def test_refused_permanent_unexpired_held_and_hidden(office: Office) -> None:
    permanent = expired(office, "01.VP", years=None)
    young = expired(office, "02.VP", years=30)
    held = expired(office, "03.VP")
    services_disposal.place_hold(actor=office.archivist, dossier=held, reason="Thanh tra")
    before = Disposal.objects.count()
    for dossier, fragment in (
        (permanent, "vĩnh viễn"),
        (young, "chưa hết thời hạn"),
        (held, "yêu cầu pháp lý"),
    ):
        with pytest.raises(ValidationError) as err:
            new_disposal(office, [dossier])
        assert fragment in err.value.message_dict["dossiers"][0]
    with pytest.raises(ValidationError) as err:
        services_disposal.create_disposal(
            actor=office.archivist,
            organization=office.org,
            dossiers=[],
            title="",
            explanatory_note="",
            council=[(office.leader, "Chủ tịch")],
        )
    assert set(err.value.message_dict) == {"dossiers", "title", "explanatory_note", "council"}
    secret = expired(office, "09.VP")
    Dossier.objects.filter(pk=secret.pk).update(secrecy="top_secret")  # beyond "secret"
    with pytest.raises(Http404):
        new_disposal(office, [secret])
    assert Disposal.objects.count() == before


def test_hold_placed_after_approval_blocks_execution(office: Office) -> None:
    dossier = expired(office, "01.VP")
    disposal = new_disposal(office, [dossier])
    for member, _role in council(office):
        services_disposal.cast_vote(actor=member, disposal=disposal, agree=True)
    services_disposal.approve_disposal(
        actor=office.leader,
        disposal=disposal,
        decision_number="1",
        meeting_record="x",
        today=TODAY,
    )
    services_disposal.place_hold(actor=office.archivist, dossier=dossier, reason="Vụ án")
    with pytest.raises(ValidationError) as err:
        services_disposal.execute_disposal(
            actor=office.archivist, disposal=disposal, handover_record="a", destruction_record="b"
        )
    assert "dossiers" in err.value.message_dict
    disposal.refresh_from_db()
    assert disposal.status == Disposal.Status.APPROVED


def test_execution_after_fifteen_days_is_refused(office: Office) -> None:
    dossier = expired(office, "01.VP")
    disposal = new_disposal(office, [dossier])
    for member, _role in council(office):
        services_disposal.cast_vote(actor=member, disposal=disposal, agree=True)
    services_disposal.approve_disposal(
        actor=office.leader,
        disposal=disposal,
        decision_number="1",
        meeting_record="x",
        today=TODAY,
    )
    late = timezone.now() + datetime.timedelta(days=16)
    with pytest.raises(ValidationError) as err:
        services_disposal.execute_disposal(
            actor=office.archivist,
            disposal=disposal,
            handover_record="a",
            destruction_record="b",
            now=late,
        )
    assert "15 ngày" in err.value.message_dict["status"][0]


def test_disposal_is_404_for_outsider(office: Office) -> None:
    disposal = new_disposal(office, [expired(office, "01.VP")])
    with pytest.raises(Http404):
        selectors_more.get_disposal(office.outsider, disposal.pk)
    assert not selectors_more.disposals(office.outsider).exists()
    with pytest.raises(Http404):
        services_disposal.cast_vote(actor=office.outsider, disposal=disposal, agree=True)
