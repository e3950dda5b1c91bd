"""Signing PDFs as PAdES with pyHanko (docs/exchange.md, "Chữ ký số").

PAdES B-B: a CAdES detached signature over the byte range, signing certificate attribute,
SHA-256. B-LT needs revocation data (OCSP/CRL) from the certificate authority; without a
reachable authority here that level is not claimed.

Visible appearance (NĐ 30/2020 Phụ lục I, domain.md §1.3):
- ``signature``: a signature box with the signer, time and reason (the handwritten signature
  and seal images are a later slice);
- ``attachment``: for attachments in a separate file, top-right of the first page, no image,
  the text "Số và ký hiệu; thời gian ký" with the time in ISO 8601 and the Vietnam offset;
- ``invisible``: no appearance at all.

Keys (``SigningKey``): a PKCS#12 file (``Pkcs12Key``) or a key on a PKCS#11 token
(``Pkcs11Key``: USB tokens are how officials sign here), both through pyHanko's signers, so
both take the same signing path below.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle

# A font with every Vietnamese letter (style.md: Noto Serif and DejaVu Serif have ỦỘẢ); Times
# New Roman, which Phụ lục I names, is not shipped with the system. Noto first: pyHanko spaces
# glyphs correctly only for fonts of 1000 units per em, and DejaVu has 2048.
FONTS = (
    Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
)
A4 = (595.0, 842.0)


class SigningError(ValueError):
    """A signing request we refuse; ``str()`` explains it in Vietnamese."""


@dataclass(frozen=True)
class Appearance:
    kind: Literal["invisible", "signature", "attachment"] = "signature"
    # For ``attachment``: the number and symbol of the document the file belongs to.
    number_symbol: str = ""
    # For ``signature``: where the box goes on the first page (x1, y1, x2, y2 in points).
    box: tuple[int, int, int, int] = (330, 60, 560, 140)


def iso_now() -> str:
    """Now in Asia/Ho_Chi_Minh, ISO 8601 with its offset (Phụ lục I: "múi giờ Việt Nam")."""
    return timezone.localtime().isoformat(timespec="seconds")


def _load_signer(signer_p12: bytes, passphrase: str | bytes | None) -> signers.SimpleSigner:
    secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(signer_p12, (), passphrase=secret)
    except (ValueError, TypeError) as exc:
        raise SigningError(_("Không đọc được tệp khóa PKCS#12 (sai mật khẩu?).")) from exc
    if signer is None:
        raise SigningError(_("Không đọc được tệp khóa PKCS#12 (sai mật khẩu?)."))
    return signer


class SigningKey(Protocol):
    def open(self) -> AbstractContextManager[signers.Signer]: ...


@dataclass(frozen=True)
class Pkcs12Key:
    """A key and certificate chain in PKCS#12 bytes."""

    data: bytes
    passphrase: str | bytes | None = None

    @contextmanager
    def open(self) -> Iterator[signers.Signer]:
        yield _load_signer(self.data, self.passphrase)


@dataclass(frozen=True)
class Pkcs11Key:
    """A key on a PKCS#11 token (a USB token, an HSM; SoftHSM in the tests).

    ``module_path``: the vendor's PKCS#11 library; ``token_label``: the token's label; the key
    and its certificate are found by label (``cert_label`` defaults to ``key_label``). The
    session is opened for one signature and closed at once."""

    module_path: str
    token_label: str
    key_label: str
    pin: str = field(repr=False)
    cert_label: str = ""

    @contextmanager
    def open(self) -> Iterator[signers.Signer]:
        # python-pkcs11 (pyHanko's PKCS#11 support) is imported only when a token is used.
        from pkcs11 import PKCS11Error
        from pyhanko.config.pkcs11 import PKCS11PinEntryMode, PKCS11SignatureConfig, TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11SigningContext

        if not Path(self.module_path).is_file():
            raise SigningError(_("Không tìm thấy thư viện PKCS#11 %s.") % self.module_path)
        config = PKCS11SignatureConfig(
            module_path=self.module_path,
            token_criteria=TokenCriteria(label=self.token_label),
            key_label=self.key_label,
            cert_label=self.cert_label or self.key_label,
            user_pin=self.pin,
            prompt_pin=PKCS11PinEntryMode.SKIP,
        )
        stack = ExitStack()
        try:
            signer = stack.enter_context(PKCS11SigningContext(config))
        except (PKCS11Error, PdfError, ValueError, OSError) as exc:
            raise self._error(exc) from exc
        with stack:
            try:
                yield signer
            except PKCS11Error as exc:  # the key and certificate are looked up when used
                raise self._error(exc) from exc

    def _error(self, exc: Exception) -> SigningError:
        return SigningError(
            _(
                "Không dùng được khóa trên thiết bị ký số “%(token)s” (sai mã PIN, chưa cắm "
                "thiết bị, hoặc không có khóa “%(key)s”): %(error)s"
            )
            % {"token": self.token_label, "key": self.key_label, "error": type(exc).__name__}
        )


def _first_page_size(writer: IncrementalPdfFileWriter) -> tuple[float, float]:
    try:
        page = writer.root["/Pages"]
        while "/Kids" in page:
            page = page["/Kids"][0]
        box = page.get("/MediaBox") or page.get_value("/MediaBox")
        return float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
    except (KeyError, IndexError, TypeError, AttributeError):
        return A4


def _style(text: str, border: int) -> TextStampStyle:
    path = next((f for f in FONTS if f.exists()), None)
    font = GlyphAccumulatorFactory(str(path)) if path else None
    text_style = TextBoxStyle(font=font, font_size=10) if font else TextBoxStyle(font_size=10)
    return TextStampStyle(
        stamp_text=text.replace("%", "%%"), border_width=border, text_box_style=text_style
    )


def sign_pdf(
    pdf_bytes: bytes,
    *,
    signer_p12: bytes | None = None,
    passphrase: str | bytes | None = None,
    key: SigningKey | None = None,
    reason: str,
    location: str,
    appearance: Appearance | None = None,
    field_name: str = "VanthuSignature",
) -> bytes:
    """The PDF with one more PAdES B-B signature (an incremental update: earlier ones stay).

    The key is ``key`` (PKCS#12 or PKCS#11), or the PKCS#12 bytes ``signer_p12``."""
    if key is None:
        if signer_p12 is None:
            raise SigningError(_("Chưa có khóa ký số."))
        key = Pkcs12Key(signer_p12, passphrase)
    with key.open() as signer:
        return _sign(pdf_bytes, signer, reason, location, appearance, field_name)


def _sign(
    pdf_bytes: bytes,
    signer: signers.Signer,
    reason: str,
    location: str,
    appearance: Appearance | None,
    field_name: str,
) -> bytes:
    appearance = appearance or Appearance()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except (PdfError, ValueError, KeyError) as exc:
        raise SigningError(_("Tệp không phải PDF hợp lệ.")) from exc
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    when = iso_now()
    style: TextStampStyle | None = None
    box: tuple[int, int, int, int] | None = None
    if appearance.kind == "signature":
        name = signer.subject_name or ""
        style = _style(f"Ký bởi: {name}\nThời gian ký: {when}\nLý do: {reason}", border=1)
        box = appearance.box
    elif appearance.kind == "attachment":
        if not appearance.number_symbol:
            raise SigningError(_("Chữ ký trên tệp đính kèm phải ghi số và ký hiệu văn bản."))
        width, height = _first_page_size(writer)
        # Phụ lục I: top-right corner of the first page, no image, black text.
        box = (int(width) - 250, int(height) - 50, int(width) - 20, int(height) - 15)
        style = _style(f"{appearance.number_symbol}\n{when}", border=0)
    spec = fields.SigFieldSpec(field_name, on_page=0, box=box)
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=spec)
    try:
        out = pdf_signer.sign_pdf(writer)
    except (PdfError, ValueError) as exc:
        raise SigningError(_("Không ký được tệp PDF: %s") % exc) from exc
    return bytes(out.getvalue())
