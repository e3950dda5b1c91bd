"""Signing PDFs as PAdES with pyHanko (docs/exchange.md, "Chữ ký số").

PAdES B-B: a CAdES detached signature over the byte range, signing certificate attribute,
SHA-256. With a timestamp authority configured (``VANTHU_SIGNING_TSA_URL``) the signature gets a
signature timestamp (B-T); with revocation data for the signer's chain as well (the CRL folder,
or fetching allowed: ``exchange.revocation``) pyHanko validates the chain before signing and
writes the certificates and CRLs/OCSP responses into the document's DSS (B-LT); with
``VANTHU_SIGNING_LTA`` a document timestamp then covers the DSS (B-LTA, ETSI EN 319 142-1 §6.5:
the archive timestamp a later renewal extends). Missing data never fails a signing: it falls
back to the highest level reachable and says why (``SignedPdf.level``, ``SignedPdf.note``).

Visible appearance (NĐ 30/2020 Phụ lục I, domain.md §1.3):
- ``signature``: the signer's own signature: the handwritten signature image (PNG, transparent
  background) in its box, or, without an image, a box with the signer, time and reason;
- ``seal``: the organisation's signature on the main document: the seal image (PNG, red,
  transparent background, actual size) overlapping the left third of the personal signature
  box (``over``; the first page's existing signature widget when the caller finds one);
- ``attachment``: for attachments in a separate file, top-right of the first page, no image,
  the text "Số và ký hiệu; thời gian ký" with the time in ISO 8601 and the Vietnam offset;
- ``copy``: an electronic copy of a paper document (sao y), top-right of the first page, no
  image: the copy mark ("hình thức sao", the copying organisation, number) and the time;
- ``invisible``: no appearance at all.

Images are drawn by pyHanko itself: a ``StaticStampStyle`` whose background is a
``PdfImage`` (Pillow image; the alpha channel becomes the image's soft mask, so the page shows
through the transparent background).

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

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.stamp import BaseStampStyle, StaticStampStyle, TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, RevokedError

from vanthu.exchange import revocation

# A font with every Vietnamese letter (style.md: Noto Serif and DejaVu Serif have ỦỘẢ); Times
# New Roman, which Phụ lục I names, is not shipped with the system. Noto first: pyHanko spaces
# glyphs correctly only for fonts of 1000 units per em, and DejaVu has 2048.
FONTS = (
    Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
)
A4 = (595.0, 842.0)
MM = 72 / 25.4  # points per millimetre
# A signature or seal image larger than this is refused (a seal scanned at 600 dpi is ~1 MB).
MAX_IMAGE_BYTES = 2 * 1024 * 1024
Box = tuple[int, int, int, int]


class SigningError(ValueError):
    """A signing request we refuse; ``str()`` explains it in Vietnamese."""


@dataclass(frozen=True)
class Appearance:
    kind: Literal["invisible", "signature", "seal", "attachment", "copy"] = "signature"
    # For ``attachment``: the number and symbol of the document the file belongs to.
    number_symbol: str = ""
    # For ``signature``: where the box goes on the first page (x1, y1, x2, y2 in points);
    # for ``seal`` without ``over``: the personal signature box the seal overlaps.
    box: Box = (330, 60, 560, 140)
    # For ``signature``: the handwritten signature image (PNG, blue, transparent background).
    signature_image: bytes | None = None
    # For ``seal``: the seal image (PNG, red, transparent background), its actual diameter,
    # and the personal signature box it overlaps (None: ``box``).
    seal_image: bytes | None = None
    seal_mm: float = 36.0
    over: Box | None = None
    # For ``copy``: the lines of the copy mark (hình thức sao, organisation, number).
    copy_mark: str = field(default="", repr=False)


def png_image(data: bytes, what: str) -> Image.Image:
    """A PNG signature or seal image as Pillow reads it; ``SigningError`` in Vietnamese when it
    is not a readable PNG of a sensible size. Kept with its alpha channel (transparent
    background, Phụ lục I)."""
    if not data or len(data) > MAX_IMAGE_BYTES:
        raise SigningError(_("Ảnh %s rỗng hoặc lớn hơn 2 MB.") % what)
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise SigningError(_("Ảnh %s không đọc được (cần tệp PNG).") % what) from exc
    if image.format != "PNG":
        raise SigningError(_("Ảnh %s phải là tệp PNG.") % what)
    if not 16 <= image.width <= 4000 or not 16 <= image.height <= 4000:
        raise SigningError(_("Ảnh %s phải rộng và cao từ 16 đến 4000 điểm ảnh.") % what)
    return image.convert("RGBA")


def seal_box(over: Box, seal_mm: float) -> Box:
    """The seal's box: a square of the seal's actual size whose right part covers the left
    third of the personal signature box ``over``, centred on it vertically (NĐ 30 Điều 18,
    Phụ lục I: "trùm lên khoảng 1/3 chữ ký về phía bên trái")."""
    x1, y1, x2, y2 = over
    side = round(seal_mm * MM)
    right = x1 + round((x2 - x1) / 3)
    middle = (y1 + y2) // 2
    return (right - side, middle - side // 2, right, middle - side // 2 + side)


def signature_boxes(pdf_bytes: bytes) -> list[Box]:
    """The boxes of the signed signature widgets on the first page, in the file's order
    (where the competent person's signature sits, so that the seal can overlap it)."""
    found: list[Box] = []
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        first = reader.root["/Pages"]
        while "/Kids" in first:
            first = first["/Kids"][0]
        for ref in first.get("/Annots", []) or []:
            annot = ref.get_object()
            if annot.get("/FT") != "/Sig" and annot.get("/Parent", {}).get("/FT") != "/Sig":
                continue
            if "/V" not in annot:
                continue
            x1, y1, x2, y2 = (int(float(v)) for v in annot["/Rect"])
            if x2 - x1 > 1 and y2 - y1 > 1:
                found.append((min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)))
    except (PdfError, KeyError, IndexError, TypeError, ValueError, AttributeError):
        return []
    return found


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


def _image_style(image: Image.Image) -> StaticStampStyle:
    # The image fills its box keeping its proportions, opaque: its own alpha channel is the
    # transparency (pyHanko writes it as the image's /SMask).
    rule = layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MID,
        y_align=layout.AxisAlignment.ALIGN_MID,
        margins=layout.Margins.uniform(1),
        inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
    )
    return StaticStampStyle(
        background=PdfImage(image),
        background_layout=rule,
        background_opacity=1.0,
        border_width=0,
    )


def _style(text: str, border: int) -> TextStampStyle:
    path = next((f for f in FONTS if f.exists()), None)
    font = GlyphAccumulatorFactory(str(path)) if path else None
    text_style = TextBoxStyle(font=font, font_size=10) if font else TextBoxStyle(font_size=10)
    return TextStampStyle(
        stamp_text=text.replace("%", "%%"), border_width=border, text_box_style=text_style
    )


@dataclass(frozen=True)
class LongTerm:
    """What a B-T or B-LT signature needs: a timestamp authority (RFC 3161, over HTTP), the
    trust roots the signer's chain is validated against, and the revocation data."""

    tsa_url: str = ""
    tsa_timeout: float = 10.0
    trust_roots: tuple[asn1_x509.Certificate, ...] = ()
    revocation: revocation.RevocationData = field(default_factory=revocation.RevocationData)
    # B-LTA: a document timestamp over the B-LT signature and its DSS (VANTHU_SIGNING_LTA).
    archival: bool = False

    @classmethod
    def configured(cls) -> LongTerm:
        """From the settings; without a TSA nothing else is read (B-B, as before)."""
        from vanthu.exchange.verify import configured_trust_roots

        url = str(getattr(settings, "VANTHU_SIGNING_TSA_URL", "") or "")
        if not url:
            return cls()
        return cls(
            tsa_url=url,
            tsa_timeout=float(getattr(settings, "VANTHU_SIGNING_TSA_TIMEOUT_SECONDS", 10)),
            trust_roots=tuple(configured_trust_roots()),
            revocation=revocation.configured(),
            archival=bool(getattr(settings, "VANTHU_SIGNING_LTA", False)),
        )


@dataclass(frozen=True)
class SignedPdf:
    """A signed PDF, the PAdES level it reached and, below B-LT, why (Vietnamese)."""

    data: bytes
    level: Literal["B-B", "B-T", "B-LT", "B-LTA"]
    note: str = ""


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
    long_term: LongTerm | None = None,
) -> bytes:
    """The PDF with one more PAdES signature (an incremental update: earlier ones stay), at
    the highest level the configuration allows (``sign_pdf_leveled`` says which)."""
    return sign_pdf_leveled(
        pdf_bytes,
        signer_p12=signer_p12,
        passphrase=passphrase,
        key=key,
        reason=reason,
        location=location,
        appearance=appearance,
        field_name=field_name,
        long_term=long_term,
    ).data


def sign_pdf_leveled(
    pdf_bytes: bytes,
    *,
    signer_p12: bytes | None = None,
    passphrase: str | bytes | None = None,
    key: SigningKey | None = None,
    reason: str,
    location: str,
    appearance: Appearance | None = None,
    field_name: str = "VanthuSignature",
    long_term: LongTerm | None = None,
) -> SignedPdf:
    """Sign as ``sign_pdf`` and say which PAdES level was reached.

    The key is ``key`` (PKCS#12 or PKCS#11), or the PKCS#12 bytes ``signer_p12``;
    ``long_term`` None means the configured TSA, trust roots and revocation data."""
    if key is None:
        if signer_p12 is None:
            raise SigningError(_("Chưa có khóa ký số."))
        key = Pkcs12Key(signer_p12, passphrase)
    lt = long_term if long_term is not None else LongTerm.configured()
    with key.open() as signer:
        return _sign(pdf_bytes, signer, reason, location, appearance, field_name, lt)


def _sign(
    pdf_bytes: bytes,
    signer: signers.Signer,
    reason: str,
    location: str,
    appearance: Appearance | None,
    field_name: str,
    lt: LongTerm,
) -> SignedPdf:
    appearance = appearance or Appearance()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except (PdfError, ValueError, KeyError) as exc:
        raise SigningError(_("Tệp không phải PDF hợp lệ.")) from exc
    when = iso_now()
    style: BaseStampStyle | None = None
    box: Box | None = None
    if appearance.kind == "signature":
        box = appearance.box
        if appearance.signature_image is not None:
            style = _image_style(png_image(appearance.signature_image, _("chữ ký")))
        else:
            name = signer.subject_name or ""
            style = _style(f"Ký bởi: {name}\nThời gian ký: {when}\nLý do: {reason}", border=1)
    elif appearance.kind == "seal":
        if appearance.seal_image is None:
            raise SigningError(_("Chưa có ảnh con dấu của cơ quan."))
        style = _image_style(png_image(appearance.seal_image, _("con dấu")))
        box = seal_box(appearance.over or appearance.box, appearance.seal_mm)
    elif appearance.kind in ("attachment", "copy"):
        text = appearance.number_symbol if appearance.kind == "attachment" else appearance.copy_mark
        if not text.strip():
            raise SigningError(
                _("Chữ ký trên tệp đính kèm phải ghi số và ký hiệu văn bản.")
                if appearance.kind == "attachment"
                else _("Chữ ký trên bản sao điện tử phải ghi hình thức sao và tên cơ quan sao.")
            )
        width, height = _first_page_size(writer)
        # Phụ lục I: top-right corner of the first page, no image, black text.
        lines = text.count("\n") + 2
        top = int(height) - 15
        box = (int(width) - 250, top - 15 - 12 * lines, int(width) - 20, top)
        style = _style(f"{text}\n{when}", border=0)
    spec = fields.SigFieldSpec(field_name, on_page=0, box=box)

    def attempt(
        timestamper: RequestsHTTPTimeStamper | None,
        context: ValidationContext | None,
        archival: bool = False,
    ) -> bytes:
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason,
            location=location,
            embed_validation_info=context is not None,
            validation_context=context,
            # pyHanko adds the document timestamp after the DSS, validating the TSA's chain
            # with the same context (its revocation data goes into the DSS too).
            use_pades_lta=archival,
        )
        pdf_signer = signers.PdfSigner(
            meta, signer=signer, stamp_style=style, new_field_spec=spec, timestamper=timestamper
        )
        out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False))
        return bytes(out.getvalue())

    notes: list[str] = []
    if lt.tsa_url:
        timestamper = RequestsHTTPTimeStamper(lt.tsa_url, timeout=lt.tsa_timeout)
        chain = _chain(signer)
        if lt.revocation.covers(chain):
            try:
                if lt.archival:
                    try:
                        lta = attempt(timestamper, _lt_context(lt, chain), archival=True)
                        return SignedPdf(lta, "B-LTA")
                    except _LT_ERRORS as exc:
                        _refuse_revoked(exc)
                        notes.append(
                            _("Không đóng được dấu thời gian lưu trữ (B-LTA): %s") % _plain(exc)
                        )
                data = attempt(timestamper, _lt_context(lt, chain))
                return SignedPdf(data, "B-LT", " ".join(notes))
            except _LT_ERRORS as exc:
                _refuse_revoked(exc)
                notes.append(_("Không lập được dữ liệu kiểm tra dài hạn (B-LT): %s") % _plain(exc))
        else:
            notes.append(
                _(
                    "Không có danh sách chứng thư bị thu hồi (CRL) cho chuỗi chứng thư của "
                    "khóa ký và không được phép tải qua mạng: chưa đạt mức B-LT."
                )
            )
            notes.extend(lt.revocation.problems)
        try:
            return SignedPdf(attempt(timestamper, None), "B-T", " ".join(notes))
        except (PdfError, ValueError, OSError) as exc:
            notes.append(
                _("Máy chủ dấu thời gian (TSA) không cấp được dấu thời gian: %s") % _plain(exc)
            )
    else:
        notes.append(_("Chưa cấu hình máy chủ dấu thời gian (TSA)."))
    try:
        data = attempt(None, None)
    except (PdfError, ValueError) as exc:
        raise SigningError(_("Không ký được tệp PDF: %s") % exc) from exc
    return SignedPdf(data, "B-B", " ".join([*notes, _("Chữ ký ở mức PAdES B-B.")]))


_LT_ERRORS = (PdfError, ValueError, OSError, PathBuildingError, PathValidationError)


def _refuse_revoked(exc: BaseException) -> None:
    """A key whose certificate is revoked signs nothing (Luật Giao dịch điện tử: a revoked
    certificate no longer proves who signed)."""
    if _caused_by(exc, RevokedError):
        raise SigningError(_("Chứng thư số của khóa ký đã bị thu hồi; không ký số được.")) from exc


def _caused_by(exc: BaseException | None, kind: type[BaseException]) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, kind):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _plain(exc: BaseException) -> str:
    """One line about an error, without the chain of causes."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


def _chain(signer: signers.Signer) -> list[asn1_x509.Certificate]:
    """The signer's certificate and the certificates that came with it (its chain)."""
    certs = [signer.signing_cert] if signer.signing_cert is not None else []
    return certs + [c for c in signer.cert_registry if c not in certs]


def _lt_context(lt: LongTerm, chain: list[asn1_x509.Certificate]) -> ValidationContext:
    """The chain must validate to a configured root with revocation data for every
    certificate ("require"); only the CRLs of this chain's (and the roots') issuers go into
    the DSS."""
    issuers = [c.issuer for c in chain] + [c.subject for c in chain + list(lt.trust_roots)]
    return ValidationContext(
        trust_roots=list(lt.trust_roots),
        other_certs=chain,
        crls=lt.revocation.crls_for(issuers),
        allow_fetching=lt.revocation.fetching,
        revocation_mode="require",
    )
