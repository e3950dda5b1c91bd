"""``Dossier.retention_end_year``: the stored last year of retention that the "xem xét hủy" list
filters and counts on its own index (docs/archive.md, "Speed").

Every path that writes the end date, the retention or the status must leave it equal to what
the rule computes (domain.md §9 item 20: the year the work ended + the years, for a closed
dossier kept a number of years): the services, a queryset update and a bulk load around them.
"""

from __future__ import annotations

import datetime
import itertools

import pytest

from tests.records.conftest import Office
from vanthu.archive import selectors_more
from vanthu.records import services
from vanthu.records.models import Dossier, RetentionCode
from vanthu.records.services import bulk

pytestmark = pytest.mark.django_db


def computed(dossier: Dossier) -> int | None:
    """The rule, written out once more in Python (not the column's expression)."""
    if (
        dossier.status != Dossier.Status.CLOSED
        or dossier.end_date is None
        or dossier.retention_years is None
        or dossier.retention_code in (RetentionCode.PERMANENT, RetentionCode.UNTIL_INVALID)
    ):
        return None
    return dossier.end_date.year + dossier.retention_years


def stored(dossier: Dossier) -> int | None:
    dossier.refresh_from_db()
    return dossier.retention_end_year


def check(dossier: Dossier) -> int | None:
    value = stored(dossier)
    assert value == computed(dossier), (dossier.status, dossier.end_date, dossier.retention_years)
    return value


def test_the_services_keep_it_through_open_close_reopen_and_refile(office: Office) -> None:
    dossier = office.dossier(retention_years=10, retention_code="06")
    assert check(dossier) is None  # open
    first = office.document(issued=datetime.date(2012, 5, 4))
    services.add_document(actor=office.clerk, dossier=dossier, document=first)
    assert check(dossier) is None  # an end date, but still open
    services.close_dossier(actor=office.clerk, dossier=dossier)
    assert check(dossier) == 2022
    services.reopen_dossier(actor=office.leader, dossier=dossier, reason="Bổ sung văn bản")
    assert check(dossier) is None
    later = office.document(issued=datetime.date(2014, 1, 9))
    bulk.add_documents(actor=office.clerk, dossier=dossier, document_ids=[later.pk])
    services.close_dossier(actor=office.clerk, dossier=dossier)
    assert check(dossier) == 2024  # the later end date moves it
    services.reopen_dossier(actor=office.leader, dossier=dossier, reason="Rút văn bản trùng")
    services.remove_document(actor=office.clerk, dossier=dossier, document=later)
    services.close_dossier(actor=office.clerk, dossier=dossier)
    assert check(dossier) == 2022


@pytest.mark.parametrize(
    ("code", "years"),
    [("01", None), ("until_invalid", None), ("07", 3), ("05", 20)],
)
def test_closing_with_each_kind_of_retention(office: Office, code: str, years: int | None) -> None:
    dossier = office.dossier(retention_code=code, retention_years=years)
    services.add_document(
        actor=office.clerk,
        dossier=dossier,
        document=office.document(issued=datetime.date(2001, 2, 3)),
    )
    services.close_dossier(actor=office.clerk, dossier=dossier)
    assert check(dossier) == (None if years is None else 2001 + years)


# Every combination the columns can hold, written around the services (a bulk load, an import).
STATUSES = [Dossier.Status.OPEN, Dossier.Status.CLOSED]
END_DATES = [None, datetime.date(2003, 12, 31), datetime.date(2020, 1, 1)]
RETENTIONS = [("01", None), ("until_invalid", None), ("06", 10), ("07", 1), ("07", 100)]
COMBINATIONS = list(itertools.product(STATUSES, END_DATES, RETENTIONS))


def _rows(office: Office, combinations: list[tuple]) -> list[Dossier]:
    now = datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)
    return [
        Dossier(
            organization=office.org,
            code=f"{n:03d}.BL",
            title="Hồ sơ nạp hàng loạt",
            year=2020,
            status=status,
            opened_at=now,
            closed_at=now if status == Dossier.Status.CLOSED else None,
            end_date=end,
            retention_code=code,
            retention_years=years,
            created_by=office.clerk,
        )
        for n, (status, end, (code, years)) in enumerate(combinations)
    ]


def test_a_bulk_load_and_queryset_updates_keep_it(office: Office) -> None:
    Dossier.objects.bulk_create(_rows(office, COMBINATIONS))
    rows = list(Dossier.objects.filter(code__endswith=".BL").order_by("code"))
    assert len(rows) == len(COMBINATIONS)
    assert [r.retention_end_year for r in rows] == [computed(r) for r in rows]
    assert any(r.retention_end_year is not None for r in rows)
    # Each row rewritten in place to the next combination: the column follows every column.
    for row, (status, end, (code, years)) in zip(
        rows, COMBINATIONS[1:] + COMBINATIONS[:1], strict=True
    ):
        closed_at = row.opened_at if status == Dossier.Status.CLOSED else None
        Dossier.objects.filter(pk=row.pk).update(
            status=status, closed_at=closed_at, end_date=end, retention_code=code,
            retention_years=years,
        )  # fmt: skip
    for row in Dossier.objects.filter(code__endswith=".BL"):
        assert row.retention_end_year == computed(row)


def test_the_review_list_is_the_rows_whose_year_is_over(office: Office) -> None:
    Dossier.objects.bulk_create(_rows(office, COMBINATIONS))
    today = datetime.date(2026, 6, 1)
    listed = set(selectors_more.to_review(office.archivist, today=today))
    expected = {
        d
        for d in Dossier.objects.filter(code__endswith=".BL")
        if computed(d) is not None and computed(d) < today.year  # type: ignore[operator]
    }
    assert listed == expected and expected  # 2003 + 10, 2003 + 1, 2020 + 1 are over
