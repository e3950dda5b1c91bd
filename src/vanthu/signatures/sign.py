"""The organisation signs a file with its key: an issued outgoing document (and its
attachments), or the digitised scan of a paper document as an electronic copy (sao y).

NĐ 30/2020 Điều 14 (ký số của cơ quan on the electronic document), Điều 18 and Phụ lục I (the
seal image overlapping the left third of the signature; attachments and copies: text in the
top-right corner), Điều 25–27 (sao y from paper to electronic: digitised and signed by the
organisation), Điều 32 (the office signs for the organisation only what the competent person
has signed). The signed file is a new DocumentFile next to its source, which stays; the check
of its signatures is kept at once (``FileSignature``); one audit event per signing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.audit.services import record
from vanthu.core.enums import Role, Secrecy
from vanthu.exchange.keys import organization_key
from vanthu.exchange.signing import (
    Appearance,
    SignedPdf,
    SigningError,
    sign_pdf_leveled,
    signature_boxes,
)
from vanthu.exchange.verify import verify_all
from vanthu.orgs.models import Organization, User
from vanthu.registry import files, numbering
from vanthu.registry.models import Direction, Document, DocumentFile, Status

from .models import FileSignature, OrganizationSignature, PersonalSignature
from .seals import seal_for
from .services import PDF_MAGIC, record_check

Errors = dict[str, list[str]]
ORG_FIELD = "VanthuCoQuan"  # the organisation's signature field in the files it signs
COPY_FORM = "SAO Y"  # hình thức sao (NĐ 30 Điều 25; Phụ lục III: SY)
ISSUED = (Status.ISSUED, Status.SENT)


@dataclass(frozen=True)
class Signed:
    signing: OrganizationSignature
    file: DocumentFile
    check: FileSignature


def require_office(actor: User, organization: Organization) -> None:
    """Only the office (văn thư) of the organisation signs with its key (Điều 32: the key
    device is held by the văn thư). Raised before any input is looked at: 403."""
    if Role.CLERK not in policy.roles_in(actor, organization):
        raise PermissionDenied(_("Chỉ văn thư của cơ quan được ký số bằng khóa của cơ quan."))


def _is_pdf(f: DocumentFile) -> bool:
    return f.content_type == "application/pdf" or f.original_name.lower().endswith(".pdf")


def _signed_name(f: DocumentFile, suffix: str) -> str:
    stem = re.sub(r"\.pdf$", "", f.original_name, flags=re.IGNORECASE) or "tep"
    return f"{stem[: 250 - len(suffix)]}{suffix}.pdf"


def _file_errors(document: Document, f: DocumentFile | None) -> Errors:
    if f is None:
        return {"file": [_("Văn bản chưa có tệp PDF để ký số.")]}
    if f.document_id != document.pk:
        return {"file": [_("Tệp không thuộc văn bản này.")]}
    if not _is_pdf(f):
        return {"file": [_("Chỉ ký số được tệp PDF.")]}
    if OrganizationSignature.objects.filter(signed=f).exists():
        return {"file": [_("Đây là tệp đã được cơ quan ký số; hãy chọn tệp gốc.")]}
    if OrganizationSignature.objects.filter(source=f).exists():
        return {"file": [_("Tệp này đã được ký số của cơ quan.")]}
    if PersonalSignature.objects.filter(source=f).exists():
        return {"file": [_("Đây là dự thảo trước khi ký; hãy chọn tệp đã ký số cá nhân.")]}
    return {}


def _pick(document: Document, file_id: int | None) -> DocumentFile | None:
    """The file asked for, or the document's first PDF that the organisation did not sign.

    A draft the competent person signed is left out: its personally signed file is the
    document (``signatures.personal``)."""
    if file_id is not None:
        return DocumentFile.objects.filter(pk=file_id, document=document).first()
    signed = OrganizationSignature.objects.filter(signed__document=document).values("signed")
    drafts = PersonalSignature.objects.filter(source__document=document).values("source")
    candidates = (
        document.files.exclude(pk__in=signed).exclude(pk__in=drafts).order_by("position", "pk")
    )
    return next((f for f in candidates if _is_pdf(f)), None)


def _read_pdf(f: DocumentFile) -> bytes:
    data = files.read_verified(f)
    if not data.startswith(PDF_MAGIC):
        raise ValidationError({"file": [_("Tệp không phải PDF hợp lệ.")]})
    return data


def _sign(
    data: bytes, *, actor: User, organization: Organization, reason: str, look: Appearance
) -> SignedPdf:
    """B-LT when a timestamp authority and revocation data are configured, else B-T or B-B:
    a missing level never refuses the signing (``SignedPdf.note`` says why)."""
    try:
        key = organization_key(actor=actor, organization=organization)
        return sign_pdf_leveled(
            data,
            key=key,
            reason=reason,
            location=organization.name,
            appearance=look,
            field_name=ORG_FIELD,
        )
    except SigningError as exc:
        raise ValidationError({"key": [str(exc)]}) from exc


def sign_outgoing(
    *,
    actor: User,
    document: Document,
    file_id: int | None = None,
    attachment: bool | None = None,
) -> Signed:
    """The organisation's signature on a file of an issued outgoing document.

    ``attachment``: sign as an attachment in a separate file (number and symbol and time top
    right); by default the document's first PDF is the document itself (the seal image over
    the competent person's signature) and every other file an attachment."""
    if not policy.can_view(actor, document) or document.direction != Direction.OUTGOING:
        policy.raise_404()
    require_office(actor, document.organization)
    errors: Errors = {}
    if document.status not in ISSUED or not document.number_symbol:
        errors["status"] = [_("Văn bản chưa được cấp số, ban hành; chưa ký số của cơ quan được.")]
    f = _pick(document, file_id)
    if f is None and file_id is not None:
        errors["file"] = [_("Văn bản không có tệp này.")]
    else:
        errors.update(_file_errors(document, f))
    if errors or f is None:
        raise ValidationError(errors)
    if attachment is None:
        first = _pick(document, None)
        attachment = first is not None and first.pk != f.pk
    data = _read_pdf(f)
    if attachment:
        look = Appearance(kind="attachment", number_symbol=document.number_symbol)
        kind = OrganizationSignature.Kind.ATTACHMENT
    else:
        look = _seal_appearance(document.organization, data)
        kind = OrganizationSignature.Kind.DOCUMENT
    reason = _("Ký số của cơ quan, tổ chức: %s") % document.number_symbol
    out = _sign(data, actor=actor, organization=document.organization, reason=reason, look=look)
    return _keep(
        actor=actor,
        document=document,
        source=f,
        signed_pdf=out,
        kind=kind,
        name=_signed_name(f, "-ky-so-co-quan"),
    )


def _seal_appearance(organization: Organization, data: bytes) -> Appearance:
    # Điều 32: the office signs for the organisation only what the competent person signed.
    results = verify_all(data)
    if not any(r.signed for r in results):
        raise ValidationError(
            {
                "file": [
                    _(
                        "Văn bản chưa có chữ ký số của người có thẩm quyền; văn thư chỉ ký số "
                        "của cơ quan trên văn bản đã được ký (NĐ 30/2020 Điều 32)."
                    )
                ]
            }
        )
    if not all(r.intact and r.valid for r in results if r.signed):
        raise ValidationError(
            {"file": [_("Chữ ký số trên văn bản không hợp lệ hoặc văn bản đã bị sửa sau khi ký.")]}
        )
    seal = seal_for(organization)
    if seal is None:
        raise ValidationError(
            {"seal": [_("Chưa có ảnh con dấu của cơ quan (quản trị hệ thống cần tải lên).")]}
        )
    boxes = signature_boxes(data)
    return Appearance(
        kind="seal", seal_image=seal[0], seal_mm=seal[1], over=boxes[0] if boxes else None
    )


def certify_copy(*, actor: User, document: Document, file_id: int, place: str = "") -> Signed:
    """Sao y from paper to electronic: the digitised file of a paper document, signed by the
    organisation with the copy mark, numbered in the organisation's sequence of copies."""
    if not policy.can_view(actor, document):
        policy.raise_404()
    f = DocumentFile.objects.filter(pk=file_id, document=document).first()
    if f is None:
        policy.raise_404()
    require_office(actor, document.organization)
    errors: Errors = {}
    if document.secrecy != Secrecy.NONE:
        # Luật BVBMNN: a classified copy is made only on an isolated machine, by someone
        # cleared for its level; never in the connected zone.
        if settings.VANTHU_SECURITY_ZONE != "isolated":
            errors["document"] = [
                _("Văn bản mật chỉ được sao trên hệ thống ở vùng cách ly (không kết nối mạng).")
            ]
        elif Secrecy.rank(actor.clearance) < Secrecy.rank(document.secrecy):
            raise PermissionDenied(_("Bạn không có mức tiếp cận bí mật đủ để sao văn bản này."))
    place = " ".join(place.split())
    if len(place) > 100:
        errors["place"] = [_("Địa danh dài quá 100 ký tự.")]
    errors.update(_file_errors(document, f))
    if errors or f is None:
        raise ValidationError(errors)
    data = _read_pdf(f)
    if any(r.signed for r in verify_all(data)):
        raise ValidationError(
            {"file": [_("Tệp đã có chữ ký số: sao y từ giấy chỉ áp dụng cho bản số hóa.")]}
        )
    organization = document.organization
    now = timezone.now()
    year = timezone.localtime(now).year
    # The number shown on the copy is the one kept: read now to draw it, taken from the
    # organisation's copy counter when the row is written and compared (a second clerk at the
    # same moment waits for the counter, then is refused and copies again).
    number = numbering.peek_copy_number(organization=organization, year=year)
    mark = _copy_mark(organization, number, place, now)
    reason = _("Sao y bản chính (số hóa từ bản giấy): %02d/SY") % number
    look = Appearance(kind="copy", copy_mark=mark)
    out = _sign(data, actor=actor, organization=organization, reason=reason, look=look)
    return _keep(
        actor=actor,
        document=document,
        source=f,
        signed_pdf=out,
        kind=OrganizationSignature.Kind.CERTIFIED_COPY,
        name=_signed_name(f, f"-sao-y-{number:02d}"),
        copy=(year, number),
    )


def _copy_mark(organization: Organization, number: int, place: str, now: object) -> str:
    """Hình thức sao, tên cơ quan sao, số và ký hiệu bản sao, địa danh và ngày tháng năm sao
    (NĐ 30 Phụ lục I Phần II mục IV; the ISO 8601 time is added by the appearance)."""
    when = timezone.localtime(now)  # type: ignore[arg-type]
    date = f"ngày {when:%d} tháng {when:%m} năm {when:%Y}"
    return "\n".join(
        [
            COPY_FORM,
            organization.name.upper(),
            f"Số: {number:02d}/SY",
            f"{place}, {date}" if place else date.capitalize(),
        ]
    )


def _keep(
    *,
    actor: User,
    document: Document,
    source: DocumentFile,
    signed_pdf: SignedPdf,
    kind: str,
    name: str,
    copy: tuple[int, int] | None = None,
) -> Signed:
    data = signed_pdf.data
    # Invariant 2: the blob is durable before the rows that name it commit.
    stored = files.store(io.BytesIO(data), secrecy=document.secrecy)
    with transaction.atomic():
        Document.objects.select_for_update().filter(pk=document.pk).first()
        # One sequence with the archive's copies (registry.numbering.next_copy_number): the
        # counter row is locked until the commit; a number taken meanwhile rolls this back.
        taken = (
            numbering.next_copy_number(organization=document.organization, year=copy[0])
            if copy is not None
            else None
        )
        if copy is not None and taken != copy[1]:
            raise ValidationError(
                {"file": [_("Một bản sao khác vừa được cấp số này; hãy sao lại.")]}
            )
        if OrganizationSignature.objects.filter(source=source).exists():
            raise ValidationError({"file": [_("Tệp này đã được ký số của cơ quan.")]})
        last = document.files.aggregate(m=Max("position"))["m"]
        signed = DocumentFile.objects.create(
            document=document,
            position=(last or 0) + 1,
            sha256=stored.sha256,
            size=stored.size,
            content_type="application/pdf",
            original_name=name[:255],
            uploaded_by=actor,
            # The signature adds no page text: the source's extracted text stays true.
            text=source.text,
            text_status=source.text_status,
            page_count=source.page_count,
            **stored.fields(),
        )
        signing = OrganizationSignature.objects.create(
            source=source,
            signed=signed,
            kind=kind,
            organization=document.organization,
            copy_year=copy[0] if copy else None,
            copy_number=copy[1] if copy else None,
            signed_by=actor,
            signed_at=timezone.now(),
            level=signed_pdf.level,
            level_note=signed_pdf.note,
        )
        check = record_check(signed, data)
        # Type, ids and hashes only (architecture.md, "Audit").
        record(
            action="signatures.organization.sign",
            actor=actor,
            organization=document.organization,
            obj=document,
            details={
                "kind": kind,
                "source": source.pk,
                "file": signed.pk,
                "sha256": stored.plaintext_sha256,
                "copy_number": copy[1] if copy else None,
                "state": check.state,
                "level": signed_pdf.level,
            },
        )
    return Signed(signing, signed, check)
