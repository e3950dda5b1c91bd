"""PREMIS events of a package beyond ingestion and fixity: the making of the PDF/A copy (OCR),
dated by its audit event, and the validation of PAdES signatures at export time."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree
from PIL import Image

from tests.capture.scans import SAMPLES, render
from tests.exchange.test_signing import PASS, Pki
from tests.preservation.conftest import attach
from tests.records.conftest import Office
from vanthu.capture.services import extract_file_text
from vanthu.exchange.signing import sign_pdf
from vanthu.preservation.package.export import export_dossier
from vanthu.records import services as records
from vanthu.registry import services as registry

PREMIS = "{http://www.loc.gov/premis/v3}"


def _events(bag: Path) -> list[tuple[str, str, str]]:
    """(eventType, outcome, detail) of every event of the bag's only package."""
    (premis,) = list(bag.glob("data/*/metadata/preservation/PREMIS.xml"))
    root = etree.parse(str(premis)).getroot()
    out = []
    for event in root.iter(f"{PREMIS}event"):
        kind = event.findtext(f"{PREMIS}eventType") or ""
        outcome = event.findtext(f".//{PREMIS}eventOutcome") or ""
        detail = event.findtext(f".//{PREMIS}eventDetail") or ""
        out.append((kind, outcome, detail))
    return out


def _signed_pdf(pki: Pki) -> bytes:
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(text="Quyet dinh so 15-QD/TU")
    return sign_pdf(bytes(doc.output()), signer_p12=pki.p12, passphrase=PASS,
                    reason="Ban hành", location="Hà Nội")  # fmt: skip


def test_signatures_are_validated_into_premis(
    office: Office, settings: Any, tmp_path: Path
) -> None:
    pki = Pki()
    roots = tmp_path / "roots.pem"
    roots.write_bytes(pki.root_pem)
    settings.VANTHU_EXCHANGE_TRUST_ROOTS = str(roots)
    dossier = office.dossier()
    good = office.document(summary="Về quyết định đã ký số")
    attach(office, good, _signed_pdf(pki), "qd.pdf")
    records.add_document(actor=office.clerk, dossier=dossier, document=good)
    # A second signature by a CA the installation does not trust.
    stranger = Pki("Một CA lạ")
    other = office.document(summary="Về công văn ký bởi nơi lạ")
    attach(office, other, _signed_pdf(stranger), "cv.pdf")
    records.add_document(actor=office.clerk, dossier=dossier, document=other)

    bag = export_dossier(actor=office.clerk, dossier_id=dossier.pk, out=tmp_path / "pkg")
    checks = [e for e in _events(bag) if e[0] == "digital signature validation"]
    assert sorted(outcome for _kind, outcome, _detail in checks) == ["failure", "success"]
    assert any("Văn thư Thành ủy" in detail for _k, _o, detail in checks)


def test_an_unsigned_pdf_has_no_signature_event(office: Office, tmp_path: Path) -> None:
    dossier = office.dossier()
    doc = office.document()
    attach(office, doc, b"%PDF-1.7 khong ky " + b"x" * 2000)
    records.add_document(actor=office.clerk, dossier=dossier, document=doc)
    bag = export_dossier(actor=office.clerk, dossier_id=dossier.pk, out=tmp_path / "pkg")
    kinds = {kind for kind, _o, _d in _events(bag)}
    assert "ingestion" in kinds and "digital signature validation" not in kinds


def test_the_ocr_copy_has_its_normalization_event(office: Office, tmp_path: Path) -> None:
    dossier = office.dossier()
    doc = office.document(summary="Về văn bản giấy đã số hóa")
    buf = io.BytesIO()
    image: Image.Image = render(SAMPLES[0], dpi=150, seed=1)
    image.save(buf, "PNG", dpi=(150, 150))
    upload = SimpleUploadedFile("scan.png", buf.getvalue(), content_type="image/png")
    scan = registry.add_file(actor=office.clerk, document=doc, upload=upload)
    done = extract_file_text(file_id=scan.pk)
    assert done is not None and done.pdfa_sha256
    records.add_document(actor=office.clerk, dossier=dossier, document=doc)
    bag = export_dossier(actor=office.clerk, dossier_id=dossier.pk, out=tmp_path / "pkg")
    made = [e for e in _events(bag) if e[0] == "normalization"]
    assert len(made) == 1 and made[0][1] == "success"
    assert "PDF/A-2b" in made[0][2] and scan.sha256 in made[0][2]
