"""Need-to-know grants: an explicit reason for one person to see one classified object."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Grant(models.Model):
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.BigIntegerField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("lý do"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id", "grantee"])]
        verbose_name = _("quyền tiếp cận")
        verbose_name_plural = _("quyền tiếp cận")

    def __str__(self) -> str:
        return f"{self.grantee} → {self.content_type.model}#{self.object_id}"


# --- classified documents: protection periods, copies, hand-overs (issue 6) -----------------
# Luật BVBMNN 2018 Điều 19–22, NĐ 26/2020 (docs/security.md §8). Rows point at
# registry.Document; the document's own ``secrecy`` stays the one truth the policy reads.


class Protection(models.Model):
    """Thời hạn bảo vệ: present only once a decision changed the default period."""

    document = models.OneToOneField(
        "registry.Document", on_delete=models.PROTECT, related_name="protection"
    )
    starts_on = models.DateField(_("ngày xác định độ mật"))
    expires_on = models.DateField(_("hết thời hạn bảo vệ"), null=True, blank=True)
    declassified_on = models.DateField(_("ngày giải mật"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["expires_on"])]
        verbose_name = _("thời hạn bảo vệ")
        verbose_name_plural = _("thời hạn bảo vệ")

    def __str__(self) -> str:
        return f"{self.document_id}: {self.expires_on}"


class ClassificationDecision(models.Model):
    """A decision on a classified document: gia hạn, rút ngắn, giảm mật, giải mật."""

    class Kind(models.TextChoices):
        EXTEND = "extend", _("Gia hạn thời hạn bảo vệ")
        SHORTEN = "shorten", _("Rút ngắn thời hạn bảo vệ")
        DOWNGRADE = "downgrade", _("Giảm mật")
        DECLASSIFY = "declassify", _("Giải mật")

    document = models.ForeignKey(
        "registry.Document", on_delete=models.PROTECT, related_name="classification_decisions"
    )
    kind = models.CharField(_("loại quyết định"), max_length=12, choices=Kind.choices)
    decision_ref = models.CharField(_("số, ký hiệu quyết định"), max_length=100, blank=True)
    reason = models.TextField(_("lý do"))
    # None: no one decided, the law did (giải mật at the end of the period, Điều 22).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_on = models.DateField(_("ngày quyết định"))
    secrecy_before = models.CharField(max_length=20)
    secrecy_after = models.CharField(max_length=20)
    expires_before = models.DateField(null=True, blank=True)
    expires_after = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("quyết định về độ mật")
        verbose_name_plural = _("quyết định về độ mật")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.document_id}"


class CopyOrder(models.Model):
    """One entry of the Sổ quản lý sao, chụp tài liệu bí mật nhà nước (NĐ 26/2020 Điều 3):
    authorised by the leader who records it, made by ``made_by``."""

    class Form(models.TextChoices):
        COPY = "sao_y", _("Sao y")
        REPRINT = "sao_luc", _("Sao lục")
        EXTRACT = "trich_sao", _("Trích sao")
        PHOTO = "chup", _("Chụp")
        PRINT = "in", _("In")

    document = models.ForeignKey(
        "registry.Document", on_delete=models.PROTECT, related_name="copy_orders"
    )
    form = models.CharField(_("hình thức sao"), max_length=10, choices=Form.choices)
    authorized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(_("số lượng bản"))
    purpose = models.TextField(_("mục đích"))
    secrecy = models.CharField(_("độ mật"), max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["created_at"])]
        verbose_name = _("lần sao, chụp")
        verbose_name_plural = _("sổ quản lý sao, chụp")

    def __str__(self) -> str:
        return f"{self.get_form_display()} ×{self.quantity} #{self.document_id}"


class DocumentCopy(models.Model):
    """A numbered copy: an issued copy (bản số k) or a copy made under a copy order
    (bản sao số k). Marks and downloads carry the number."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Bản phát hành")
        COPY = "copy", _("Bản sao")

    document = models.ForeignKey(
        "registry.Document", on_delete=models.PROTECT, related_name="numbered_copies"
    )
    kind = models.CharField(_("loại bản"), max_length=8, choices=Kind.choices)
    number = models.PositiveIntegerField(_("bản số"))
    order = models.ForeignKey(
        CopyOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="copies"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_copies",
    )
    holder_name = models.CharField(_("người, nơi giữ"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "kind", "number"], name="access_copy_number_once"
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="access_copy_number_1"),
        ]
        verbose_name = _("bản đánh số")
        verbose_name_plural = _("bản đánh số")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == self.Kind.COPY:
            return f"BẢN SAO SỐ {self.number}"
        return f"Bản số {self.number}"


class Handover(models.Model):
    """One line of the Sổ chuyển giao bí mật nhà nước: who handed which copy to whom, and the
    receiver's confirmation (ký nhận)."""

    document = models.ForeignKey(
        "registry.Document", on_delete=models.PROTECT, related_name="handovers"
    )
    copy = models.ForeignKey(
        DocumentCopy, on_delete=models.PROTECT, null=True, blank=True, related_name="handovers"
    )
    handed_at = models.DateTimeField(_("thời điểm chuyển giao"))
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_name = models.CharField(_("người, nơi nhận"), max_length=255, blank=True)
    secrecy = models.CharField(_("độ mật"), max_length=20)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    confirmed_at = models.DateTimeField(_("ký nhận lúc"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["handed_at", "pk"]
        indexes = [models.Index(fields=["handed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_user__isnull=False) | ~models.Q(to_name=""),
                name="access_handover_has_receiver",
            )
        ]
        verbose_name = _("lần chuyển giao")
        verbose_name_plural = _("sổ chuyển giao bí mật nhà nước")

    def __str__(self) -> str:
        return f"#{self.document_id} → {self.to_user_id or self.to_name}"
