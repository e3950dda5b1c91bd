"""Appraisal and disposal (hủy tài liệu hết giá trị) and legal holds.

Rules: Luật Lưu trữ 2024 Điều 16, TT 06/2025/TT-BNV, TT 05/2025 Chương VII (domain.md §3.4).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vanthu.access.policy import AccessSpec
from vanthu.core.enums import Secrecy


class LegalHold(models.Model):
    """A hold (e.g. an inspection or a lawsuit) that blocks the disposal of a dossier."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(
        "records.Dossier", on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.TextField(_("lý do"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    access = AccessSpec(
        secrecy_field="dossier__secrecy",
        participants=("dossier__created_by", "dossier__responsible"),
    )

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("lệnh giữ tài liệu")
        verbose_name_plural = _("lệnh giữ tài liệu")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.reason[:40]}"


class Disposal(models.Model):
    """Hồ sơ hủy tài liệu: the list, its explanatory note, the council, the decision, the records.

    Kept forever with all its rows (TT 06/2025): nothing here is ever deleted.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("dự thảo danh mục")
        APPROVED = "approved", _("đã có quyết định hủy")
        EXECUTED = "executed", _("đã hủy")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("tên danh mục"), max_length=500)
    # Bản thuyết minh tài liệu hết giá trị.
    explanatory_note = models.TextField(_("bản thuyết minh"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    secrecy = models.CharField(max_length=20, choices=Secrecy.choices, default=Secrecy.NONE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    meeting_record = models.TextField(_("biên bản họp hội đồng"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("ngày quyết định hủy"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định hủy"), max_length=60, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    executed_at = models.DateTimeField(_("ngày hủy"), null=True, blank=True)
    handover_record = models.TextField(_("biên bản bàn giao tài liệu hủy"), blank=True)
    destruction_record = models.TextField(_("biên bản hủy tài liệu"), blank=True)

    access = AccessSpec(participants=("created_by", "approved_by", "council__member"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_at__isnull=False),
                name="disposal_approved_has_date",
            ),
        ]
        verbose_name = _("hồ sơ hủy tài liệu")
        verbose_name_plural = _("hồ sơ hủy tài liệu")

    def __str__(self) -> str:
        return self.title


class DisposalItem(models.Model):
    """One dossier in the list (danh mục tài liệu hết giá trị), with what was destroyed."""

    disposal = models.ForeignKey(Disposal, on_delete=models.PROTECT, related_name="items")
    dossier = models.ForeignKey(
        "records.Dossier", on_delete=models.PROTECT, related_name="disposal_items"
    )
    position = models.PositiveIntegerField()
    # Filled at execution: the files' metadata and SHA-256 whose content was deleted.
    destroyed_files = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["disposal", "position"]
        constraints = [
            models.UniqueConstraint(fields=["disposal", "dossier"], name="disposal_dossier_once"),
        ]

    def __str__(self) -> str:
        return f"{self.disposal_id}#{self.position}"


class CouncilMember(models.Model):
    """Hội đồng xác định giá trị tài liệu: a member and the vote cast on the list."""

    class Vote(models.TextChoices):
        PENDING = "pending", _("chưa biểu quyết")
        AGREE = "agree", _("đồng ý hủy")
        DISAGREE = "disagree", _("không đồng ý")

    disposal = models.ForeignKey(Disposal, on_delete=models.PROTECT, related_name="council")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("chức danh trong hội đồng"), max_length=100)
    vote = models.CharField(max_length=10, choices=Vote.choices, default=Vote.PENDING)
    opinion = models.TextField(_("ý kiến"), blank=True)
    voted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["disposal", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["disposal", "member"], name="council_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.vote}"
