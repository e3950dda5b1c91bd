"""Kết thúc năm: the three steps, their refusals, and that a second run changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.records.conftest import Office
from vanthu.archive.models import Transfer, TransferItem
from vanthu.audit.models import Event
from vanthu.records import services
from vanthu.records.models import Dossier, FilePlan, FilePlanItem
from vanthu.records.services.year_end import close_year, open_next_year, transfer_year
from vanthu.registry.models import Counter, Register

YEAR = 2026  # the office's documents are dated in 2026 (tests/records/conftest.py)


def snapshot() -> tuple[Any, ...]:
    """Everything a year-end step may change."""
    return (
        sorted(Dossier.objects.values_list("pk", "status", "closed_at", "closing_note")),
        sorted(TransferItem.objects.values_list("transfer_id", "dossier_id", "active")),
        sorted(Register.objects.values_list("pk", "direction", "series")),
        sorted(Counter.objects.values_list("register_id", "period_key", "last_number")),
        sorted(FilePlan.objects.values_list("pk", "year", "status")),
        FilePlanItem.objects.count(),
        Event.objects.count(),
    )


def filled(office: Office, code: str, **data: Any) -> Dossier:
    dossier = office.dossier(code=code, **data)
    services.add_document(actor=office.clerk, dossier=dossier, document=office.document())
    return dossier


def test_step_1_closes_what_it_can_and_says_why_not_for_the_rest(office: Office) -> None:
    full = filled(office, "01.VP")
    empty = office.dossier(code="02.VP")
    earlier = filled(office, "03.VP", year=YEAR - 1)
    events = Event.objects.count()
    summary = close_year(
        actor=office.archivist, organization=office.org, year=YEAR, note="Đã kiểm tra cuối năm."
    )
    assert [d.pk for d in summary.closed] == [full.pk]
    assert [r.code for r in summary.refused] == ["02.VP"]
    assert "chưa có văn bản" in summary.refused[0].reason
    full.refresh_from_db()
    assert full.status == "closed" and full.closing_note == "Đã kiểm tra cuối năm."
    assert Dossier.objects.get(pk=empty.pk).status == "open"
    assert Dossier.objects.get(pk=earlier.pk).status == "open"  # another year: untouched
    actions = list(Event.objects.order_by("pk")[events:].values_list("action", flat=True))
    assert actions == ["records.dossier.close", "records.year_end.close"]
    # Again: nothing left to close, nothing written, the refusal said again.
    before = snapshot()
    again = close_year(actor=office.archivist, organization=office.org, year=YEAR)
    assert again.closed == [] and [r.code for r in again.refused] == ["02.VP"]
    assert snapshot() == before


def test_step_2_hands_in_the_years_closed_dossiers_that_must_go(office: Office) -> None:
    permanent = filled(office, "01.VP")
    ten_years = filled(office, "02.VP", retention_years=10)
    short = filled(office, "03.VP", retention_years=2)
    still_open = filled(office, "04.VP")
    for d in (permanent, ten_years, short):
        services.close_dossier(actor=office.clerk, dossier=d)
    summary = transfer_year(actor=office.archivist, organization=office.org, year=YEAR)
    assert summary.transfer is not None and summary.already == 0
    handed = set(summary.transfer.items.values_list("dossier_id", flat=True))
    assert handed == {permanent.pk, ten_years.pk}
    assert still_open.pk not in handed and short.pk not in handed
    assert str(YEAR) in summary.transfer.title
    before = snapshot()
    again = transfer_year(actor=office.archivist, organization=office.org, year=YEAR)
    assert again.transfer is None and again.already == 2
    assert snapshot() == before
    assert Transfer.objects.count() == 1


def test_step_3_opens_next_years_registers_and_copies_the_plan(office: Office) -> None:
    plan = services.create_file_plan(actor=office.clerk, organization=office.org, year=YEAR)
    heading = services.add_heading(
        actor=office.clerk, plan=plan, title="Tổng hợp", abbreviation="TH"
    )
    services.add_plan_item(actor=office.clerk, heading=heading, title="Hồ sơ hội nghị")
    summary = open_next_year(actor=office.clerk, organization=office.org, year=YEAR)
    assert summary.year == YEAR + 1 and summary.plan_created
    assert summary.plan is not None and summary.plan.status == "draft"
    assert list(summary.plan.items.values_list("title", flat=True)) == ["Hồ sơ hội nghị"]
    incoming = Register.objects.filter(organization=office.org, direction="incoming")
    assert set(incoming.values_list("series", flat=True)) == {"ordinary", "classified"}
    # Số đến runs per calendar year (NĐ 30 Điều 22): next year's sequences start at 0,
    # the classified one separate from the ordinary one.
    counters = Counter.objects.filter(register__in=incoming, period_key=str(YEAR + 1))
    assert sorted(counters.values_list("register__series", "last_number")) == [
        ("classified", 0),
        ("ordinary", 0),
    ]
    before = snapshot()
    again = open_next_year(actor=office.clerk, organization=office.org, year=YEAR)
    assert not again.plan_created and again.plan == summary.plan
    assert not any(new for _r, new in again.registers)
    assert snapshot() == before


def test_step_3_without_this_years_plan_still_opens_the_registers(office: Office) -> None:
    summary = open_next_year(actor=office.clerk, organization=office.org, year=YEAR)
    assert summary.plan is None and str(YEAR) in summary.plan_note
    assert Register.objects.filter(organization=office.org).count() == 4
    assert not FilePlan.objects.exists()


@pytest.mark.parametrize("step", [close_year, transfer_year, open_next_year])
def test_only_record_keepers_of_the_office_run_the_steps(office: Office, step: Any) -> None:
    filled(office, "01.VP")
    before = snapshot()
    with pytest.raises(PermissionDenied):
        step(actor=office.specialist, organization=office.org, year=YEAR)
    # Another organisation's clerk: the office is not there at all (404).
    with pytest.raises(Http404):
        step(actor=office.outsider, organization=office.org, year=YEAR)
    assert snapshot() == before


@pytest.mark.parametrize("year", [1200, 99999, "2026", None])
@pytest.mark.parametrize("step", [close_year, transfer_year, open_next_year])
def test_a_bad_year_is_a_field_error(office: Office, step: Any, year: Any) -> None:
    filled(office, "01.VP")
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        step(actor=office.clerk, organization=office.org, year=year)
    assert "year" in caught.value.message_dict
    assert snapshot() == before
