"""Khai thác, sử dụng (access requests) and the register of use (sổ sử dụng bản lưu).

Rules: Luật Lưu trữ 2024 Điều 23, TT 05/2025 Điều 37–42, NĐ 30 (domain.md §3.5).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vanthu.access.policy import AccessSpec
from vanthu.core.enums import Secrecy
from vanthu.signatures.models import Level

# TT 05/2025 Điều 38: a reading copy on the system lasts at most 15 days.
MAX_READING_DAYS = 15


class AccessRequest(models.Model):
    """Phiếu yêu cầu khai thác tài liệu lưu trữ."""

    class Mode(models.TextChoices):
        READ = "read", _("Đọc trên hệ thống")
        COPY = "copy", _("Bản sao")
        CERTIFIED_COPY = "certified_copy", _("Bản sao có xác thực")
        BORROW = "borrow", _("Mượn bản gốc")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("chờ duyệt")
        APPROVED = "approved", _("đã duyệt")
        REFUSED = "refused", _("không duyệt")
        RETURNED = "returned", _("đã trả bản gốc")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.TextField(_("mục đích khai thác"))
    mode = models.CharField(_("hình thức"), max_length=20, choices=Mode.choices)
    days = models.PositiveSmallIntegerField(_("số ngày"))
    secrecy = models.CharField(max_length=20, choices=Secrecy.choices, default=Secrecy.NONE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # End of the reading period, or the due date of a loan.
    valid_until = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    returned_at = models.DateTimeField(_("ngày trả"), null=True, blank=True)
    # The head to whom the request is addressed (a leader of the organisation cleared for its
    # secrecy): required for classified or "mật" material, and then the only one who may
    # decide. A participant, so that the need-to-know does not hide the request from them.
    addressed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người duyệt"),
    )

    access = AccessSpec(participants=("requester", "decided_by", "addressed_to"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=MAX_READING_DAYS), name="access_request_days"
            ),
        ]
        # The khai thác section lists the newest 50: walked in this order, not a sort of every
        # request of the organisation (docs/benchmarks.md, archive).
        indexes = [models.Index(fields=["-created_at", "-id"], name="access_request_newest")]
        verbose_name = _("phiếu yêu cầu khai thác")
        verbose_name_plural = _("phiếu yêu cầu khai thác")

    def __str__(self) -> str:
        return f"{self.requester_id}: {self.purpose[:40]}"


class AccessRequestItem(models.Model):
    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="items")
    dossier = models.ForeignKey("records.Dossier", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["request", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "dossier"], name="access_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.dossier_id}"


class UseEntry(models.Model):
    """One line of the sổ sử dụng bản lưu: who used what, how, when, and who allowed it."""

    request = models.ForeignKey(AccessRequest, on_delete=models.PROTECT, related_name="uses")
    dossier = models.ForeignKey("records.Dossier", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)

    access = AccessSpec(
        org_field="request__organization",
        secrecy_field="request__secrecy",
        participants=("request__requester", "request__decided_by", "request__addressed_to"),
    )

    class Meta:
        ordering = ["-at", "-pk"]
        # The register is read newest first, 50 lines at a time: walked in this order, each
        # line's dossier asked of the policy until 50 are shown, instead of every line of the
        # register checked and sorted (SQLite 13 ms, PostgreSQL 121 ms at 10,000 lines;
        # docs/benchmarks.md, archive).
        indexes = [models.Index(fields=["-at", "-id"], name="use_entry_newest")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.dossier_id}"


class CertifiedCopy(models.Model):
    """A copy issued from the archive against an approved request (NĐ 30 Điều 25–27).

    Copies have their own number sequence per organisation and calendar year, from 01 on
    1 January (domain.md §1.2, Phụ lục I Phần II.1c), shared by every kind of copy, the
    office's electronic sao y included (``registry.CopyCounter``). The PDF is handed out, not
    kept: the row keeps its SHA-256, so a copy shown later can be checked against what was
    issued.
    """

    class Kind(models.TextChoices):
        COPY = "copy", _("Bản sao")
        SAO_Y = "sao_y", _("Sao y")
        TRICH_SAO = "trich_sao", _("Trích sao")

    request = models.ForeignKey(AccessRequest, on_delete=models.PROTECT, related_name="copies")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey("registry.Document", on_delete=models.PROTECT, related_name="+")
    file = models.ForeignKey("registry.DocumentFile", on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey("records.Dossier", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("hình thức sao"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField(_("số bản sao"))
    # Trích sao: the pages copied, e.g. "2-3"; empty for the whole document.
    pages = models.CharField(_("trang trích sao"), max_length=60, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    sha256 = models.CharField(max_length=64)
    signed = models.BooleanField(default=False)
    # A signed copy: the PAdES level reached (B-LT with a timestamp authority and revocation
    # data, else B-T or B-B) and, below B-LT, why; kept as the organisation's signatures keep
    # theirs (docs/signatures.md, "Mức chữ ký"). Empty for a copy that is not signed.
    level = models.CharField(_("mức PAdES"), max_length=5, choices=Level.choices, blank=True)
    level_note = models.TextField(_("ghi chú về mức chữ ký"), blank=True)

    access = AccessSpec(
        org_field="request__organization",
        secrecy_field="request__secrecy",
        participants=("request__requester", "request__decided_by", "issued_by"),
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "number"], name="certified_copy_number_once"
            ),
        ]
        verbose_name = _("bản sao")
        verbose_name_plural = _("bản sao")

    def __str__(self) -> str:
        return f"{self.number:02d}/{self.year}"
