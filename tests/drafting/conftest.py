"""Fixtures for the drafting tests: an office of the city hierarchy and its outgoing drafts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from vanthu.orgs.models import DocumentType, Organization
from vanthu.registry import services
from vanthu.registry.models import Document


@pytest.fixture
def office(city: Any, make_user: Any) -> Any:
    """TU's clerk (who drafts and issues) and its secretary (who signs)."""
    clerk = make_user(username="vt_tu", organization=city.tu, roles=["clerk"], clearance="secret")
    secretary = make_user(
        username="bt_tu",
        full_name="Nguyễn Văn Nên",
        position_title="Bí thư",
        organization=city.tu,
        roles=["leader"],
    )
    outsider = make_user(username="vt_du2", organization=city.du2, roles=["clerk"])
    return type(
        "Office",
        (),
        {"city": city, "clerk": clerk, "secretary": secretary, "outsider": outsider},
    )


@pytest.fixture
def make_outgoing(office: Any) -> Callable[..., Document]:
    def make(
        code: str = "NQ",
        *,
        issue: bool = True,
        organization: Organization | None = None,
        summary: str = "về tăng cường công tác văn thư, lưu trữ",
        secrecy: str = "none",
        recipients: tuple[str, ...] = ("Ban Thường vụ Thành ủy", "Các đảng ủy trực thuộc"),
    ) -> Document:
        document = services.create_outgoing(
            actor=office.clerk,
            organization=organization or office.city.tu,
            data={
                "document_type": DocumentType.objects.get(code=code),
                "summary": summary,
                "signer": "Nguyễn Văn Nên",
                "secrecy": secrecy,
                "urgency": "normal",
                "recipients": [{"name": name} for name in recipients],
            },
        )
        if issue:
            document = services.issue_outgoing(actor=office.clerk, document=document)
        return document

    return make
