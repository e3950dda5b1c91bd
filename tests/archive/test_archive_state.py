"""The dossier's stored archive state (handed in, kept back until) and the cheap list counts.

The due list filters ``Dossier.handed_in`` and ``Dossier.held_back_until`` instead of running
NOT EXISTS over every closed dossier (docs/benchmarks.md, archive); these tests hold the
services, the data migration and the lists to the same answers as the rows they summarise.
"""

from __future__ import annotations

import datetime
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.archive.test_disposal import expired
from tests.archive.test_transfer import closed
from tests.records.conftest import Office, client_for
from vanthu.archive import selectors, services, services_storage
from vanthu.archive.models import ArchivalUnit, HeldBack, Transfer
from vanthu.archive.paging import UnorderedCappedCountPaginator
from vanthu.records.models import Dossier


def state(dossier: Dossier) -> tuple[bool, datetime.date | None]:
    dossier.refresh_from_db()
    return dossier.handed_in, dossier.held_back_until


def test_handing_in_and_returning_keep_the_state_in_step(office: Office) -> None:
    one = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    two = closed(office, "02.VP", ended=datetime.date(2025, 7, 1))
    assert state(one) == (False, None)
    transfer = services.create_transfer(actor=office.clerk, organization=office.org, dossiers=[one])
    assert state(one) == (True, None) and state(two) == (False, None)
    assert list(selectors.transfer_due(office.clerk)) == [two]
    services.return_transfer(actor=office.archivist, transfer=transfer, reason="Thiếu mục lục")
    assert state(one) == (False, None)
    assert list(selectors.transfer_due(office.clerk)) == [one, two]
    again = services.create_transfer(
        actor=office.clerk, organization=office.org, dossiers=[one, two]
    )
    services.accept_transfer(actor=office.archivist, transfer=again)
    assert state(one)[0] and state(two)[0]
    assert not selectors.transfer_due(office.clerk).exists()


def test_a_refused_transfer_changes_no_state(office: Office) -> None:
    ok = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    short = closed(office, "02.VP", ended=datetime.date(2025, 6, 20), retention_years=3)
    with pytest.raises(ValidationError) as err:
        services.create_transfer(actor=office.clerk, organization=office.org, dossiers=[ok, short])
    assert "dưới 05 năm" in " ".join(err.value.message_dict["dossiers"])
    assert state(ok) == (False, None) and state(short) == (False, None)
    assert not Transfer.objects.exists()


def test_an_approved_hold_back_keeps_the_latest_date(office: Office) -> None:
    today = timezone.localdate()
    dossier = closed(office, "01.VP", ended=today - datetime.timedelta(days=100))
    first = today + datetime.timedelta(days=200)
    later = today + datetime.timedelta(days=300)
    refused = services_storage.request_hold_back(
        actor=office.clerk, dossier=dossier, reason="Còn dùng", until=later
    )
    services_storage.decide_hold_back(actor=office.leader, held=refused, approve=False)
    assert state(dossier) == (False, None)
    assert dossier in selectors.transfer_due(office.clerk)
    for until in (later, first):  # an earlier approval does not shorten a later one
        held = services_storage.request_hold_back(
            actor=office.clerk, dossier=dossier, reason="Còn dùng", until=until
        )
        services_storage.decide_hold_back(actor=office.leader, held=held, approve=True)
    assert state(dossier) == (False, later)
    assert dossier not in selectors.transfer_due(office.clerk, today=today)
    assert dossier not in selectors.transfer_due(office.clerk, today=later)
    assert dossier in selectors.transfer_due(office.clerk, today=later + datetime.timedelta(1))


def test_the_data_migration_fills_the_state_of_existing_rows(office: Office) -> None:
    submitted = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    returned = closed(office, "02.VP", ended=datetime.date(2025, 6, 20))
    kept = closed(office, "03.VP", ended=timezone.localdate() - datetime.timedelta(days=100))
    services.create_transfer(actor=office.clerk, organization=office.org, dossiers=[submitted])
    back = services.create_transfer(
        actor=office.clerk, organization=office.org, dossiers=[returned]
    )
    services.return_transfer(actor=office.archivist, transfer=back, reason="Thiếu")
    until = timezone.localdate() + datetime.timedelta(days=100)
    held = services_storage.request_hold_back(
        actor=office.clerk, dossier=kept, reason="Còn dùng", until=until
    )
    services_storage.decide_hold_back(actor=office.leader, held=held, approve=True)
    # Rows as they stood before the columns existed, then the migration's own function.
    Dossier.objects.update(handed_in=False, held_back_until=None)
    migration = importlib.import_module("vanthu.archive.migrations.0004_fill_dossier_state")
    migration.fill(apps, None)
    assert state(submitted) == (True, None)
    assert state(returned) == (False, None)
    assert state(kept) == (False, until)
    assert HeldBack.objects.get().status == "approved"


def test_due_list_counts_cheaply_above_the_limit(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(1, 4):
        closed(office, f"0{n}.VP", ended=datetime.date(2025, 6, n))
    clerk = client_for(office.clerk)
    exact = clerk.get("/api/v1/transfers/due/").json()
    assert exact["count"] == 3 and exact["count_exact"] is True
    monkeypatch.setattr(UnorderedCappedCountPaginator, "limit", 2)
    capped = clerk.get("/api/v1/transfers/due/?page_size=1").json()
    assert capped["count"] == 2 and capped["count_exact"] is False
    assert [d["code"] for d in capped["results"]] == ["01.VP"]
    third = clerk.get("/api/v1/transfers/due/?page_size=1&page=3").json()
    assert [d["code"] for d in third["results"]] == ["03.VP"] and third["next"] is None
    last = clerk.get("/api/v1/transfers/due/?page=last&page_size=1")
    assert last.status_code == 404 and "hơn 2 hồ sơ" in last.json()["detail"]


@pytest.mark.parametrize("page", ["0", "abc", "99"])
def test_bad_pages_of_the_archive_lists_are_404(office: Office, page: str) -> None:
    closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    expired(office, "02.VP")
    for url in ("/api/v1/transfers/due/", "/api/v1/disposals/review/", "/api/v1/archival-units/"):
        answer = client_for(office.archivist).get(url, {"page": page})
        assert answer.status_code == 404, (url, page)
    assert Dossier.objects.filter(handed_in=True).count() == 0


def test_review_and_units_carry_count_exact(
    office: Office, django_assert_max_num_queries: Any
) -> None:
    expired(office, "02.VP")
    dossier = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    transfer = services.create_transfer(
        actor=office.clerk, organization=office.org, dossiers=[dossier]
    )
    services.accept_transfer(actor=office.archivist, transfer=transfer)
    fonds = services_storage.create_fonds(
        actor=office.archivist, organization=office.org, kind="party", code="P01", name="Phông"
    )
    services_storage.assign_number(
        actor=office.archivist, dossier=dossier, fonds=fonds, catalogue_number=1, file_number=1
    )
    archivist = client_for(office.archivist)
    with django_assert_max_num_queries(8):
        review = archivist.get("/api/v1/disposals/review/").json()
    assert review["count"] == 1 and review["count_exact"] is True
    with django_assert_max_num_queries(8):
        units = archivist.get("/api/v1/archival-units/").json()
    assert units["count"] == 1 and units["count_exact"] is True
    assert units["results"][0]["number"] == "P01/ML1/HS1"
    assert ArchivalUnit.objects.count() == 1
    outsider = client_for(office.outsider)
    for url in ("/api/v1/disposals/review/", "/api/v1/archival-units/", "/api/v1/transfers/due/"):
        answer = outsider.get(url).json()
        assert answer["count"] == 0 and answer["results"] == [], url
