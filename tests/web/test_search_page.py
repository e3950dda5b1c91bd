"""The Tra cứu page: results through the search selector, never what the user may not see."""

from __future__ import annotations

from typing import Any

from django.test import Client

from vanthu.orgs.models import DocumentType
from vanthu.registry.models import Document
from vanthu.search import indexing


def _doc(org: Any, summary: str, **fields: Any) -> Document:
    doc = Document.objects.create(
        direction="incoming",
        organization=org,
        document_type=DocumentType.objects.get(code="CV"),
        summary=summary,
        status="new",
        number_symbol=fields.pop("number_symbol", "12-CV/TU"),
        **fields,
    )
    indexing.index_document(doc.pk)
    return doc


def _page(user: Any, q: str) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    answer = client.get("/tra-cuu/", {"q": q})
    return answer.status_code, answer.content.decode()


def test_finds_without_diacritics_and_links_to_the_document(city: Any, make_user: Any) -> None:
    clerk = make_user(organization=city.du1, roles=["clerk"])
    doc = _doc(city.du1, "Kế hoạch chuyển đổi số năm 2026")
    status, html = _page(clerk, "chuyen doi so")
    assert status == 200
    assert f"/van-ban/den/{doc.pk}/" in html
    assert "<mark>" in html


def test_other_branch_and_classified_never_appear(city: Any, make_user: Any, settings: Any) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""  # a cleared specialist, without the TOTP step
    clerk = make_user(organization=city.du1, roles=["specialist"], clearance="top_secret")
    _doc(city.du2, "Phương án MARKERBRANCH của đảng ủy khác")
    _doc(city.du1, "Báo cáo MARKERSECRET tuyệt mật", secrecy="secret")
    for marker in ("MARKERBRANCH", "MARKERSECRET"):
        status, html = _page(clerk, marker.lower())
        assert status == 200
        assert marker not in html
        assert "Tìm thấy 0 văn bản" in html


def test_summary_is_escaped(city: Any, make_user: Any) -> None:
    clerk = make_user(organization=city.du1, roles=["clerk"])
    _doc(city.du1, "<script>alert(1)</script> thông báo khẩn")
    _status, html = _page(clerk, "thong bao")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_a_query_that_cannot_be_understood_gets_a_message(city: Any, make_user: Any) -> None:
    clerk = make_user(organization=city.du1, roles=["clerk"])
    status, html = _page(clerk, "-")
    assert status == 200
    assert 'role="alert"' in html or "Tìm thấy 0" in html
