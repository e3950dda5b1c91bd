"""The cheaper registration path (docs/registry.md, "Registration speed") answers and indexes
exactly what the slower one did: the 201 body is the detail a GET gives, the search entry is the
one a re-index writes, the duplicate warning names only what the clerk may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tests.registry.conftest import client_for, incoming_payload
from vanthu.audit.models import Event
from vanthu.registry.models import Counter, Document
from vanthu.search import backends
from vanthu.search.indexing import index_documents


def _entry(document_id: int) -> tuple[Any, ...] | None:
    sql = (
        f"SELECT folded, exact, symbol, sender FROM {backends.TABLE} "  # noqa: S608 (module constants)
        f"WHERE {backends.id_column()} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [document_id])
        row = cursor.fetchone()
    return tuple(str(v) for v in row) if row is not None else None


def _post(user: Any, captured: Any, **changes: Any) -> Any:
    with captured(execute=True):
        return client_for(user).post(
            "/api/v1/incoming/", incoming_payload(**changes), format="json"
        )


@pytest.mark.parametrize("secrecy", ["none", "secret"])
def test_registration_answer_is_the_detail_a_get_gives(
    people: Any, settings: Any, secrecy: str, django_capture_on_commit_callbacks: Any
) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    settings.VANTHU_SECURITY_ZONE = "isolated"
    answer = _post(people.clerk, django_capture_on_commit_callbacks, secrecy=secrecy)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body.pop("duplicates") == []
    detail = client_for(people.clerk).get(f"/api/v1/incoming/{body['id']}/").json()
    # The GET of a classified document is itself audited (a read): its own event is newer.
    detail["history"] = [h for h in detail["history"] if h["action"] != "document.view"]
    assert body == detail
    assert body["secrecy"] == secrecy
    assert [h["action"] for h in body["history"]] == ["registry.incoming.register"]


def test_search_entry_of_a_registration_is_the_one_a_reindex_writes(
    people: Any, city: Any, django_capture_on_commit_callbacks: Any
) -> None:
    answer = _post(
        people.clerk,
        django_capture_on_commit_callbacks,
        sender="",
        sender_organization=city.du1.pk,
        summary="Về việc tổ chức hội nghị quán triệt nghị quyết",
        notes="Chuyển Ban Tuyên giáo",
    )
    assert answer.status_code == 201, answer.content
    pk = answer.json()["id"]
    written = _entry(pk)
    assert written is not None
    index_documents([pk])
    assert _entry(pk) == written
    found = client_for(people.clerk).get("/api/v1/search/", {"q": "quan triet"}).json()
    assert pk in {r["id"] for r in found["results"]}


def test_refused_registration_writes_no_entry_and_takes_no_number(
    people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    before = backends.entry_count()
    answer = _post(people.clerk, django_capture_on_commit_callbacks, summary="   ")
    assert answer.status_code == 400
    assert "summary" in answer.json()
    assert backends.entry_count() == before
    assert not Document.objects.exists()
    assert not Counter.objects.filter(last_number__gt=0).exists()
    assert not Event.objects.filter(action="registry.incoming.register").exists()


def test_duplicate_warning_ignores_case_and_names_only_visible_documents(
    people: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    settings.VANTHU_SECURITY_ZONE = "isolated"
    first = _post(people.clerk, django_capture_on_commit_callbacks).json()
    # The same letter, registered as secret by a clerk of the same office: a clerk without the
    # clearance must not learn that it exists, not even as an id in the warning.
    hidden = _post(people.clerk, django_capture_on_commit_callbacks, secrecy="secret").json()
    again = _post(
        people.uncleared_clerk,
        django_capture_on_commit_callbacks,
        number_symbol="12-cv/btctw",
        sender="ban tổ chức trung ương",
    )
    assert again.status_code == 201, again.content
    assert again.json()["duplicates"] == [first["id"]]
    assert hidden["id"] not in again.json()["duplicates"]
    # Another organisation's register is not searched at all.
    other = _post(people.clerk_du1, django_capture_on_commit_callbacks).json()
    assert other["duplicates"] == []


def test_registration_statement_count_stays_small(
    people: Any, register_incoming: Any, django_assert_max_num_queries: Any
) -> None:
    register_incoming()  # the register and its counter exist from here on
    client = client_for(people.clerk)
    with django_assert_max_num_queries(20):
        answer = client.post("/api/v1/incoming/", incoming_payload(), format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["arrival_number"] == 2
