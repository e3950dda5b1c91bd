"""The index follows the registry and capture services with no extra step (docs/search.md).

These tests commit for real (``transactional_db``): the index is written by on-commit callbacks,
exactly as in production.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.registry.conftest import incoming_payload
from vanthu.core import jobs
from vanthu.registry.models import Document


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _search(user: Any, q: str) -> set[int]:
    answer = _client(user).get("/api/v1/search/", {"q": q})
    assert answer.status_code == 200, answer.content
    return {r["id"] for r in answer.json()["results"]}


def test_registered_document_is_found_at_once(
    transactional_db: Any, city: Any, make_user: Any
) -> None:
    clerk = make_user(organization=city.vp, roles=["clerk"])
    answer = _client(clerk).post(
        "/api/v1/incoming/",
        incoming_payload(summary="Về việc tổ chức hội nghị quán triệt nghị quyết"),
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["id"] in _search(clerk, "quan triet")


@pytest.mark.slow
def test_text_of_an_uploaded_file_is_found_after_capture(
    transactional_db: Any, city: Any, make_user: Any
) -> None:
    from fpdf import FPDF

    clerk = make_user(organization=city.vp, roles=["clerk"])
    created = _client(clerk).post(
        "/api/v1/incoming/", incoming_payload(summary="Công văn gửi kèm báo cáo"), format="json"
    )
    assert created.status_code == 201, created.content
    doc_id = created.json()["id"]
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("DejaVu", size=12)
    pdf.cell(text="Báo cáo sơ kết công tác phòng chống thiên tai năm 2026")
    body = io.BytesIO(bytes(pdf.output()))
    upload = SimpleUploadedFile("bao-cao.pdf", body.read(), content_type="application/pdf")
    answer = _client(clerk).post(
        f"/api/v1/incoming/{doc_id}/files/", {"file": upload}, format="multipart"
    )
    assert answer.status_code == 201, answer.content
    assert doc_id not in _search(clerk, "thien tai")
    jobs.run_pending()
    assert Document.objects.get(pk=doc_id).files.get().text_status == "done"
    assert doc_id in _search(clerk, "thien tai")
