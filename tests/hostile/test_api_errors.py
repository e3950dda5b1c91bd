"""Bugs schemathesis found, each pinned by a test that failed before its fix: numbers beyond
what the database holds gave a 500; views missing from the schema; error answers undeclared."""

from __future__ import annotations

from typing import Any

from drf_spectacular.generators import SchemaGenerator

from tests.hostile.conftest import api_client

HUGE = 10**30


def test_number_beyond_the_database_is_400_not_500(world: Any) -> None:
    client = api_client(world.admin)
    answer = client.get(f"/api/v1/transfers/due/?due_within={HUGE}")
    assert answer.status_code == 400
    assert answer.json() == {"non_field_errors": ["Giá trị vượt quá giới hạn cho phép."]}
    answer = client.post(
        "/api/v1/transfers/", {"title": "Nộp lưu", "dossiers": [HUGE]}, format="json"
    )
    assert answer.status_code in (400, 404)


def test_every_operation_declares_the_convention_errors(db: Any) -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404"} <= codes, (method, path)


def test_document_views_are_in_the_schema(db: Any) -> None:
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    detail = paths["/api/v1/documents/{id}/"]["get"]["responses"]["200"]
    assert detail["content"]["application/json"]["schema"]["type"] == "object"
    text = paths["/api/v1/documents/{id}/text/"]["get"]["responses"]["200"]
    assert text["content"]["application/json"]["schema"]["$ref"].endswith("/DocumentTextOut")
    issue = paths["/api/v1/outgoing/{id}/issue/"]["post"]["responses"]["200"]
    assert issue["content"]["application/json"]["schema"]["$ref"].endswith("/IssueOut")
