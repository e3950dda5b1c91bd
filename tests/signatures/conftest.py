"""Fixtures of the organisation-signature tests: the exchange tests' generated test CA, keys,
PDFs and pdfsig (``tests.exchange.signing_pki``; nothing secret is committed), signature and
seal images drawn at run time, and an issued outgoing document."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from rest_framework.test import APIClient

from tests.exchange import signing_pki as keys
from tests.exchange.test_signing import PASS, Pki
from vanthu.exchange.signing import Appearance
from vanthu.registry.models import Document, DocumentFile

BLUE = (20, 40, 200, 255)  # the handwritten signature (Phụ lục I: blue ink)
RED = (220, 20, 30, 255)  # the seal (Phụ lục I: red)

needs_poppler = pytest.mark.skipif(
    shutil.which("pdfsig") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdfsig, pdftoppm) is not installed",
)


def png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def signature_png() -> bytes:
    """A blue stroke on a transparent background."""
    im = Image.new("RGBA", (400, 160), (0, 0, 0, 0))
    ImageDraw.Draw(im).line(
        [(20, 120), (120, 30), (200, 130), (300, 40), (380, 110)], fill=BLUE, width=14
    )
    return png(im)


def seal_png() -> bytes:
    """A red round seal (two rings and a star-like cross) on a transparent background."""
    im = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.ellipse([8, 8, 292, 292], outline=RED, width=22)
    d.ellipse([70, 70, 230, 230], outline=RED, width=12)
    d.line([(150, 90), (150, 210)], fill=RED, width=12)
    d.line([(90, 150), (210, 150)], fill=RED, width=12)
    return png(im)


def personally_signed(pki: Pki, pdf: bytes | None = None) -> bytes:
    """Signed by the competent person, with their handwritten signature image."""
    return keys.signed_with(
        pki.p12,
        pdf,
        field_name="NguoiKy",
        appearance=Appearance(kind="signature", signature_image=signature_png()),
    )


def render(data: bytes, tmp_path: Path, dpi: int = 72) -> Image.Image:
    """The first page as pdftoppm (poppler) draws it, widget appearances included."""
    source = tmp_path / "render.pdf"
    source.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(source),
         str(tmp_path / "page")],
        check=True, timeout=60,
    )  # fmt: skip
    return Image.open(tmp_path / "page.png").convert("RGB")


def count(image: Image.Image, box: tuple[float, float, float, float], colour: str) -> int:
    """Pixels of ``colour`` ("red", "blue", "dark") inside the PDF box (points, from the
    bottom left) of a page rendered at 72 dpi."""
    x1, y1, x2, y2 = box
    height = image.height
    n = 0
    for x in range(max(0, int(x1)), min(image.width, int(x2))):
        for y in range(max(0, int(height - y2)), min(height, int(height - y1))):
            r, g, b = image.getpixel((x, y))  # type: ignore[misc]
            if (
                (colour == "red" and r > 150 and g < 90 and b < 90)
                or (colour == "blue" and b > 150 and r < 90 and g < 120)
                or (colour == "dark" and r < 100 and g < 100 and b < 100)
            ):
                n += 1
    return n


@pytest.fixture(scope="session")
def pki() -> Pki:
    return Pki()


@pytest.fixture
def org_key(pki: Pki, tmp_path: Path, settings: Any) -> Pki:
    """The organisation's PKCS#12 key and the installation's trust root, configured."""
    key = tmp_path / "co-quan.p12"
    key.write_bytes(pki.p12)
    root = tmp_path / "root.pem"
    root.write_bytes(pki.root_pem)
    settings.VANTHU_SIGNING_PKCS11_MODULE = ""
    settings.VANTHU_SIGNING_KEY_P12 = str(key)
    settings.VANTHU_SIGNING_KEY_PASSPHRASE = PASS
    settings.VANTHU_EXCHANGE_TRUST_ROOTS = str(root)
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    return pki


@pytest.fixture
def seal_file(tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "con-dau.png"
    path.write_bytes(seal_png())
    settings.VANTHU_SIGNING_SEAL_IMAGE = str(path)
    return path


@pytest.fixture
def people(city: Any, make_user: Any) -> Any:
    def user(name: str, org: Any, role: str, clearance: str = "secret") -> Any:
        return make_user(
            username=name, full_name=name, organization=org, roles=[role], clearance=clearance
        )

    return type(
        "People",
        (),
        {
            "clerk": user("vt_tu", city.tu, "clerk"),
            "specialist": user("cv_tu", city.tu, "specialist"),
            "admin": user("qt_tu", city.tu, "admin"),
            "clerk_du2": user("vt_du2", city.du2, "clerk"),
        },
    )


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def outgoing(clerk: Any, *files: tuple[str, bytes, str], issue: bool = True) -> Document:
    client = api(clerk)
    answer = client.post(
        "/api/v1/outgoing/",
        {
            "document_type": "CV",
            "summary": "Về việc triển khai chữ ký số",
            "signer": "Nguyễn Văn Ấn",
            "secrecy": "none",
            "urgency": "normal",
            "recipients": [{"name": "Các ban đảng"}],
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    pk = answer.json()["id"]
    for name, data, content_type in files:
        up = client.post(
            f"/api/v1/outgoing/{pk}/files/",
            {"file": SimpleUploadedFile(name, data, content_type)},
            format="multipart",
        )
        assert up.status_code == 201, up.content
    if issue:
        issued = client.post(f"/api/v1/outgoing/{pk}/issue/")
        assert issued.status_code == 200, issued.content
    return Document.objects.get(pk=pk)


def incoming(
    clerk: Any, summary: str = "V/v phối hợp tổ chức hội nghị", secrecy: str = "none"
) -> Document:
    """An incoming document the clerk registers (a classified one without its summary)."""
    from django.utils import timezone

    from vanthu.orgs.models import DocumentType
    from vanthu.registry import services as registry

    return registry.register_incoming(
        actor=clerk,
        organization=clerk.organization,
        data={
            "sender": "Tỉnh ủy Nghệ An",
            "number_symbol": "15-CV/TU",
            "document_type": DocumentType.objects.get(code="CV"),
            "issued_date": timezone.localdate() - datetime.timedelta(days=1),
            "summary": summary if secrecy == "none" else "",
            "secrecy": secrecy,
            "urgency": "normal",
            "received_at": timezone.now(),
        },
    )


def incoming_file(
    clerk: Any, data: bytes | None = None, secrecy: str = "none", name: str = "ban-quet.pdf"
) -> DocumentFile:
    """An incoming document with one PDF (by default an unsigned scan)."""
    from vanthu.registry import services as registry

    doc = incoming(clerk, secrecy=secrecy)
    upload = SimpleUploadedFile(name, data or keys.plain_pdf(), "application/pdf")
    return registry.add_file(actor=clerk, document=doc, upload=upload)
