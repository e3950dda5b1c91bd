"""The cheaper registration path (docs/registry.md, "Registration speed") answers and indexes
exactly what the slower one did: the 201 body is the detail a GET gives, the search entry is the
one a re-index writes, the duplicate warning names only what the clerk may see."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

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
    with django_assert_max_num_queries(18):
        answer = client.post("/api/v1/incoming/", incoming_payload(), format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["arrival_number"] == 2


def _touching(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if f'"{table}"' in s or f" {table} " in s]


def test_registration_with_a_token_reads_each_thing_once(
    people: Any, register_incoming: Any
) -> None:
    """The statements of one registration as a client makes it (token, full middleware): the
    gains of docs/registry.md "Registration speed" stay (a regression fails here)."""
    register_incoming()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=people.clerk).key}")
    # Another letter (the usual case: no possible duplicate to check against the policy).
    with CaptureQueriesContext(connection) as captured:
        answer = client.post(
            "/api/v1/incoming/", incoming_payload(number_symbol="99-CV/BTCTW"), format="json"
        )
    assert answer.status_code == 201, answer.content
    assert answer.json()["arrival_number"] == 2
    statements = [q["sql"] for q in captured.captured_queries]
    # Begin/commit are not statements here; the search entry's and the dashboard's counters'
    # statements belong to their apps (docs/benchmarks.md lists them all).
    assert len(statements) <= 19, "\n".join(statements)
    # The number: one UPDATE … RETURNING on the counter row, no separate locking read.
    counter = _touching(statements, "registry_counter")
    assert len(counter) == 1 and counter[0].startswith("UPDATE"), counter
    assert "RETURNING" in counter[0]
    # The home organisation comes with the clerk's positions, not by a query of its own.
    assert not [s for s in statements if 'FROM "orgs_organization"' in s]
    assert len(_touching(statements, "orgs_position")) == 1
    assert len(_touching(statements, "registry_register")) == 1
    assert len(_touching(statements, "authtoken_token")) == 1
    # The 201 body is not re-read: the only reads of documents are the dashboard's and the
    # duplicate check's, and neither selects the document's text.
    reads = [s for s in _touching(statements, "registry_document") if s.startswith("SELECT")]
    assert not [s for s in reads if '"registry_document"."summary"' in s], reads


def test_registration_numbers_follow_on_and_a_new_year_starts_at_one(
    people: Any, register_incoming: Any
) -> None:
    first = register_incoming()
    second = register_incoming(number_symbol="13-CV/BTCTW")
    assert (first["arrival_number"], second["arrival_number"]) == (1, 2)
    last_year = timezone.now() - datetime.timedelta(days=366)
    old = register_incoming(
        number_symbol="14-CV/BTCTW",
        received_at=last_year.isoformat(),
        issued_date=timezone.localtime(last_year).date().isoformat(),
        deadline=None,
    )
    assert old["arrival_number"] == 1
    assert old["year"] == timezone.localtime(last_year).year
    third = register_incoming(number_symbol="15-CV/BTCTW")
    assert third["arrival_number"] == 3
    assert sorted(Counter.objects.values_list("last_number", flat=True)) == [1, 3]


def test_registration_at_home_without_a_position_there_still_works_for_an_admin(
    city: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # A superuser may register for their home organisation without holding a position there:
    # the home organisation is then read by itself.
    admin = make_user(username="qt", organization=city.tu, roles=[], is_superuser=True)
    answer = _post(admin, django_capture_on_commit_callbacks)
    assert answer.status_code == 201, answer.content
    assert Document.objects.get(pk=answer.json()["id"]).organization_id == city.tu.pk


def test_registration_without_a_home_organisation_is_refused_and_stores_nothing(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user(username="vt_none", organization=None, roles=[], clearance="secret")
    answer = _post(user, django_capture_on_commit_callbacks)
    assert answer.status_code == 400
    assert answer.json()["organization"] == ["Tài khoản chưa thuộc tổ chức nào; không thể vào sổ."]
    assert not Document.objects.exists()
    assert not Counter.objects.exists()
