"""Page images and thumbnails: rendered on demand, cached for plain files, never leaked."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from tests.capture.batch_helpers import page, pdf_bytes
from vanthu.audit.models import Event
from vanthu.capture.models import PageImage
from vanthu.orgs.models import DocumentType
from vanthu.registry import services as registry


@pytest.fixture
def ctx(city: Any, make_user: Any) -> Any:
    clerk = make_user(username="vt_pg", organization=city.tu, roles=["clerk"], clearance="secret")

    def document(secrecy: str) -> Any:
        data = {
            "sender": "Ban Tổ chức Trung ương",
            "number_symbol": "12-CV/BTCTW",
            "document_type": DocumentType.objects.get(code="CV"),
            "summary": "V/v hướng dẫn công tác nhân sự" if secrecy == "none" else "",
            "secrecy": secrecy,
            "received_at": timezone.now(),
        }
        doc = registry.register_incoming(actor=clerk, organization=city.tu, data=data)
        pdf = pdf_bytes([page(0), page(1)])
        f = registry.add_file(
            actor=clerk,
            document=doc,
            upload=SimpleUploadedFile("vb.pdf", pdf, content_type="application/pdf"),
        )
        return doc, f

    return type("Ctx", (), {"city": city, "clerk": clerk, "document": document})


def _get(user: Any, url: str) -> Any:
    client = APIClient()
    client.force_authenticate(user)
    return client.get(url)


def test_thumbnail_and_page_images_are_rendered_and_cached(ctx: Any) -> None:
    doc, f = ctx.document("none")
    thumb = _get(ctx.clerk, f"/api/v1/documents/{doc.pk}/files/{f.pk}/thumbnail.png")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(thumb.content)).width == 200
    url = f"/api/v1/documents/{doc.pk}/files/{f.pk}/pages/2.png?width=300"
    first = _get(ctx.clerk, url)
    assert Image.open(io.BytesIO(first.content)).size[0] == 300
    assert PageImage.objects.filter(file_sha256=f.sha256, page=2, width=300).exists()
    assert _get(ctx.clerk, url).content == first.content
    assert PageImage.objects.count() == 2


@pytest.mark.parametrize(("suffix", "code"), [("pages/3.png", 404), ("pages/0.png", 404)])
def test_missing_page_is_404(ctx: Any, suffix: str, code: int) -> None:
    doc, f = ctx.document("none")
    assert _get(ctx.clerk, f"/api/v1/documents/{doc.pk}/files/{f.pk}/{suffix}").status_code == code


@pytest.mark.parametrize("width", ["abc", "10", "99999"])
def test_bad_width_is_a_field_error(ctx: Any, width: str) -> None:
    doc, f = ctx.document("none")
    answer = _get(ctx.clerk, f"/api/v1/documents/{doc.pk}/files/{f.pk}/pages/1.png?width={width}")
    assert answer.status_code == 400 and "width" in answer.json()
    assert not PageImage.objects.exists()


def test_thumbnail_of_another_organizations_document_is_404(ctx: Any, make_user: Any) -> None:
    doc, f = ctx.document("none")
    other = make_user(username="vt_pg2", organization=ctx.city.du2, roles=["clerk"])
    assert _get(other, f"/api/v1/documents/{doc.pk}/files/{f.pk}/thumbnail.png").status_code == 404
    assert _get(other, f"/api/v1/documents/{doc.pk}/files/{f.pk}/pages/1.png").status_code == 404
    # A file id of another document is 404 too, even for a user who sees that document.
    doc2, _f2 = ctx.document("none")
    assert (
        _get(ctx.clerk, f"/api/v1/documents/{doc2.pk}/files/{f.pk}/thumbnail.png").status_code
        == 404
    )


def test_classified_thumbnail_is_404_for_uncleared_users(ctx: Any, make_user: Any) -> None:
    doc, f = ctx.document("secret")
    uncleared = make_user(
        username="vt_pg3", organization=ctx.city.tu, roles=["clerk"], clearance="none"
    )
    specialist = make_user(
        username="cv_pg", organization=ctx.city.tu, roles=["specialist"], clearance="top_secret"
    )
    for user in (uncleared, specialist):
        answer = _get(user, f"/api/v1/documents/{doc.pk}/files/{f.pk}/thumbnail.png")
        assert answer.status_code == 404
        assert b"PNG" not in answer.content
    assert not PageImage.objects.exists()


def test_classified_page_is_watermarked_audited_and_never_cached(ctx: Any) -> None:
    doc, f = ctx.document("secret")
    answer = _get(ctx.clerk, f"/api/v1/documents/{doc.pk}/files/{f.pk}/pages/1.png?width=400")
    assert answer.status_code == 200 and answer["Cache-Control"] == "private, no-store"
    image = Image.open(io.BytesIO(answer.content)).convert("RGB")
    # The red mark (reader, time, TỐI MẬT) is drawn on the page.
    raw = image.tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    reds = sum(1 for r, g, b in pixels if r > 180 and g < 90 and b < 90)
    assert reds > 50
    assert not PageImage.objects.exists()
    assert Event.objects.filter(action="document.view", object_id=str(doc.pk)).exists()
