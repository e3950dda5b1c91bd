"""At 1,000,000 documents and 100,000 dossiers (issue 7): the nộp lưu page's choices and a
dossier's documents are read from indexes, not from every row (docs/benchmarks.md, archive)."""

from __future__ import annotations

import datetime

from django.db import connection

from tests.archive.test_transfer import closed
from tests.records.conftest import Office
from tests.records.plans import plan_of
from vanthu.archive import selectors, services
from vanthu.records import selectors as records_selectors
from vanthu.records import services as records


def test_one_organisations_due_list_walks_its_own_index_and_skips_what_was_handed_in(
    office: Office,
) -> None:
    older = closed(office, "01.VP", ended=datetime.date(2020, 3, 1))
    due = [closed(office, f"0{n}.VP", ended=datetime.date(2024, n, 1)) for n in (2, 3)]
    services.create_transfer(actor=office.clerk, organization=office.org, dossiers=[older])
    listed = selectors.transfer_due(office.clerk, organization=str(office.org.pk))
    # The same rows, in the same order, as the whole due list narrowed to the organisation.
    assert list(listed) == due
    assert [
        d for d in selectors.transfer_due(office.clerk) if d.organization_id == office.org.pk
    ] == due
    assert list(selectors.transfer_due(office.outsider, organization=str(office.org.pk))) == []
    plan = plan_of(listed.all()[:300])
    if connection.vendor == "sqlite":
        # Entered at the organisation's dossiers still to hand in, in the list's order.
        assert "dossier_due_org" in plan and "TEMP B-TREE" not in plan, plan
    else:
        assert "dossier_due_org" in plan, plan


def test_a_dossiers_documents_are_checked_one_by_one_not_listed_first(office: Office) -> None:
    dossier = office.dossier()
    shown = office.document(summary="Báo cáo quý")
    hidden = office.document(summary="Kế hoạch mật", secrecy="secret")
    for document in (shown, hidden):
        records.add_document(actor=office.clerk, dossier=dossier, document=document)
    entries = records_selectors.dossier_entries(office.specialist, dossier)
    assert [e.document_id for e in entries] == [shown.pk]  # the uncleared specialist
    both = records_selectors.dossier_entries(office.clerk, dossier)
    assert [e.document_id for e in both] == [shown.pk, hidden.pk]
    if connection.vendor == "sqlite":
        plan = plan_of(entries)
        # No list of every visible document built before the dossier's few are read.
        assert "LIST SUBQUERY" not in plan and "SCAN" not in plan.replace("SCAN U0", ""), plan
