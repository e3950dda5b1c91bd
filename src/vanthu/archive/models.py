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
