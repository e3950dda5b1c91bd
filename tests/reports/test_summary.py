"""The dashboard's counter cells (issue 10): kept by the services, equal to a rebuild, equal to a
direct count over the documents for every kind of viewer, and never a classified document the
viewer may not see."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from tests.reports.conftest import doc_type, register_in
from vanthu.registry import sending
from vanthu.registry import services as registry
from vanthu.registry.models import Document
from vanthu.reports import summary, summary_read
from vanthu.reports.models import DocumentTally, MonthlyCount
from vanthu.reports.periods import Period
from vanthu.reports.statistics import statistics

pytestmark = pytest.mark.django_db

CLASSIFIED_DU1 = "Phương án bảo vệ nội bộ Đảng ủy phường Bến Nghé"
SECRECIES = ("none", "none", "none", "confidential", "secret")
TYPES = ("CV", "TB", "BC")


class People:
    def __init__(self, city: Any, make_user: Any) -> None:
        self.city = city
        mk = make_user
        self.clerks = {
            o.code: mk(username=f"vt_{o.code}", organization=o, roles=["clerk"], clearance="secret")
            for o in (city.tu, city.du1, city.du2, city.cb1)
        }
        self.leaders = {
            o.code: mk(
                username=f"ld_{o.code}", organization=o, roles=["leader"], clearance="secret"
            )
            for o in (city.tu, city.du1, city.du2, city.cb1)
        }
        self.uncleared_clerk = mk(
            username="vt_du1_thuong", organization=city.du1, roles=["clerk"], clearance="none"
        )
        self.specialist = mk(
            username="cv_tu", organization=city.tu, roles=["specialist"], clearance="none"
        )

    def orgs(self) -> list[Any]:
        c = self.city
        return [c.tu, c.du1, c.du2, c.cb1]


@pytest.fixture
def people(city: Any, make_user: Any) -> People:
    return People(city, make_user)


def _walk(people: People, seed: int, steps: int) -> dict[str, int]:
    """A seeded random sequence of the services that change what is counted."""
    rnd = random.Random(seed)
    today = timezone.localdate()
    done: dict[str, int] = {}
    docs: list[Document] = []
    for _ in range(steps):
        op = rnd.choice(("register", "register", "present", "assign", "complete", "outgoing"))
        org = rnd.choice(people.orgs())
        clerk = people.clerks[org.code]
        try:
            if op == "register":
                days = rnd.randrange(0, max(1, today.timetuple().tm_yday))
                deadline = rnd.choice((None, today + datetime.timedelta(days=rnd.randrange(1, 30))))
                docs.append(
                    register_in(
                        clerk,
                        org,
                        days_ago=days,
                        secrecy=rnd.choice(SECRECIES),
                        document_type=doc_type(rnd.choice(TYPES)),
                        number_symbol=f"{rnd.randrange(1, 999)}-CV/X",
                        deadline=deadline,
                    )
                )
            elif op == "present" and docs:
                doc = rnd.choice(docs)
                registry.present(
                    actor=people.clerks[doc.organization.code],
                    document=doc,
                    leader=people.leaders[doc.organization.code],
                )
            elif op == "assign" and docs:
                doc = rnd.choice(docs)
                registry.assign(
                    actor=people.leaders[doc.organization.code],
                    document=doc,
                    lead=people.clerks[doc.organization.code],
                    deadline=rnd.choice(
                        (None, today + datetime.timedelta(days=rnd.randrange(0, 9)))
                    ),
                )
            elif op == "complete" and docs:
                started = Document.objects.filter(
                    pk__in=[d.pk for d in docs], status="in_progress"
                ).order_by("pk")
                doc = rnd.choice(list(started) or docs)
                registry.complete(actor=people.leaders[doc.organization.code], document=doc)
            elif op == "outgoing":
                draft = registry.create_outgoing(
                    actor=clerk,
                    organization=org,
                    data={
                        "document_type": doc_type(rnd.choice(TYPES)),
                        "summary": "Thông báo kết luận của Thường trực",
                        "signer": "Nguyễn Văn Bí Thư",
                        "secrecy": rnd.choice(SECRECIES),
                        "recipients": [{"organization": rnd.choice(people.orgs())}],
                    },
                )
                issued = registry.issue_outgoing(actor=clerk, document=draft)
                if rnd.random() < 0.5:
                    sending.send_outgoing(actor=clerk, document=issued)
            else:
                continue
        except (ValidationError, PermissionDenied, Http404):
            continue
        done[op] = done.get(op, 0) + 1
    return done


@pytest.mark.parametrize("seed", [7, 2026])
def test_counts_kept_by_the_services_equal_a_rebuild(people: People, seed: int) -> None:
    done = _walk(people, seed, 40)
    # The walk really did each kind of change (else this test could not fail).
    assert {"register", "present", "assign", "complete", "outgoing"} <= set(done), done
    kept = summary.counts()
    ledger = set(DocumentTally.objects.values_list("document_id", "month", "outcome", "secrecy"))
    assert kept == summary.expected()
    assert sum(kept.values()) == Document.objects.filter(number__isnull=False).count()
    call_command("rebuild-counts", verbosity=0)
    assert summary.counts() == kept
    assert set(DocumentTally.objects.values_list("document_id", "month", "outcome", "secrecy")) == (
        ledger
    )
    call_command("rebuild-counts", "--check", verbosity=0)


def test_check_command_fails_when_a_cell_is_wrong(people: People) -> None:
    register_in(people.clerks["DU1"], people.city.du1)
    MonthlyCount.objects.update(n=5)
    with pytest.raises(SystemExit) as stop:
        call_command("rebuild-counts", "--check", verbosity=0)
    assert stop.value.code == 1
    call_command("rebuild-counts", verbosity=0)
    call_command("rebuild-counts", "--check", verbosity=0)


def test_a_rolled_back_change_leaves_the_counts_unchanged(people: People) -> None:
    register_in(people.clerks["TU"], people.city.tu)
    before = summary.counts()
    with pytest.raises(ValidationError):
        # A bad deadline: the service refuses, nothing stored changes.
        register_in(
            people.clerks["TU"],
            people.city.tu,
            deadline=timezone.localdate() - datetime.timedelta(days=400),
            days_ago=1,
        )
    assert summary.counts() == before
    assert Document.objects.count() == 1


def _direct(user: Any, org: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return statistics(user, organization=org, period=Period(datetime.date(today.year, 1, 1), today))


def _same(user: Any, org: Any) -> dict[str, Any]:
    today = timezone.localdate()
    fast = summary_read.year_statistics(user, org, today)
    slow = _direct(user, org)
    for key in ("rollup", "totals", "by_month", "by_type", "children"):
        assert fast[key] == slow[key], (user.username, key)
    return fast


def test_counts_equal_a_direct_count_for_each_kind_of_viewer(people: People) -> None:
    _walk(people, 11, 50)
    c = people.city
    secret = register_in(people.clerks["DU1"], c.du1, secrecy="secret", summary=CLASSIFIED_DU1)
    viewers = [
        (people.clerks["TU"], c.tu),
        (people.clerks["DU1"], c.du1),
        (people.uncleared_clerk, c.du1),
        (people.leaders["DU1"], c.du1),  # a leader of a subordinate committee
        (people.leaders["DU2"], c.du2),
        (people.leaders["TU"], c.tu),  # the city leader
        (people.specialist, c.tu),
    ]
    for user, org in viewers:
        _same(user, org)
    # The city leader is cleared for it but no participant: not counted (need-to-know) ...
    city = summary_read.year_statistics(people.leaders["TU"], c.tu, timezone.localdate())
    registry.present(actor=people.clerks["DU1"], document=secret, leader=people.leaders["DU1"])
    # ... the du1 leader it was presented to counts it, the city leader still does not.
    after = _same(people.leaders["DU1"], c.du1)
    assert after["totals"]["incoming"] >= 1
    assert summary_read.year_statistics(people.leaders["TU"], c.tu, timezone.localdate()) == city
    _same(people.leaders["TU"], c.tu)


def test_classified_never_counted_without_clearance_nor_across_branches(people: People) -> None:
    c = people.city
    register_in(people.clerks["DU1"], c.du1, secrecy="confidential", summary=CLASSIFIED_DU1)
    register_in(people.clerks["DU1"], c.du1)
    register_in(people.clerks["DU2"], c.du2)
    today = timezone.localdate()
    # The du1 clerk keeps the classified register: both.
    assert (
        summary_read.year_statistics(people.clerks["DU1"], c.du1, today)["totals"]["incoming"] == 2
    )
    # No clearance: only the ordinary one, whatever the organisation asked for.
    uncleared = summary_read.year_statistics(people.uncleared_clerk, c.du1, today)
    assert uncleared["totals"]["incoming"] == 1
    # Another branch: the du2 leader's roll-up has nothing of du1, even asked for du1.
    other = summary_read.year_statistics(people.leaders["DU2"], c.du1, today)
    assert other["totals"]["incoming"] == 0 and other["children"] == []
    assert (
        summary_read.year_statistics(people.leaders["DU2"], c.du2, today)["totals"]["incoming"] == 1
    )
    # The city leader's roll-up: du1's ordinary document only (no need-to-know of the other).
    rows = {r["organization"]["code"]: r for r in _same(people.leaders["TU"], c.tu)["children"]}
    assert rows["DU1"]["incoming"] == 1 and rows["DU2"]["incoming"] == 1
    assert CLASSIFIED_DU1 not in str(
        summary_read.year_statistics(people.leaders["TU"], c.tu, today)
    )


def test_dashboard_reads_the_cells_not_the_documents(people: People) -> None:
    """A cell changed by hand shows on the dashboard: the figures come from the cells."""
    from django.core.cache import cache

    from vanthu.reports.dashboard import dashboard

    cache.clear()
    register_in(people.clerks["TU"], people.city.tu)
    before = dashboard(people.leaders["TU"])["totals"]["incoming"]
    MonthlyCount.objects.update(n=41)
    cache.clear()
    assert dashboard(people.leaders["TU"])["totals"]["incoming"] == 41
    assert before == 1
    cache.clear()
