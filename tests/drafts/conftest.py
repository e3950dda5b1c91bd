"""Fixtures of the drafts tests: TU's people (drafter, reviewer, head, clerk), DU1's clerk, and
helpers to draft, version, review, initial, approve, issue and send through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from vanthu.orgs.models import User


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(user: User, url: str, body: dict[str, Any] | None = None) -> Any:
    return client_for(user).post(url, body or {}, format="json")


def pdf(name: str = "du-thao.pdf", body: bytes = b"%PDF-1.4 du thao") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, "application/pdf")


def upload(user: User, doc_id: int, *, comment: str = "", body: bytes = b"%PDF-1.4 v") -> Any:
    return client_for(user).post(
        f"/api/v1/outgoing/{doc_id}/versions/",
        {"file": pdf(body=body), "comment": comment},
        format="multipart",
    )


@pytest.fixture
def people(city: Any, make_user: Any) -> Any:
    def mk(username: str, org: Any, roles: list[str], clearance: str = "confidential") -> User:
        return make_user(
            username=username,
            full_name=f"Người {username}",
            organization=org,
            roles=roles,
            clearance=clearance,
        )

    return type(
        "People",
        (),
        {
            "drafter": mk("cv_tu", city.tu, ["specialist"]),
            "reviewer": mk("cv2_tu", city.tu, ["specialist"]),
            "head": mk("ld_tu", city.tu, ["leader"]),
            "clerk": mk("vt_tu", city.tu, ["clerk"]),
            "clerk_du1": mk("vt_du1", city.du1, ["clerk"]),
            "clerk_du2": mk("vt_du2", city.du2, ["clerk"]),
            "uncleared": mk("cv3_tu", city.tu, ["specialist"], clearance="none"),
        },
    )


@pytest.fixture
def draft(people: Any, city: Any) -> Callable[..., dict[str, Any]]:
    def go(**changes: Any) -> dict[str, Any]:
        body = {
            "document_type": "CV",
            "summary": "V/v tổ chức hội nghị sơ kết công tác xây dựng Đảng",
            "signer": "Nguyễn Văn Bí Thư",
            "recipients": [{"organization": city.du1.pk}, {"organization": city.du2.pk}],
            **changes,
        }
        answer = post(people.drafter, "/api/v1/outgoing/", body)
        assert answer.status_code == 201, answer.content
        return dict(answer.json())

    return go


@pytest.fixture
def approved(people: Any, draft: Any) -> Callable[..., dict[str, Any]]:
    """A draft with one version, both initials and the leader's approval."""

    def go(**changes: Any) -> dict[str, Any]:
        doc = draft(**changes)
        assert upload(people.drafter, doc["id"]).status_code == 201
        url = f"/api/v1/outgoing/{doc['id']}"
        assert post(people.drafter, f"{url}/initial/", {"role": "drafter"}).status_code == 201
        assert post(people.head, f"{url}/initial/", {"role": "unit_head"}).status_code == 201
        assert post(people.head, f"{url}/approve/").status_code == 201
        return doc

    return go


@pytest.fixture
def issued(people: Any, approved: Any) -> Callable[..., dict[str, Any]]:
    """An approved draft, issued and sent inside the installation."""

    def go(**changes: Any) -> dict[str, Any]:
        doc = approved(**changes)
        assert post(people.clerk, f"/api/v1/outgoing/{doc['id']}/issue/").status_code == 200
        sent = post(people.clerk, f"/api/v1/outgoing/{doc['id']}/send/")
        assert sent.status_code == 200, sent.content
        return dict(sent.json())

    return go
