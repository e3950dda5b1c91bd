"""The visible appearance of signatures (NĐ 30 Phụ lục I, domain.md §1.3): the handwritten
signature image, the seal image overlapping the left third of it, the text of attachments and
copies top right. Checked on the page as poppler draws it, and with pyHanko's validator and
pdfsig."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.exchange.signing_pki import pdfsig, plain_pdf
from tests.exchange.test_signing import PASS, Pki
from tests.signatures.conftest import (
    count,
    needs_poppler,
    personally_signed,
    render,
    seal_png,
)
from vanthu.exchange.signing import (
    Appearance,
    SigningError,
    seal_box,
    sign_pdf,
    signature_boxes,
)
from vanthu.exchange.verify import verify_all

PERSONAL = (330, 60, 560, 140)  # Appearance's default signature box


def _sealed(pki: Pki, first: bytes) -> bytes:
    boxes = signature_boxes(first)
    return sign_pdf(
        first, signer_p12=pki.p12, passphrase=PASS, reason="Ký số của cơ quan",
        location="Thành ủy", field_name="CoQuan",
        appearance=Appearance(kind="seal", seal_image=seal_png(), over=boxes[0]),
    )  # fmt: skip


def test_the_seal_box_covers_the_left_third_of_the_signature() -> None:
    x1, y1, x2, y2 = seal_box(PERSONAL, 36.0)
    side = round(36 * 72 / 25.4)  # actual size: 36 mm
    assert (x2 - x1, y2 - y1) == (side, side)
    assert x2 == 330 + round(230 / 3)  # its right edge a third into the signature
    assert x1 < 330  # the rest of the seal to the left of the signature
    assert (y1 + y2) // 2 == (60 + 140) // 2


@needs_poppler
def test_signature_and_seal_images_are_on_the_page_and_both_signatures_verify(
    pki: Pki, tmp_path: Path
) -> None:
    first = personally_signed(pki)
    assert signature_boxes(first) == [PERSONAL]
    both = _sealed(pki, first)

    page = render(both, tmp_path)
    x1, y1, x2, y2 = PERSONAL
    third = x1 + (x2 - x1) / 3
    seal = seal_box(PERSONAL, 36.0)
    # The blue signature is drawn in its box; the red seal in its own box, over the signature's
    # left third and nowhere over its right two thirds.
    assert count(page, PERSONAL, "blue") > 200
    assert count(page, seal, "red") > 500
    assert count(page, (x1, y1, third, y2), "red") > 100
    assert count(page, (third + 2, y1, x2, y2), "red") == 0
    # Nothing red or blue outside the two boxes (the page itself is black text on white).
    assert count(page, (0, 200, 595, 842), "red") == count(page, (0, 200, 595, 842), "blue") == 0
    # Without the seal the same page has no red at all: the red is the seal image.
    assert count(render(first, tmp_path), (0, 0, 595, 842), "red") == 0

    results = verify_all(both, [pki.root_pem])
    assert len(results) == 2 and all(r.intact and r.valid and r.trusted for r in results)
    assert results[1].covers_whole_file
    out = pdfsig(both, tmp_path)
    assert out.count("Signature is Valid") == 2, out
    assert "Total document signed" in out, out


@needs_poppler
def test_a_change_after_the_seal_is_detected_by_both_checks(pki: Pki, tmp_path: Path) -> None:
    both = _sealed(pki, personally_signed(pki))
    at = both.index(b"Cong van so 15")
    changed = both[:at] + b"D" + both[at + 1 :]
    results = verify_all(changed, [pki.root_pem])
    assert results and not any(r.intact for r in results)
    out = pdfsig(changed, tmp_path)
    assert "Signature is Valid" not in out, out
    assert "Digest Mismatch" in out or "Invalid" in out, out


@needs_poppler
def test_the_copy_mark_is_drawn_top_right(pki: Pki, tmp_path: Path) -> None:
    mark = "SAO Y\nTHÀNH ỦY\nSố: 01/SY\nNgày 25 tháng 11 năm 2026"
    out = sign_pdf(
        plain_pdf(), signer_p12=pki.p12, passphrase=PASS, reason="Sao y", location="Thành ủy",
        appearance=Appearance(kind="copy", copy_mark=mark),
    )  # fmt: skip
    page = render(out, tmp_path)
    assert count(page, (345, 742, 575, 827), "dark") > 150  # top-right corner
    assert count(render(plain_pdf(), tmp_path), (345, 742, 575, 827), "dark") == 0
    assert verify_all(out, [pki.root_pem])[0].trusted
    assert "Signature is Valid" in pdfsig(out, tmp_path)


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (b"", "rỗng"),
        (b"GIF89a not a png", "không đọc được"),
        (b"\x89PNG\r\n\x1a\n broken", "không đọc được"),
    ],
)
def test_bad_images_are_refused_in_vietnamese(pki: Pki, image: bytes, message: str) -> None:
    with pytest.raises(SigningError, match=message):
        sign_pdf(
            plain_pdf(), signer_p12=pki.p12, passphrase=PASS, reason="x", location="y",
            appearance=Appearance(kind="signature", signature_image=image),
        )  # fmt: skip


def test_a_jpeg_or_a_tiny_image_is_refused(pki: Pki) -> None:
    import io

    from PIL import Image

    jpeg = io.BytesIO()
    Image.new("RGB", (100, 100), "red").save(jpeg, "JPEG")
    tiny = io.BytesIO()
    Image.new("RGBA", (4, 4)).save(tiny, "PNG")
    for data, message in ((jpeg.getvalue(), "PNG"), (tiny.getvalue(), "16 đến 4000")):
        with pytest.raises(SigningError, match=message):
            sign_pdf(
                plain_pdf(), signer_p12=pki.p12, passphrase=PASS, reason="x", location="y",
                appearance=Appearance(kind="seal", seal_image=data),
            )  # fmt: skip
    with pytest.raises(SigningError, match="ảnh con dấu"):
        sign_pdf(
            plain_pdf(), signer_p12=pki.p12, passphrase=PASS, reason="x", location="y",
            appearance=Appearance(kind="seal"),
        )  # fmt: skip
    with pytest.raises(SigningError, match="hình thức sao"):
        sign_pdf(
            plain_pdf(), signer_p12=pki.p12, passphrase=PASS, reason="x", location="y",
            appearance=Appearance(kind="copy", copy_mark="  "),
        )  # fmt: skip


def test_signature_image_is_used_without_text(pki: Pki) -> None:
    """With an image the box carries the image only (Phụ lục I), not the text box."""
    out = personally_signed(pki)
    assert b"/Subtype /Image" in out or b"/Subtype/Image" in out
