"""The competent person signs a draft outgoing document with their own key (ký số cá nhân).

NĐ 30/2020 Điều 13 (ký ban hành: electronic documents are signed digitally by the competent
person), Điều 14 and 32 (for an electronic document the văn thư numbers it and signs for the
organisation only after the competent person has signed it): so the personal signature is made
on a **draft** (before the number); the office then issues the document and signs the
personally signed file with the organisation's key (``signatures.sign``).

The key is the signer's PKCS#12 uploaded for this one signing: read in memory, never stored,
its passphrase never logged. The organisation's own key is refused. The appearance is the
signer's handwritten signature image (Phụ lục I) when they have one, else a box with their name.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image
from pyhanko.sign import signers
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import RevokedError

from vanthu.access import policy
from vanthu.audit.services import record
from vanthu.core.enums import Role
from vanthu.exchange import revocation
from vanthu.exchange.keys import configured_key
from vanthu.exchange.signing import (
    Appearance,
    SignedPdf,
    SigningError,
    png_image,
    sign_pdf_leveled,
)
from vanthu.exchange.verify import configured_trust_roots
from vanthu.orgs.models import User
from vanthu.registry import files
from vanthu.registry.models import Direction, Document, DocumentFile, Status

from .models import FileSignature, HandwrittenSignature, OrganizationSignature, PersonalSignature
from .services import PDF_MAGIC, record_check

Errors = dict[str, list[str]]
FIELD = "VanthuNguoiKy"  # the personal signature's field in the files it signs
# A PKCS#12 file of a person holds one key and a few certificates: a few kilobytes.
MAX_KEY_BYTES = 64 * 1024


@dataclass(frozen=True)
class PersonallySigned:
    signing: PersonalSignature
    file: DocumentFile
    check: FileSignature


@dataclass(frozen=True)
class _Loaded:
    """A signer already read from the uploaded PKCS#12 (``exchange.signing.SigningKey``)."""

    signer: signers.SimpleSigner

    @contextmanager
    def open(self) -> Iterator[signers.Signer]:
        yield self.signer


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def require_signer(actor: User, document: Document) -> None:
    """The document keeps its signer (người ký) only as a name: a leader of the organisation
    whose full name is that name (or part of it: "KT. BÍ THƯ / PHÓ BÍ THƯ / Nguyễn Văn A") signs;
    with no name entered, any of its leaders. Raised before any input is looked at: 403."""
    if Role.LEADER not in policy.roles_in(actor, document.organization):
        raise PermissionDenied(_("Chỉ lãnh đạo (người ký) của cơ quan được ký số văn bản này."))
    named = _fold(document.signer)
    if named and (not actor.full_name.strip() or _fold(actor.full_name) not in named):
        raise PermissionDenied(
            _("Chỉ người ký ghi trên văn bản (%s) được ký số cá nhân văn bản này.")
            % document.signer
        )


def _is_pdf(f: DocumentFile) -> bool:
    return f.content_type == "application/pdf" or f.original_name.lower().endswith(".pdf")


def _pick(document: Document, file_id: int | None) -> DocumentFile | None:
    """The file asked for, or the document's first PDF not signed yet by anyone here."""
    if file_id is not None:
        return DocumentFile.objects.filter(pk=file_id, document=document).first()
    done = [
        *PersonalSignature.objects.filter(source__document=document).values_list(
            "source", "signed"
        ),
        *OrganizationSignature.objects.filter(source__document=document).values_list(
            "source", "signed"
        ),
    ]
    used = {pk for pair in done for pk in pair}
    candidates = document.files.exclude(pk__in=used).order_by("position", "pk")
    return next((f for f in candidates if _is_pdf(f)), None)


def _file_errors(f: DocumentFile | None, file_id: int | None) -> Errors:
    if f is None:
        if file_id is not None:
            return {"file": [_("Văn bản không có tệp này.")]}
        return {"file": [_("Văn bản chưa có tệp PDF để ký số.")]}
    if not _is_pdf(f):
        return {"file": [_("Chỉ ký số được tệp PDF.")]}
    if PersonalSignature.objects.filter(signed=f).exists():
        return {"file": [_("Đây là tệp đã được ký số cá nhân; hãy chọn tệp gốc.")]}
    if PersonalSignature.objects.filter(source=f).exists():
        return {"file": [_("Tệp này đã được ký số cá nhân.")]}
    if OrganizationSignature.objects.filter(signed=f).exists():
        return {"file": [_("Đây là tệp đã được cơ quan ký số.")]}
    return {}


def _load(p12: bytes, passphrase: str) -> signers.SimpleSigner:
    """The signer in ``p12``: a file that is not PKCS#12 is a ``key`` error, a PKCS#12 file
    that does not open with the passphrase a ``passphrase`` error."""
    unreadable = ValidationError({"key": [_("Tệp khóa không phải tệp PKCS#12 (.p12, .pfx).")]})
    if not p12 or len(p12) > MAX_KEY_BYTES:
        raise unreadable
    try:
        asn1_pkcs12.Pfx.load(p12)["auth_safe"]["content"].native  # noqa: B018 (parse it now)
    except (ValueError, TypeError, KeyError):
        raise unreadable from None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            p12, (), passphrase=passphrase.encode() or None
        )
    except (ValueError, TypeError):
        signer = None
    if signer is None:
        raise ValidationError({"passphrase": [_("Mật khẩu của tệp khóa không đúng.")]})
    if signer.signing_cert is None:
        raise unreadable
    return signer


def _certificate_errors(signer: signers.SimpleSigner) -> Errors:
    cert: asn1_x509.Certificate = signer.signing_cert
    validity = cert["tbs_certificate"]["validity"]
    now = timezone.now()
    if not validity["not_before"].native <= now <= validity["not_after"].native:
        return {"key": [_("Chứng thư số của khóa ký đã hết hạn hoặc chưa có hiệu lực.")]}
    if _is_office_key(cert):
        return {
            "key": [
                _("Đây là khóa ký số của cơ quan: ký số cá nhân phải dùng khóa của chính người ký.")
            ]
        }
    if _revoked(cert, list(signer.cert_registry)):
        return {"key": [_("Chứng thư số của khóa ký đã bị thu hồi; không ký số được.")]}
    return {}


def _is_office_key(cert: asn1_x509.Certificate) -> bool:
    """The organisation's key (or another certificate of the same subject or public key)."""
    try:
        key = configured_key()
        if key is None:
            return False
        with key.open() as office:
            theirs = office.signing_cert
    except SigningError:
        return False  # no usable office key configured: nothing to compare with
    if theirs is None:
        return False
    return (
        theirs.public_key.dump() == cert.public_key.dump()
        or theirs.subject.dump() == cert.subject.dump()
    )


def _revoked(cert: asn1_x509.Certificate, chain: list[asn1_x509.Certificate]) -> bool:
    """Revoked according to the configured CRLs (or fetching, when allowed). Without revocation
    data nothing is known here: the check kept with the file says so."""
    data = revocation.configured()
    crls = data.crls_for([cert.issuer])
    if not crls and not data.fetching:
        return False
    context = ValidationContext(
        trust_roots=configured_trust_roots(),
        other_certs=chain,
        crls=crls,
        allow_fetching=data.fetching,
        revocation_mode="soft-fail",
    )
    validator = CertificateValidator(cert, chain, validation_context=context)
    try:
        asyncio.run(validator.async_validate_usage(set()))
    except RevokedError:
        return True
    except Exception:  # an unverifiable chain is the kept check's verdict, not a refusal
        return False
    return False


def _image_errors(image: bytes) -> Errors:
    """PNG, 16–4,000 pixels a side, at most 2 MB (``png_image``), with a transparent background
    (Phụ lục I): an image with no alpha channel nor transparent colour would hide the page."""
    try:
        png_image(image, _("chữ ký"))
    except SigningError as exc:
        return {"image": [str(exc)]}
    with Image.open(io.BytesIO(image)) as opened:
        transparent = "A" in opened.getbands() or "transparency" in opened.info
    if not transparent:
        return {"image": [_("Ảnh chữ ký phải có nền trong suốt (PNG có kênh alpha).")]}
    return {}


def _appearance(actor: User, image: bytes | None) -> Appearance:
    if image is None:
        kept = HandwrittenSignature.objects.filter(user=actor).first()
        image = bytes(kept.image) if kept is not None else None
    return Appearance(kind="signature", signature_image=image)


def sign_personal(
    *,
    actor: User,
    document: Document,
    p12_bytes: bytes,
    passphrase: str,
    file_id: int | None = None,
    image: bytes | None = None,
) -> PersonallySigned:
    """The competent person's signature, with their own key, on a PDF of a draft outgoing
    document. ``image``: their handwritten signature (PNG), kept for their next signings."""
    if not policy.can_view(actor, document) or document.direction != Direction.OUTGOING:
        policy.raise_404()
    require_signer(actor, document)
    errors: Errors = {}
    if document.status != Status.DRAFT:
        errors["status"] = [
            _(
                "Chỉ ký số cá nhân trên dự thảo, trước khi văn thư cấp số và ký số của cơ quan "
                "(NĐ 30/2020 Điều 14, 32)."
            )
        ]
    f = _pick(document, file_id)
    errors.update(_file_errors(f, file_id))
    if image is not None:
        errors.update(_image_errors(image))
    if errors or f is None:
        raise ValidationError(errors)
    signer = _load(p12_bytes, passphrase)
    errors = _certificate_errors(signer)
    if errors:
        raise ValidationError(errors)
    data = files.read_verified(f)
    if not data.startswith(PDF_MAGIC):
        raise ValidationError({"file": [_("Tệp không phải PDF hợp lệ.")]})
    try:
        out = sign_pdf_leveled(
            data,
            key=_Loaded(signer),
            reason=_("Ký ban hành văn bản"),
            location=document.organization.name,
            appearance=_appearance(actor, image),
            field_name=FIELD,
        )
    except SigningError as exc:
        raise ValidationError({"key": [str(exc)]}) from exc
    return _keep(
        actor=actor, document=document, source=f, signed_pdf=out, signer=signer, image=image
    )


def _signed_name(f: DocumentFile) -> str:
    stem = f.original_name[:-4] if f.original_name.lower().endswith(".pdf") else f.original_name
    return f"{(stem or 'tep')[:230]}-ky-so-ca-nhan.pdf"


def _keep(
    *,
    actor: User,
    document: Document,
    source: DocumentFile,
    signed_pdf: SignedPdf,
    signer: signers.SimpleSigner,
    image: bytes | None,
) -> PersonallySigned:
    data = signed_pdf.data
    # Invariant 2: the blob is durable before the rows that name it commit.
    stored = files.store(io.BytesIO(data), secrecy=document.secrecy)
    with transaction.atomic():
        locked = Document.objects.select_for_update().filter(pk=document.pk).first()
        if locked is None or locked.status != Status.DRAFT:
            raise ValidationError({"status": [_("Văn bản vừa được cấp số; không ký số cá nhân.")]})
        if PersonalSignature.objects.filter(source=source).exists():
            raise ValidationError({"file": [_("Tệp này đã được ký số cá nhân.")]})
        last = document.files.aggregate(m=Max("position"))["m"]
        signed = DocumentFile.objects.create(
            document=document,
            position=(last or 0) + 1,
            sha256=stored.sha256,
            size=stored.size,
            content_type="application/pdf",
            original_name=_signed_name(source)[:255],
            uploaded_by=actor,
            # The signature adds no page text: the source's extracted text stays true.
            text=source.text,
            text_status=source.text_status,
            page_count=source.page_count,
            **stored.fields(),
        )
        signing = PersonalSignature.objects.create(
            source=source,
            signed=signed,
            organization=document.organization,
            signed_by=actor,
            certificate_subject=signer.subject_name or "",
            signed_at=timezone.now(),
            level=signed_pdf.level,
            level_note=signed_pdf.note,
        )
        if image is not None:
            HandwrittenSignature.objects.update_or_create(
                user=actor,
                defaults={
                    "image": image,
                    "sha256": hashlib.sha256(image).hexdigest(),
                    "updated_at": timezone.now(),
                },
            )
        check = record_check(signed, data)
        # Ids, hashes and the outcome only: no title, no name, never the passphrase.
        record(
            action="signatures.personal.sign",
            actor=actor,
            organization=document.organization,
            obj=document,
            details={
                "source": source.pk,
                "file": signed.pk,
                "sha256": stored.plaintext_sha256,
                "state": check.state,
                "level": signed_pdf.level,
                "image_stored": image is not None,
            },
        )
    return PersonallySigned(signing, signed, check)


def offer(user: User, document: Document) -> DocumentFile | None:
    """The file the page offers to sign personally ("Ký số cá nhân"): only to the signer, on a
    draft outgoing document. Only call with a document already checked visible to ``user``;
    the service checks everything again."""
    if document.direction != Direction.OUTGOING or document.status != Status.DRAFT:
        return None
    try:
        require_signer(user, document)
    except PermissionDenied:
        return None
    return _pick(document, None)
