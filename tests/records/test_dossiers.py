"""Dossiers (hồ sơ): opening, filing documents without copying them, closing, reopening."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.records.conftest import Office
from vanthu.audit.models import Event
from vanthu.records import services
from vanthu.records.models import Dossier, DossierDocument, RetentionCode
from vanthu.registry.models import DocumentFile


def test_open_file_close_computes_dates_counts_and_note(office: Office) -> None:
    dossier = office.dossier(retention_years=20)
    first = office.document(issued=datetime.date(2026, 1, 5), pages=3)
    last = office.document(issued=datetime.date(2026, 6, 30), pages=4)
    services.add_document(actor=office.clerk, dossier=dossier, document=last)
    services.add_document(actor=office.clerk, dossier=dossier, document=first)
    closed = services.close_dossier(actor=office.clerk, dossier=dossier)
    assert closed.status == Dossier.Status.CLOSED
    assert closed.retention_code == RetentionCode.YEARS_20
    assert (closed.start_date, closed.end_date) == (
        datetime.date(2026, 1, 5),
        datetime.date(2026, 6, 30),
    )
    assert (closed.document_count, closed.page_count, closed.sheet_count) == (2, 7, 7)
    assert "2 văn bản, 7 trang, 7 tờ" in closed.closing_note
    assert "05/01/2026" in closed.closing_note
    positions = list(closed.entries.order_by("position").values_list("document", flat=True))
    assert positions == [last.pk, first.pk]
    actions = set(Event.objects.filter(object_id=str(dossier.pk)).values_list("action", flat=True))
    assert {
        "records.dossier.create",
        "records.dossier.add_document",
        "records.dossier.close",
    } <= actions


def test_filing_copies_no_document_and_no_file(office: Office) -> None:
    dossier = office.dossier()
    document = office.document()
    files_before = DocumentFile.objects.count()
    services.add_document(actor=office.clerk, dossier=dossier, document=document)
    assert DocumentFile.objects.count() == files_before
    assert type(document).objects.filter(summary=document.summary).count() == 1


def test_a_document_is_original_in_one_dossier_and_referenced_from_others(office: Office) -> None:
    one = office.dossier(code="01.VP")
    two = office.dossier(code="02.VP")
    document = office.document()
    services.add_document(actor=office.clerk, dossier=one, document=document)
    with pytest.raises(ValidationError) as err:
        services.add_document(actor=office.clerk, dossier=two, document=document)
    assert "is_original" in err.value.message_dict
    services.add_document(actor=office.clerk, dossier=two, document=document, is_original=False)
    assert DossierDocument.objects.filter(document=document).count() == 2


def test_adding_a_classified_document_raises_the_dossier_secrecy(office: Office) -> None:
    dossier = office.dossier()
    services.add_document(actor=office.clerk, dossier=dossier, document=office.document())
    secret = office.document(secrecy="secret", summary="Về công tác nhân sự")
    services.add_document(actor=office.clerk, dossier=dossier, document=secret)
    dossier.refresh_from_db()
    assert dossier.secrecy == "secret"
    # Taking it out again does not declassify the dossier: that is a decision of its own.
    services.remove_document(actor=office.clerk, dossier=dossier, document=secret)
    dossier.refresh_from_db()
    assert dossier.secrecy == "secret"
    assert list(dossier.entries.values_list("position", flat=True)) == [1]


def test_closing_a_dossier_with_no_documents_is_refused(office: Office) -> None:
    dossier = office.dossier()
    with pytest.raises(ValidationError) as err:
        services.close_dossier(actor=office.clerk, dossier=dossier)
    assert err.value.message_dict["dossier"] == [
        "Không thể kết thúc hồ sơ chưa có văn bản nào. (NĐ 30/2020 Điều 28–31: hồ sơ được "
        "kết thúc khi công việc kết thúc, kèm chứng từ kết thúc)"
    ]
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.OPEN and dossier.closed_at is None


def test_attaching_a_document_the_user_cannot_see_is_404_and_changes_nothing(
    office: Office,
) -> None:
    dossier = office.dossier(by=office.specialist)
    secret = office.document(secrecy="secret", summary="Về công tác bảo vệ chính trị nội bộ")
    with pytest.raises(Http404):
        services.add_document(actor=office.specialist, dossier=dossier, document=secret)
    dossier.refresh_from_db()
    assert dossier.entries.count() == 0 and dossier.secrecy == "none"


def test_attaching_twice_or_into_a_closed_dossier_is_refused(office: Office) -> None:
    dossier = office.dossier()
    document = office.document()
    services.add_document(actor=office.clerk, dossier=dossier, document=document)
    with pytest.raises(ValidationError) as twice:
        services.add_document(
            actor=office.clerk, dossier=dossier, document=document, is_original=False
        )
    assert twice.value.message_dict["document"] == ["Văn bản đã có trong hồ sơ này."]
    services.close_dossier(actor=office.clerk, dossier=dossier, note="Đã rà soát.")
    with pytest.raises(ValidationError) as closed:
        services.add_document(actor=office.clerk, dossier=dossier, document=office.document())
    assert "đã kết thúc" in closed.value.message_dict["dossier"][0]
    assert dossier.entries.count() == 1


def test_document_of_another_organisation_is_refused(office: Office) -> None:
    dossier = office.dossier()
    other = office.document(organization=office.city.tu, by=office.tu_head)
    with pytest.raises(ValidationError) as err:
        services.add_document(actor=office.tu_head, dossier=dossier, document=other)
    assert "document" in err.value.message_dict


@pytest.mark.parametrize("years", [-1, 0, 101, 10_000, True])
def test_negative_or_absurd_retention_is_refused(office: Office, years: object) -> None:
    with pytest.raises(ValidationError) as err:
        office.dossier(retention_years=years)
    assert "retention_years" in err.value.message_dict
    assert not Dossier.objects.exists()


def test_retention_code_and_years_must_agree(office: Office) -> None:
    with pytest.raises(ValidationError):
        office.dossier(retention_code="02", retention_years=10)
    with pytest.raises(ValidationError):
        office.dossier(retention_code="07")
    assert office.dossier(retention_code="07", retention_years=5).retention_years == 5
    permanent = office.dossier(code="02.VP", retention_years=None)
    assert permanent.is_permanent and permanent.retention_code == "01"
    until = office.dossier(code="03.VP", retention_code="until_invalid")
    assert until.retention_years is None and not until.is_permanent


def test_duplicate_code_in_the_same_year_is_refused(office: Office) -> None:
    office.dossier(code="01.VP")
    with pytest.raises(ValidationError) as err:
        office.dossier(code="01.VP")
    assert err.value.message_dict["code"] == [
        "Số và ký hiệu hồ sơ 01.VP đã có trong năm 2026. (NĐ 30/2020 Phụ lục V: số hồ sơ gồm "
        "số thứ tự và chữ viết tắt đề mục lớn, ví dụ 01.TCCB)"
    ]
    assert office.dossier(code="01.VP", year=2025).year == 2025


def test_a_dossier_of_another_organisation_is_404(office: Office) -> None:
    from vanthu.records.services import create_dossier

    with pytest.raises(Http404):
        create_dossier(
            actor=office.outsider,
            organization=office.org,
            data={"code": "01", "title": "Hồ sơ", "year": 2026},
        )
    dossier = office.dossier()
    with pytest.raises(Http404):
        services.add_document(actor=office.outsider, dossier=dossier, document=office.document())
    with pytest.raises(Http404):
        services.close_dossier(actor=office.outsider, dossier=dossier)


def test_only_a_leader_reopens_and_must_say_why(office: Office) -> None:
    dossier = office.dossier()
    services.add_document(actor=office.clerk, dossier=dossier, document=office.document())
    services.close_dossier(actor=office.clerk, dossier=dossier)
    with pytest.raises(PermissionDenied):
        services.reopen_dossier(actor=office.clerk, dossier=dossier, reason="Bổ sung")
    with pytest.raises(ValidationError) as err:
        services.reopen_dossier(actor=office.leader, dossier=dossier, reason="  ")
    assert "reason" in err.value.message_dict
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.CLOSED
    reopened = services.reopen_dossier(
        actor=office.leader, dossier=dossier, reason="Bổ sung biên bản còn thiếu"
    )
    assert reopened.status == Dossier.Status.OPEN and reopened.closed_at is None
    event = Event.objects.get(action="records.dossier.reopen", object_id=str(dossier.pk))
    assert event.details["reason"] == "Bổ sung biên bản còn thiếu"


def test_a_specialist_with_no_part_in_the_dossier_may_not_change_it(office: Office) -> None:
    dossier = office.dossier()
    with pytest.raises(PermissionDenied):
        services.close_dossier(actor=office.specialist, dossier=dossier)
    own = office.dossier(by=office.specialist, code="02.VP")
    services.add_document(actor=office.specialist, dossier=own, document=office.document())
