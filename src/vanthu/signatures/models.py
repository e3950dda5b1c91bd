"""The last signature check of one stored file, the organisation's seal image, and the files
the organisation signed (docs/signatures.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vanthu.access.policy import AccessSpec
from vanthu.exchange.verify import FAILED, State
from vanthu.orgs.models import Organization
from vanthu.registry.models import DocumentFile


class FileSignature(models.Model):
    """A PREMIS event of type "digital signature validation" on one DocumentFile, kept as its
    current verdict: one row per file, replaced when the file is checked again."""

    file = models.OneToOneField(
        DocumentFile, on_delete=models.CASCADE, related_name="signature_check"
    )
    event_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(_("chữ ký số"), max_length=10, choices=State.choices)
    signer_name = models.CharField(_("người ký"), max_length=255, blank=True)
    signing_time = models.DateTimeField(_("thời gian ký"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    # One entry per signature: {"state", "signer", "signing_time", "summary"}.
    signatures = models.JSONField(default=list, blank=True)
    # Which bytes were checked (the plaintext's SHA-256): a re-run on the same bytes is a no-op.
    checked_sha256 = models.CharField(max_length=64)
    checked_at = models.DateTimeField(_("thời điểm kiểm tra"))

    access = AccessSpec(
        org_field="file__document__organization",
        secrecy_field="file__document__secrecy",
        participants=(
            "file__document__created_by",
            "file__document__directed_by",
            "file__document__assignments__user",
        ),
    )

    objects = models.Manager["FileSignature"]()

    class Meta:
        indexes = [models.Index(fields=["state"], name="signature_by_state")]
        verbose_name = _("kiểm tra chữ ký số")
        verbose_name_plural = _("kiểm tra chữ ký số")

    def __str__(self) -> str:
        return f"{self.file_id} {self.state}"

    @property
    def failed(self) -> bool:
        return self.state in FAILED


class SealImage(models.Model):
    """The image of an organisation's seal, drawn with its digital signature (NĐ 30 Phụ lục I:
    red, transparent background, actual size). Set by its administrator (Django admin or
    ``signatures.seals.set_seal_image``); ``VANTHU_SIGNING_SEAL_IMAGE`` is the fallback."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="seal_image"
    )
    png = models.BinaryField(_("ảnh con dấu (PNG)"))
    sha256 = models.CharField(max_length=64)
    # The seal's diameter on paper: the image is drawn at this size (Phụ lục I: "kích thước
    # bằng kích thước thực tế của dấu").
    diameter_mm = models.DecimalField(_("đường kính dấu (mm)"), max_digits=4, decimal_places=1)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"))

    objects = models.Manager["SealImage"]()

    class Meta:
        verbose_name = _("ảnh con dấu")
        verbose_name_plural = _("ảnh con dấu")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(diameter_mm__gte=10, diameter_mm__lte=80),
                name="seal_diameter_plausible",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.sha256[:12]}"


class Level(models.TextChoices):
    """PAdES baseline levels (ETSI EN 319 142-1)."""

    B_B = "B-B", "PAdES B-B"
    B_T = "B-T", _("PAdES B-T (có dấu thời gian)")
    B_LT = "B-LT", _("PAdES B-LT (kiểm tra dài hạn)")
    B_LTA = "B-LTA", _("PAdES B-LTA (có dấu thời gian lưu trữ)")


class OrganizationSignature(models.Model):
    """A file the organisation signed with its key: the signed file is a new DocumentFile kept
    next to its source, which stays as it was (architecture.md invariant 2)."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("văn bản đi")
        ATTACHMENT = "attachment", _("tệp đính kèm")
        CERTIFIED_COPY = "sao_y", _("bản sao y điện tử")

    source = models.ForeignKey(
        DocumentFile, on_delete=models.PROTECT, related_name="organization_signatures"
    )
    signed = models.OneToOneField(
        DocumentFile, on_delete=models.PROTECT, related_name="organization_signing"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    # Sao y: the copy's number in the organisation's sequence of copies for the calendar year
    # (NĐ 30 Phụ lục I Phần II.1c: copies are numbered from 01 on 1 January).
    copy_year = models.PositiveSmallIntegerField(null=True, blank=True)
    copy_number = models.PositiveIntegerField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("thời điểm ký"))
    # The PAdES level reached (B-LT with a timestamp authority and revocation data, B-LTA when
    # VANTHU_SIGNING_LTA adds a document timestamp, else B-T or B-B) and, below what the
    # configuration asked, why (docs/signatures.md, "Mức chữ ký").
    level = models.CharField(_("mức PAdES"), max_length=5, choices=Level.choices, default="B-B")
    level_note = models.TextField(_("ghi chú về mức chữ ký"), blank=True)

    objects = models.Manager["OrganizationSignature"]()

    class Meta:
        verbose_name = _("chữ ký số của cơ quan")
        verbose_name_plural = _("chữ ký số của cơ quan")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "copy_year", "copy_number"],
                condition=models.Q(copy_number__isnull=False),
                name="electronic_copy_number_once",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="sao_y", copy_number__isnull=False)
                | models.Q(~models.Q(kind="sao_y"), copy_number__isnull=True),
                name="only_copies_are_numbered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id} -> {self.signed_id}"

    @property
    def copy_symbol(self) -> str:
        """ "05/SY" (NĐ 30 Phụ lục III: SY is the abbreviation of a sao y)."""
        return f"{self.copy_number:02d}/SY" if self.copy_number else ""


class PersonalSignature(models.Model):
    """The competent person's own signature (ký số cá nhân, NĐ 30 Điều 13 and 32) on a draft
    outgoing document's PDF, made with their key: the signed file is a new DocumentFile next to
    its source (which stays), and the one the office numbers and signs for the organisation."""

    source = models.ForeignKey(
        DocumentFile, on_delete=models.PROTECT, related_name="personal_signatures"
    )
    signed = models.OneToOneField(
        DocumentFile, on_delete=models.PROTECT, related_name="personal_signing"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    # Who signed (the document keeps the signer only as a name) and the certificate's subject.
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    certificate_subject = models.CharField(_("chủ thể chứng thư"), max_length=255)
    signed_at = models.DateTimeField(_("thời điểm ký"))
    level = models.CharField(_("mức PAdES"), max_length=5, choices=Level.choices, default="B-B")
    level_note = models.TextField(_("ghi chú về mức chữ ký"), blank=True)

    objects = models.Manager["PersonalSignature"]()

    class Meta:
        verbose_name = _("chữ ký số cá nhân")
        verbose_name_plural = _("chữ ký số cá nhân")

    def __str__(self) -> str:
        return f"personal {self.source_id} -> {self.signed_id}"


class HandwrittenSignature(models.Model):
    """A person's handwritten signature image (Phụ lục I: blue, PNG, transparent background),
    drawn in the box of their personal signatures. Checked by ``exchange.signing.png_image``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handwritten_signature"
    )
    image = models.BinaryField(_("ảnh chữ ký"))
    sha256 = models.CharField(max_length=64)
    updated_at = models.DateTimeField(_("cập nhật lúc"))

    objects = models.Manager["HandwrittenSignature"]()

    class Meta:
        verbose_name = _("ảnh chữ ký")
        verbose_name_plural = _("ảnh chữ ký")

    def __str__(self) -> str:
        return f"signature image of {self.user_id}"
