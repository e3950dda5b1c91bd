"""``vanthu demo``'s handled history: file plans, presented/assigned/filed/completed mail, and
suggestions that show at once for a newly registered document (issue 12)."""

from __future__ import annotations

import datetime
import io
import random
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from vanthu.audit.models import Event
from vanthu.audit.verify import verify_all
from vanthu.core.workdays import working_days_between
from vanthu.orgs import demo_documents
from vanthu.orgs import demo_history as rules
from vanthu.orgs.management.commands import demo as command
from vanthu.orgs.models import DocumentType, Organization, User
from vanthu.records.models import Dossier, DossierDocument, FilePlan
from vanthu.registry import services as registry
from vanthu.registry.models import Assignment, Direction, Document, Status
from vanthu.suggest import selectors as suggestions
from vanthu.suggest.models import TrainedModel


def _demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def _incoming(code: str) -> Any:
    return Document.objects.filter(organization__code=code, direction=Direction.INCOMING)


def _state() -> dict[str, Any]:
    return {
        "events": Event.objects.count(),
        "plans": FilePlan.objects.count(),
        "dossiers": Dossier.objects.count(),
        "filed": DossierDocument.objects.count(),
        "assignments": Assignment.objects.count(),
        "models": list(TrainedModel.objects.values_list("pk", "sha256")),
        "statuses": sorted(Document.objects.values_list("pk", "status")),
    }


def test_every_route_leads_to_a_planned_dossier_and_a_demo_user() -> None:
    planned = {code for _t, _a, items in rules.FILE_PLAN for code, *_rest in items}
    assert {dossier for *_people, dossier in rules.TOPIC_ROUTES} <= planned
    assert len(rules.TOPIC_ROUTES) == len(demo_documents.TOPICS)
    people = set(rules.SPECIALIST_NAMES)
    assert {lead for lead, _s, _d in rules.TOPIC_ROUTES} <= people
    assert {s for _l, s, _d in rules.TOPIC_ROUTES if s} <= people
    leaders = {u[0] for u in command.data.CITY_USERS if "leader" in u[3]}
    assert set(rules.LEADERS.values()) | {rules.OFFICE_LEADER} <= leaders
    # The same entry and the same random state give the same route (repeatable demo).
    now = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    entries = [e for e in demo_documents.incoming(40, 5, now) if e["secrecy"] == "none"]
    first = [rules.route(e, random.Random(1)) for e in entries]
    assert first == [rules.route(e, random.Random(1)) for e in entries]
    without_noise = [rules.route(e, random.Random(1), noise=0.0) for e in entries]
    for e, r in zip(entries, without_noise, strict=True):
        lead, support, dossier = rules.TOPIC_ROUTES[rules.topic_of(e["summary"])]
        assert (r.leader, r.lead, r.support, r.dossier) == (
            rules.LEADERS[e["sender"]],
            lead,
            support,
            dossier,
        )


def test_a_summary_of_no_known_topic_is_refused() -> None:
    with pytest.raises(StopIteration):
        rules.topic_of("V/v một việc không có trong danh sách chủ đề")


@pytest.mark.slow
def test_demo_history_is_handled_filed_learnt_and_suggested(
    db: Any, settings: Any, tmp_path: Any, client: Any
) -> None:
    settings.DATA_DIR = tmp_path
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    output = _demo()
    assert "văn bản đến đã xử lý" in output
    now = timezone.now()
    year = timezone.localdate().year
    for code in ("TU", "VPTU"):
        org = Organization.objects.get(code=code)
        plan = FilePlan.objects.get(organization=org, year=year)
        assert plan.status == FilePlan.Status.APPROVED and plan.headings.count() >= 3
        assert Dossier.objects.filter(organization=org, year=year, status="open").count() >= 5
        docs = _incoming(code)
        newest = list(docs.order_by("-received_at", "-pk"))
        queue = newest[: command.UNHANDLED]
        desk = newest[command.UNHANDLED : command.UNHANDLED + command.WAITING]
        assert {d.status for d in queue} == {Status.NEW}
        assert {d.status for d in desk} == {Status.AWAITING_DIRECTION}
        assert docs.filter(status=Status.NEW).count() == command.UNHANDLED
        counts = {s: docs.filter(status=s).count() for s in Status.values}
        assert counts[Status.DONE] > docs.count() // 2 and counts[Status.IN_PROGRESS] > 0
        # Each handled step is dated when it happened, and deadlines are in working days.
        for doc in docs.filter(status=Status.DONE, secrecy="none")[:20]:
            lead = doc.assignments.get(role=Assignment.Role.LEAD)
            received = timezone.localtime(doc.received_at).date()
            assert doc.directed_by is not None and lead.deadline is not None
            assert 1 <= working_days_between(received, lead.deadline) <= 15
            assert lead.assigned_at >= doc.received_at and lead.assigned_at < now
            assert lead.done_at is not None and lead.done_at >= lead.assigned_at
            filed = DossierDocument.objects.get(document=doc, is_original=True)
            assert filed.dossier.year == received.year
        # Classified mail is handled but never filed in the plan's open dossiers.
        assert not DossierDocument.objects.filter(
            document__organization=org, document__secrecy__in=["confidential", "secret"]
        ).exists()
        model = TrainedModel.objects.get(organization=org)
        assert model.incoming_examples >= 50
    assert verify_all() == []

    # New mail registered by the clerk now: the panel proposes what the office has always
    # done with such mail, by the demo's own rules.
    clerk = User.objects.get(username="vanthu")
    client.force_login(clerk)
    entry = {
        "sender": "Văn phòng Trung ương Đảng",
        "number_symbol": "35-CV/VPTW",
        "document_type": DocumentType.objects.get(code="CV"),
        "issued_date": timezone.localdate(),
        "summary": "V/v lập hồ sơ và nộp lưu hồ sơ, tài liệu vào Lưu trữ cơ quan",
        "signer": "Trần Cẩm Tú",
        "secrecy": "none",
        "urgency": "normal",
    }
    office = Organization.objects.get(code="VPTU")
    doc = registry.register_incoming(actor=clerk, organization=office, data=dict(entry))
    page = client.get(f"/van-ban/goi-y/den/{doc.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    leader = User.objects.get(username=rules.OFFICE_LEADER)
    assert 'data-suggest-target="leader"' in html and leader.full_name in html
    assert "Áp dụng gợi ý" in html and "trình lãnh đạo" in html

    # At the Thành ủy (three leaders, by sender) whatever is shown follows the rules.
    entry |= {"document_type": DocumentType.objects.get(code="CT"), "sender": "Ban Bí thư"}
    entry["summary"] = "Chỉ thị về công tác phát triển đảng viên năm 2026"
    city = Organization.objects.get(code="TU")
    doc = registry.register_incoming(actor=clerk, organization=city, data=dict(entry))
    route = rules.route(entry | {"document_type": "CT"}, random.Random(0), noise=0.0)
    expected = {"leader": route.leader, "lead": route.lead}
    result = suggestions.incoming_suggestions(clerk, doc.pk)
    shown = {t: s for t, s in result.suggestions.items() if s.shown}
    assert shown, "no suggestion shown for a new Thành ủy document"
    for target, username in expected.items():
        if target in shown:
            assert shown[target].user == User.objects.get(username=username)
    if "dossier" in shown:
        dossier = shown["dossier"].dossier
        assert dossier is not None and dossier.plan_item is not None
        assert dossier.plan_item.code == route.dossier and dossier.year == timezone.localdate().year

    before = _state()
    _demo()
    assert _state() == before


@pytest.mark.slow
def test_a_history_that_cannot_be_written_leaves_nothing_half_done(
    db: Any, settings: Any, tmp_path: Any
) -> None:
    settings.DATA_DIR = tmp_path
    # A specialist the routing needs has left (inactive) before the demo is seeded.
    User.objects.create_user(
        username="cv.kinhte", password="x", full_name="Đã nghỉ", is_active=False
    )
    with pytest.raises(CommandError, match="không lưu gì"):
        _demo()
    assert not FilePlan.objects.exists() and not Dossier.objects.exists()
    assert not Assignment.objects.exists() and not TrainedModel.objects.exists()
    assert set(_incoming("TU").values_list("status", flat=True)) == {Status.NEW}
    assert not Event.objects.filter(action__startswith="records.").exists()
