"""Drafts of văn bản đi (versions, reviews, initials, approval) and the links between issued
documents (replacement, correction, recall). Rules: domain.md §1.3 (NĐ 30 Điều 10–13, 18),
§1.8 (Phụ lục VI: keep every draft, comment and approval; recall), §9 items 12 and 16.

Every row hangs on a ``registry.Document`` and is read only through it: a selector first gets the
document through the access policy, then its drafts rows (``drafts.selectors``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DraftVersion(models.Model):
    """One uploaded version of a draft (dự thảo lần n), kept for ever (Phụ lục VI 5a)."""

    document = models.ForeignKey(
        "registry.Document", on_delete=models.PROTECT, related_name="draft_versions"
    )
    number = models.PositiveIntegerField(_("lần dự thảo"))
    comment = models.TextField(_("ghi chú"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The file, stored like a registry file (content-addressed; encrypted when classified).
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=150)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    encrypted = models.BooleanField(default=False)
    plaintext_sha256 = models.CharField(max_length=64, blank=True)
    key_id = models.CharField(max_length=16, blank=True)
    wrapped_key = models.CharField(max_length=64, blank=True)
    nonce = models.CharField(max_length=24, blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="draft_version_once")
        ]
        verbose_name = _("dự thảo")
        verbose_name_plural = _("dự thảo")

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class Verdict(models.TextChoices):
    AGREE = "agree", _("Nhất trí")
    AGREE_WITH_CHANGES = "agree_with_changes", _("Nhất trí, đề nghị sửa")
    DISAGREE = "disagree", _("Không nhất trí")


class Review(models.Model):
    """Góp ý / thẩm định: a reviewer's opinion on one version (NĐ 30 Điều 10)."""

    document = models.ForeignKey(
        "registry.Document", on_delete=models.PROTECT, related_name="draft_reviews"
    )
    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(_("kết luận"), max_length=20, choices=Verdict.choices)
    opinion = models.TextField(_("ý kiến"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("góp ý")
        verbose_name_plural = _("góp ý")

    def __str__(self) -> str:
        return f"{self.reviewer_id}: {self.verdict}"


class InitialRole(models.TextChoices):
    DRAFTER = "drafter", _("Người soạn thảo")
    UNIT_HEAD = "unit_head", _("Lãnh đạo đơn vị soạn thảo")


class Initial(models.Model):
    """Ký nháy / ký tắt on the final draft: the drafter and the head of the drafting unit
    (NĐ 30 Điều 12: the head answers for the content) before the leader signs."""

    document = models.ForeignKey(
        "registry.Document", on_delete=models.PROTECT, related_name="draft_initials"
    )
    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="initials")
    role = models.CharField(_("ký với tư cách"), max_length=10, choices=InitialRole.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "role"], name="draft_initial_once")
        ]
        verbose_name = _("ký nháy")
        verbose_name_plural = _("ký nháy")

    def __str__(self) -> str:
        return f"{self.version} {self.role}"


class Approval(models.Model):
    """Duyệt bản thảo (NĐ 30 Điều 11) by the competent signer, of one version: a later version
    needs a new approval ("changes after approval need re-approval")."""

    document = models.ForeignKey(
        "registry.Document", on_delete=models.PROTECT, related_name="draft_approvals"
    )
    version = models.OneToOneField(DraftVersion, on_delete=models.PROTECT, related_name="approval")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("ý kiến"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("duyệt dự thảo")
        verbose_name_plural = _("duyệt dự thảo")

    def __str__(self) -> str:
        return f"{self.version} ✓"


class RelationKind(models.TextChoices):
    REPLACES = "replaces", _("Thay thế")
    CORRECTS = "corrects", _("Đính chính")
    RECALLS = "recalls", _("Thu hồi")
    UPDATES = "updates", _("Cập nhật (liên thông)")


class Origin(models.TextChoices):
    LOCAL = "local", _("Trong hệ thống")
    EXCHANGE = "exchange", _("Liên thông edXML")


class DocumentRelation(models.Model):
    """What happened to an issued document: replaced by, corrected by, recalled (NĐ 30 Điều 18).

    ``target`` is the document affected; ``source`` the replacement or the correction notice
    (none for a recall or an edXML update). A copy delivered inside the installation shows the
    relations of its source document; a copy received by edXML gets its own rows (origin
    ``exchange``).
    """

    kind = models.CharField(_("loại"), max_length=10, choices=RelationKind.choices)
    target = models.ForeignKey(
        "registry.Document", on_delete=models.PROTECT, related_name="relations_in"
    )
    source = models.ForeignKey(
        "registry.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relations_out",
    )
    reason = models.TextField(_("lý do"), blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.LOCAL)
    # For an edXML update: the fields as they were before (shown with the document only).
    previous = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # Recalled once, replaced once; corrections may be several.
            models.UniqueConstraint(
                fields=["target", "kind"],
                condition=Q(kind__in=["replaces", "recalls"]),
                name="relation_once_per_target",
            ),
            models.UniqueConstraint(
                fields=["target", "source", "kind"],
                condition=Q(source__isnull=False),
                name="relation_source_once",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["recalls", "updates"]) | Q(source__isnull=False),
                name="relation_source_needed",
            ),
            models.CheckConstraint(
                condition=Q(source__isnull=True) | ~Q(source=models.F("target")),
                name="relation_not_self",
            ),
        ]
        indexes = [models.Index(fields=["target", "kind"])]
        verbose_name = _("liên kết văn bản")
        verbose_name_plural = _("liên kết văn bản")

    def __str__(self) -> str:
        return f"{self.kind} {self.target_id}"
