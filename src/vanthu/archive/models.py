"""Transfer of closed dossiers to the current archive (nộp lưu vào lưu trữ hiện hành).

Rules: NĐ 30/2020 Điều 30–31 (domain.md §1.5), Luật Lưu trữ 2024 (§3.2); docs/archive.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vanthu.access.policy import AccessSpec
from vanthu.core.enums import Secrecy


class Transfer(models.Model):
    """Một lần nộp lưu: the dossiers a unit hands to the archivist, with its list and record."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("đã nộp, chờ tiếp nhận")
        ACCEPTED = "accepted", _("lưu trữ đã tiếp nhận")
        RETURNED = "returned", _("trả lại")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="transfers"
    )
    # "Tên khối tài liệu" of the biên bản giao nhận.
    title = models.CharField(_("tên khối tài liệu"), max_length=500)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    # As secret as its most secret dossier: the list names them all.
    secrecy = models.CharField(
        _("độ mật"), max_length=20, choices=Secrecy.choices, default=Secrecy.NONE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("ngày nộp"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("ngày tiếp nhận / trả lại"), null=True, blank=True)
    # Tình trạng tài liệu when accepted, or why it was returned.
    decision_note = models.TextField(_("ghi chú tiếp nhận"), blank=True)

    access = AccessSpec(participants=("created_by", "decided_by"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(decided_at__isnull=False),
                name="transfer_decided_has_date",
            )
        ]
        verbose_name = _("đợt nộp lưu")
        verbose_name_plural = _("đợt nộp lưu")

    def __str__(self) -> str:
        return self.title


class TransferItem(models.Model):
    """One dossier in a transfer, in the order of the list (mục lục hồ sơ nộp lưu)."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="items")
    dossier = models.ForeignKey(
        "records.Dossier", on_delete=models.PROTECT, related_name="transfer_items"
    )
    position = models.PositiveIntegerField(_("số thứ tự"))
    # False once the transfer is returned, so that the dossier may be handed in again.
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["transfer", "position"]
        constraints = [
            models.UniqueConstraint(fields=["transfer", "dossier"], name="transfer_dossier_once"),
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(active=True), name="dossier_in_one_transfer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transfer_id}#{self.position}"


class Fonds(models.Model):
    """Phông lưu trữ: all archival records of one organisation (domain.md §2.7, §3.3).

    An organisation may form a Party fonds and a state fonds; they are never mixed (Luật Lưu trữ
    2024 Điều 9.1: Phông lưu trữ ĐCSVN and Phông lưu trữ Nhà nước are separate parts).
    """

    class Kind(models.TextChoices):
        PARTY = "party", _("Phông lưu trữ Đảng Cộng sản Việt Nam")
        STATE = "state", _("Phông lưu trữ Nhà nước")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="fonds"
    )
    kind = models.CharField(_("loại phông"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("mã phông"), max_length=40, unique=True)
    name = models.CharField(_("tên phông"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    access = AccessSpec(secrecy_field=None)

    class Meta:
        ordering = ["organization", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind"], name="fonds_one_per_kind"),
        ]
        verbose_name = _("phông lưu trữ")
        verbose_name_plural = _("phông lưu trữ")

    def __str__(self) -> str:
        return self.name


class StorageLocation(models.Model):
    """Kho → giá → hộp: where the paper originals stand."""

    class Kind(models.TextChoices):
        STORE = "store", _("Kho")
        SHELF = "shelf", _("Giá")
        BOX = "box", _("Hộp")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="storage_locations"
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Số kho, số giá, or hộp số (a box's number runs through the fonds' boxes).
    code = models.CharField(_("số"), max_length=30)
    name = models.CharField(_("tên"), max_length=300, blank=True)

    access = AccessSpec(secrecy_field=None)

    class Meta:
        ordering = ["organization", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "code"], name="storage_location_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(kind="store", parent__isnull=True)
                | (~Q(kind="store") & Q(parent__isnull=False)),
                name="storage_location_parent_by_kind",
            ),
        ]
        verbose_name = _("vị trí bảo quản")
        verbose_name_plural = _("vị trí bảo quản")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"


class ArchivalUnit(models.Model):
    """The archival number (số lưu trữ) of an accepted dossier: mục lục số, hộp số, hồ sơ số."""

    dossier = models.OneToOneField(
        "records.Dossier", on_delete=models.PROTECT, related_name="archival_unit"
    )
    fonds = models.ForeignKey(Fonds, on_delete=models.PROTECT, related_name="units")
    catalogue_number = models.PositiveIntegerField(_("mục lục số"))
    box = models.ForeignKey(
        StorageLocation, on_delete=models.PROTECT, null=True, blank=True, related_name="units"
    )
    file_number = models.PositiveIntegerField(_("hồ sơ số"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now=True)

    access = AccessSpec(
        org_field="dossier__organization",
        secrecy_field="dossier__secrecy",
        participants=("dossier__created_by", "dossier__responsible"),
    )

    class Meta:
        ordering = ["fonds", "catalogue_number", "file_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["fonds", "catalogue_number", "file_number"], name="archival_number_unique"
            ),
        ]
        verbose_name = _("số lưu trữ")
        verbose_name_plural = _("số lưu trữ")

    def __str__(self) -> str:
        return self.number_of(self.fonds.code, self.catalogue_number, self.file_number)

    @staticmethod
    def number_of(fonds_code: str, catalogue_number: int, file_number: int) -> str:
        """How a số lưu trữ is written: phông / mục lục số / hồ sơ số (``P01/ML1/HS3``)."""
        return f"{fonds_code}/ML{catalogue_number}/HS{file_number}"


class HeldBack(models.Model):
    """Hồ sơ giữ lại (NĐ 30 Điều 31): kept past the deadline, approved, ≤ 2 years."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("chờ duyệt")
        APPROVED = "approved", _("đã duyệt")
        REFUSED = "refused", _("không duyệt")

    dossier = models.ForeignKey("records.Dossier", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("lý do giữ lại"))
    until = models.DateField(_("giữ lại đến ngày"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    access = AccessSpec(
        secrecy_field="dossier__secrecy",
        participants=("dossier__created_by", "dossier__responsible"),
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("hồ sơ giữ lại")
        verbose_name_plural = _("hồ sơ giữ lại")

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.until:%d/%m/%Y}"


from vanthu.archive.models_disposal import (  # noqa: E402
    CouncilMember,
    Disposal,
    DisposalItem,
    LegalHold,
)
from vanthu.archive.models_use import (  # noqa: E402
    AccessRequest,
    AccessRequestItem,
    CertifiedCopy,
    UseEntry,
)

__all__ = [
    "AccessRequest",
    "AccessRequestItem",
    "ArchivalUnit",
    "CertifiedCopy",
    "CouncilMember",
    "Disposal",
    "DisposalItem",
    "Fonds",
    "HeldBack",
    "LegalHold",
    "StorageLocation",
    "Transfer",
    "TransferItem",
    "UseEntry",
]
