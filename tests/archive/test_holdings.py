"""Fonds, storage locations, archival numbers, box labels, giữ lại, and the printed list/record."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from tests.archive.test_transfer import closed
from tests.records.conftest import Office
from vanthu.archive import pdf, selectors, selectors_more, services, services_storage
from vanthu.archive.models import ArchivalUnit, Fonds, HeldBack, StorageLocation
from vanthu.records.models import Dossier


def accepted(office: Office) -> Dossier:
    dossier = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    transfer = services.create_transfer(
        actor=office.clerk, organization=office.org, dossiers=[dossier]
    )
    services.accept_transfer(actor=office.archivist, transfer=transfer, note="Tốt")
    return dossier


def shelf_and_box(office: Office) -> StorageLocation:
    store = services_storage.create_location(
        actor=office.archivist, organization=office.org, kind="store", code="K1"
    )
    shelf = services_storage.create_location(
        actor=office.archivist, organization=office.org, kind="shelf", code="G1", parent=store
    )
    return services_storage.create_location(
        actor=office.archivist, organization=office.org, kind="box", code="01", parent=shelf
    )


def test_party_and_state_fonds_stay_apart(office: Office) -> None:
    party = services_storage.create_fonds(
        actor=office.archivist,
        organization=office.org,
        kind="party",
        code="P01",
        name="Phông Văn phòng Thành ủy",
    )
    services_storage.create_fonds(
        actor=office.archivist, organization=office.org, kind="state", code="S01", name="Phông NN"
    )
    for kind, code, fragment in (("party", "P02", "đã có phông"), ("x", "P03", "Loại phông")):
        with pytest.raises(ValidationError) as err:
            services_storage.create_fonds(
                actor=office.archivist, organization=office.org, kind=kind, code=code, name="A"
            )
        assert fragment in err.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as err:
        services_storage.create_fonds(
            actor=office.archivist, organization=office.org, kind="party", code="", name=""
        )
    assert {"code", "name"} <= set(err.value.message_dict)
    with pytest.raises(PermissionDenied):
        services_storage.create_fonds(
            actor=office.clerk, organization=office.org, kind="state", code="Z", name="Z"
        )
    assert Fonds.objects.count() == 2
    assert list(selectors_more.fonds_list(office.outsider)) == []
    assert party in selectors_more.fonds_list(office.archivist)


def test_locations_number_and_box_label(office: Office) -> None:
    dossier = accepted(office)
    box = shelf_and_box(office)
    with pytest.raises(ValidationError):
        services_storage.create_location(
            actor=office.archivist, organization=office.org, kind="box", code="02"
        )
    fonds = services_storage.create_fonds(
        actor=office.archivist, organization=office.org, kind="party", code="P01", name="Phông"
    )
    unit = services_storage.assign_number(
        actor=office.archivist,
        dossier=dossier,
        fonds=fonds,
        catalogue_number=1,
        file_number=1,
        box=box,
    )
    assert str(unit) == "P01/ML1/HS1"
    other = closed(office, "02.VP", ended=datetime.date(2025, 6, 20))
    with pytest.raises(ValidationError) as err:
        services_storage.assign_number(
            actor=office.archivist,
            dossier=other,
            fonds=fonds,
            catalogue_number=0,
            file_number=1,
        )
    assert {"dossier", "catalogue_number"} <= set(err.value.message_dict)
    assert ArchivalUnit.objects.count() == 1
    label = pdf.box_label_pdf(box, selectors_more.box_units(office.archivist, box), "VPTU")
    assert label.startswith(b"%PDF") and b"DejaVu" in label
    assert selectors_more.box_units(office.outsider, box) == []
    with pytest.raises(Http404):
        selectors_more.get_location(office.outsider, box.pk)


def test_transfer_list_and_record_pdfs(office: Office) -> None:
    dossier = accepted(office)
    transfer = dossier.transfer_items.get().transfer
    rows = selectors.transfer_rows(office.archivist, transfer)
    listing = pdf.transfer_list_pdf(transfer, rows)
    record = pdf.handover_pdf(transfer, selectors.handover_record(transfer, rows))
    assert listing.startswith(b"%PDF") and record.startswith(b"%PDF")
    assert listing.count(b"/Type /Page\n") + listing.count(b"/Type /Page\r") >= 0
    with pytest.raises(Http404):
        selectors.get_transfer(office.outsider, transfer.pk)


def test_held_back_at_most_two_years_and_approved_by_another_leader(office: Office) -> None:
    dossier = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    due = services.due_date(dossier)
    assert due is not None
    with pytest.raises(ValidationError) as err:
        services_storage.request_hold_back(
            actor=office.clerk,
            dossier=dossier,
            reason="Còn dùng",
            until=due.replace(year=due.year + 3),
        )
    assert "02 năm" in err.value.message_dict["until"][0]
    with pytest.raises(ValidationError):
        services_storage.request_hold_back(
            actor=office.clerk, dossier=dossier, reason="", until=timezone.localdate()
        )
    assert not HeldBack.objects.exists()
    held = services_storage.request_hold_back(
        actor=office.leader,
        dossier=dossier,
        reason="Còn dùng",
        until=due.replace(year=due.year + 1),
    )
    with pytest.raises(PermissionDenied):
        services_storage.decide_hold_back(actor=office.leader, held=held, approve=True)
    with pytest.raises(PermissionDenied):
        services_storage.decide_hold_back(actor=office.clerk, held=held, approve=True)
    services_storage.decide_hold_back(actor=office.tu_head, held=held, approve=True)
    assert dossier not in selectors.transfer_due(office.clerk)
    with pytest.raises(Http404):
        services_storage.request_hold_back(
            actor=office.outsider, dossier=dossier, reason="x", until=due
        )
