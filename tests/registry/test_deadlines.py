"""Per-assignee deadlines, "in N working days", and the overdue / due-soon badges."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.registry.conftest import client_for
from vanthu.audit.models import Event
from vanthu.core import workdays
from vanthu.registry.models import Assignment, Document, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def today() -> datetime.date:
    return timezone.localdate()


def assign(people: Any, pk: int, **body: Any) -> Any:
    data = {"lead": people.specialist.pk, **body}
    return client_for(people.leader).post(f"/api/v1/incoming/{pk}/assign/", data, format="json")


def nothing_assigned(pk: int) -> None:
    document = Document.objects.get(pk=pk)
    assert document.status == Status.NEW
    assert not Assignment.objects.filter(document=document).exists()
    assert not Event.objects.filter(action="registry.incoming.assign").exists()


def test_deadline_in_working_days_counts_weekends_and_holidays(
    people: Any, register_incoming: Callable[..., dict[str, Any]]
) -> None:
    doc = register_incoming()
    answer = assign(people, doc["id"], deadline_working_days=5)
    assert answer.status_code == 200, answer.content
    expected = workdays.add_working_days(today(), 5)
    [lead] = answer.json()["assignments"]
    assert lead["deadline"] == expected.isoformat()
    assert lead["working_days_left"] == 5
    assert answer.json()["deadline"] == expected.isoformat()


def test_each_assignee_may_have_their_own_deadline(
    people: Any, register_incoming: Callable[..., dict[str, Any]]
) -> None:
    doc = register_incoming()
    common = today() + datetime.timedelta(days=30)
    own = today() + datetime.timedelta(days=12)
    answer = assign(
        people,
        doc["id"],
        support=[people.other_specialist.pk],
        inform=[people.clerk.pk],
        deadline=common.isoformat(),
        deadlines=[
            {"user": people.other_specialist.pk, "deadline_working_days": 2},
            {"user": people.specialist.pk, "deadline": own.isoformat()},
        ],
    )
    assert answer.status_code == 200, answer.content
    by_user = {a["user"]: a for a in answer.json()["assignments"]}
    assert by_user[people.specialist.pk]["deadline"] == own.isoformat()
    assert by_user[people.other_specialist.pk]["deadline"] == (
        workdays.add_working_days(today(), 2).isoformat()
    )
    assert by_user[people.clerk.pk]["deadline"] == common.isoformat()
    # The document's deadline is its lead's.
    assert Document.objects.get(pk=doc["id"]).deadline == own


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"deadline_working_days": -1}, "deadline_working_days"),
        ({"deadline_working_days": workdays.MAX_DAYS + 1}, "deadline_working_days"),
        ({"deadline_working_days": "năm"}, "deadline_working_days"),
        ({"deadline_working_days": 3, "deadline": "2099-01-01"}, "deadline_working_days"),
        ({"deadline": "2020-01-01"}, "deadline"),
        ({"deadlines": [{"user": 987654, "deadline_working_days": 2}]}, "deadlines"),
        ({"deadlines": [{"user": "PLACEHOLDER_OTHER", "deadline_working_days": 2}]}, "deadlines"),
        ({"deadlines": [{"user": "PLACEHOLDER_LEAD", "deadline_working_days": -2}]}, "deadlines"),
        ({"deadlines": [{"user": "PLACEHOLDER_LEAD"}]}, "deadlines"),
        (
            {
                "deadlines": [
                    {"user": "PLACEHOLDER_LEAD", "deadline_working_days": 1},
                    {"user": "PLACEHOLDER_LEAD", "deadline_working_days": 2},
                ]
            },
            "deadlines",
        ),
    ],
)
def test_bad_deadlines_are_field_errors_and_store_nothing(
    people: Any, register_incoming: Callable[..., dict[str, Any]], body: Any, field: str
) -> None:
    doc = register_incoming()
    for item in body.get("deadlines", []):
        item["user"] = {
            "PLACEHOLDER_OTHER": people.other_specialist.pk,  # a real user, not assigned
            "PLACEHOLDER_LEAD": people.specialist.pk,
        }.get(item["user"], item["user"])
    answer = assign(people, doc["id"], **body)
    assert answer.status_code == 400, answer.content
    assert field in answer.json(), answer.json()
    nothing_assigned(doc["id"])


def test_a_deadline_before_the_document_date_is_refused(
    people: Any, register_incoming: Callable[..., dict[str, Any]]
) -> None:
    doc = register_incoming()
    # A document dated in the future (entered ahead, e.g. a plan for a congress).
    later = today() + datetime.timedelta(days=40)
    Document.objects.filter(pk=doc["id"]).update(issued_date=later)
    answer = assign(people, doc["id"], deadline=(later - datetime.timedelta(days=1)).isoformat())
    assert answer.status_code == 400
    assert later.strftime("%d/%m/%Y") in answer.json()["deadline"][0]
    nothing_assigned(doc["id"])
    answer = assign(
        people, doc["id"], deadlines=[{"user": people.specialist.pk, "deadline_working_days": 1}]
    )
    assert answer.status_code == 400
    assert "deadlines" in answer.json()
    nothing_assigned(doc["id"])


# --- web ------------------------------------------------------------------------------------


@pytest.fixture
def web(settings: Any, people: Any) -> Callable[[Any], Client]:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""

    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def test_the_direction_form_takes_working_days_and_a_supporters_deadline(
    people: Any, register_incoming: Callable[..., dict[str, Any]], web: Any
) -> None:
    doc = register_incoming()
    own = today() + datetime.timedelta(days=9)
    answer = web(people.leader).post(
        f"/van-ban/den/{doc['id']}/but-phe/",
        {
            "lead": people.specialist.pk,
            "support": [people.other_specialist.pk],
            "deadline_working_days": "3",
            "support_deadline": own.strftime("%d/%m/%Y"),
            "note": "Đề nghị xử lý",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    lead = Assignment.objects.get(document_id=doc["id"], user=people.specialist)
    support = Assignment.objects.get(document_id=doc["id"], user=people.other_specialist)
    assert lead.deadline == workdays.add_working_days(today(), 3)
    assert support.deadline == own


def test_the_direction_form_refuses_negative_working_days_in_vietnamese(
    people: Any, register_incoming: Callable[..., dict[str, Any]], web: Any
) -> None:
    doc = register_incoming()
    answer = web(people.leader).post(
        f"/van-ban/den/{doc['id']}/but-phe/",
        {"lead": people.specialist.pk, "deadline_working_days": "-2"},
    )
    assert answer.status_code == 400
    assert "Số ngày làm việc không được âm." in answer.content.decode()
    nothing_assigned(doc["id"])


def test_lists_show_overdue_in_working_days_and_days_left(
    people: Any, register_incoming: Callable[..., dict[str, Any]], web: Any
) -> None:
    late_doc = register_incoming(number_symbol="01-CV/QH")
    soon_doc = register_incoming(number_symbol="02-CV/QH")
    assert assign(people, late_doc["id"], deadline_working_days=1).status_code == 200
    assert assign(people, soon_doc["id"], deadline_working_days=2).status_code == 200
    # Make the first one late: its deadline moves to a past working day (the service refuses
    # past deadlines, so the row is changed directly, as time passing would).
    past = today() - datetime.timedelta(days=20)
    while not workdays.is_working_day(past):
        past -= datetime.timedelta(days=1)
    Assignment.objects.filter(document_id=late_doc["id"]).update(deadline=past)
    Document.objects.filter(pk=late_doc["id"]).update(deadline=past)
    late = workdays.working_days_between(past, today())
    assert late > 5

    inbox = web(people.specialist).get("/van-ban/cua-toi/").content.decode()
    assert f"Quá hạn {late} ngày làm việc" in inbox
    assert "Còn 2 ngày" in inbox
    listing = web(people.clerk).get("/van-ban/den/").content.decode()
    assert f"Quá hạn {late} ngày làm việc" in listing
    assert "Còn 2 ngày" in listing
    detail = web(people.leader).get(f"/van-ban/den/{late_doc['id']}/").content.decode()
    assert f"Quá hạn {late} ngày làm việc" in detail
    assert "trong số ngày làm việc" in detail  # the direction form offers the field


def test_a_finished_document_shows_no_badge(
    people: Any, register_incoming: Callable[..., dict[str, Any]], web: Any
) -> None:
    doc = register_incoming(number_symbol="09-CV/XONG")
    assert assign(people, doc["id"], deadline_working_days=1).status_code == 200
    answer = client_for(people.specialist).post(f"/api/v1/incoming/{doc['id']}/complete/", {})
    assert answer.status_code == 200
    listing = web(people.clerk).get("/van-ban/den/").content.decode()
    row = listing.split("09-CV/XONG")[1].split("</tr>")[0]
    assert "app-deadline" not in row
    detail = client_for(people.leader).get(f"/api/v1/incoming/{doc['id']}/").json()
    assert detail["assignments"][0]["working_days_left"] is None
