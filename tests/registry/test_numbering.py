"""Registers and numbering rules: domain.md §1.2, §1.3, §2.3, §9 items 1–5."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tests.registry.conftest import client_for, today
from vanthu.audit.models import Event
from vanthu.orgs.models import DocumentType
from vanthu.orgs.services import add_term
from vanthu.registry import numbering, services
from vanthu.registry.models import Counter, Direction, Document, NumberEvent, Register


def draft(people: Any, type_code: str = "NQ", **changes: Any) -> int:
    # Classified drafts are need-to-know: the clerk who will number them drafts them here.
    author = people.clerk if changes.get("secrecy", "none") != "none" else people.specialist
    answer = client_for(author).post(
        "/api/v1/outgoing/",
        {
            "document_type": type_code,
            "summary": "Về công tác cán bộ",
            "signer": "Bí thư",
            **changes,
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["status"] == "draft"
    return int(answer.json()["id"])


def issue(people: Any, pk: int) -> dict[str, Any]:
    answer = client_for(people.clerk).post(f"/api/v1/outgoing/{pk}/issue/", {}, format="json")
    assert answer.status_code == 200, answer.content
    return dict(answer.json())


def test_party_outgoing_numbers_per_type_zero_padded(people: Any) -> None:
    numbers = [issue(people, draft(people, "NQ"))["number_symbol"] for _ in range(3)]
    assert numbers == ["01-NQ/TU", "02-NQ/TU", "03-NQ/TU"]
    first_cv = issue(people, draft(people, "CV"))
    assert first_cv["number_symbol"] == "01-CV/TU"
    assert first_cv["number"] == 1
    assert first_cv["issued_date"] == today().isoformat()


def test_numbers_from_ten_are_not_padded(people: Any) -> None:
    register = numbering.default_register(
        organization=people.clerk.organization, direction=Direction.OUTGOING, series="ordinary"
    )
    nq = DocumentType.objects.get(code="NQ")
    assert numbering.format_number(register, 5, nq, register.organization) == "05-NQ/TU"
    assert numbering.format_number(register, 15, nq, register.organization) == "15-NQ/TU"
    register.symbol_format = Register.SymbolFormat.STATE
    qd = DocumentType.objects.get(code="QĐ")
    assert numbering.format_number(register, 5, qd, register.organization) == "05/QĐ-TU"


def test_a_new_term_restarts_party_numbering(people: Any, city: Any, make_user: Any) -> None:
    admin = make_user(username="qt", organization=city.tu, roles=["admin"])
    assert issue(people, draft(people))["number_symbol"] == "01-NQ/TU"
    assert issue(people, draft(people))["number_symbol"] == "02-NQ/TU"
    add_term(actor=admin, organization=city.tu, name="2025–2030", start_date=today())
    assert issue(people, draft(people))["number_symbol"] == "01-NQ/TU"
    keys = set(Counter.objects.values_list("period_key", flat=True))
    assert keys == {"term:none", f"term:{city.tu.terms.get().pk}"}


def test_classified_outgoing_has_its_own_sequence(people: Any) -> None:
    assert issue(people, draft(people))["number"] == 1
    secret = issue(people, draft(people, secrecy="secret", summary=""))
    assert secret["number"] == 1
    assert issue(people, draft(people))["number"] == 2
    series = Document.objects.filter(number__isnull=False).values_list("register__series")
    assert sorted(s for (s,) in series) == ["classified", "ordinary", "ordinary"]


def test_incoming_numbers_per_year_all_types_and_classified_apart(
    people: Any, register_incoming: Any
) -> None:
    a = register_incoming(document_type="CV")
    b = register_incoming(document_type="NQ")
    secret = register_incoming(secrecy="secret", summary="")
    c = register_incoming(document_type="TB")
    assert [a["arrival_number"], b["arrival_number"], c["arrival_number"]] == [1, 2, 3]
    assert secret["arrival_number"] == 1
    assert secret["register"] != a["register"]
    assert a["year"] == today().year


def test_incoming_year_comes_from_received_at(people: Any, register_incoming: Any) -> None:
    last_year = datetime.datetime(today().year - 1, 12, 31, 10, 0, tzinfo=datetime.UTC)
    old = register_incoming(
        received_at=last_year.isoformat(), issued_date=last_year.date().isoformat(), deadline=None
    )
    new = register_incoming()
    assert (old["year"], old["arrival_number"]) == (today().year - 1, 1)
    assert (new["year"], new["arrival_number"]) == (today().year, 1)


def test_an_admin_may_make_the_outgoing_register_per_year_for_all_types(people: Any) -> None:
    issue(people, draft(people, "NQ"))
    Register.objects.filter(direction=Direction.OUTGOING).update(
        scope=Register.Scope.ALL_TYPES, period=Register.Period.YEAR, symbol_format="state"
    )
    assert issue(people, draft(people, "QĐ"))["number_symbol"] == "01/QĐ-TU"
    assert issue(people, draft(people, "NQ"))["number_symbol"] == "02/NQ-TU"
    assert Counter.objects.filter(period_key=str(today().year), type_key=0).get().last_number == 2


def test_a_rolled_back_registration_leaves_no_gap(people: Any, city: Any) -> None:
    cv = DocumentType.objects.get(code="CV")
    data = {"sender": "UBND", "document_type": cv, "summary": "Một", "secrecy": "none"}
    services.register_incoming(actor=people.clerk, organization=city.tu, data=data)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.register_incoming(actor=people.clerk, organization=city.tu, data=data)
        raise RuntimeError("the request failed after the number was taken")
    again = services.register_incoming(actor=people.clerk, organization=city.tu, data=data)
    assert again.number == 2
    assert list(Document.objects.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_reserved_and_cancelled_numbers_are_explicit_and_audited(people: Any, city: Any) -> None:
    register = numbering.default_register(
        organization=city.tu, direction=Direction.OUTGOING, series="ordinary"
    )
    nq = DocumentType.objects.get(code="NQ")
    reserved = numbering.reserve_number(
        actor=people.clerk, register=register, document_type=nq, reason="Lấy số cho hội nghị"
    )
    assert reserved.number == 1
    assert issue(people, draft(people))["number_symbol"] == "02-NQ/TU"
    cancelled = numbering.cancel_number(actor=people.clerk, reservation=reserved, reason="Hoãn")
    assert cancelled.kind == NumberEvent.Kind.CANCELLED
    actions = set(Event.objects.values_list("action", flat=True))
    assert {"registry.number.reserve", "registry.number.cancel"} <= actions
    with pytest.raises(ValidationError):
        numbering.cancel_number(actor=people.clerk, reservation=reserved, reason="lần hai")


def test_reserving_needs_a_reason_and_a_clerk(people: Any, city: Any) -> None:
    register = numbering.default_register(
        organization=city.tu, direction=Direction.OUTGOING, series="ordinary"
    )
    nq = DocumentType.objects.get(code="NQ")
    with pytest.raises(ValidationError):
        numbering.reserve_number(
            actor=people.clerk, register=register, document_type=nq, reason=" "
        )
    with pytest.raises(PermissionDenied):
        numbering.reserve_number(
            actor=people.specialist, register=register, document_type=nq, reason="x"
        )
    assert not Counter.objects.exists()
    assert not NumberEvent.objects.exists()


def test_registering_into_a_closed_period_is_400_and_stores_nothing(
    people: Any, register_incoming: Any
) -> None:
    first = register_incoming()
    Register.objects.filter(pk=first["register"]).update(closed_periods=[str(today().year)])
    answer = client_for(people.clerk).post(
        "/api/v1/incoming/",
        {**_payload(), "summary": "Sau khi khóa sổ"},
        format="json",
    )
    assert answer.status_code == 400
    assert "register" in answer.json()
    assert Document.objects.count() == 1
    assert Counter.objects.get().last_number == 1


def _payload() -> dict[str, Any]:
    from tests.registry.conftest import incoming_payload

    return incoming_payload()
