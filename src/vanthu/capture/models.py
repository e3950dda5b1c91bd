"""Scan batches (lô quét) and the items they turn into "chờ vào sổ" documents; page images."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vanthu.access.policy import AccessSpec


class ScanBatch(models.Model):
    class Source(models.TextChoices):
        UPLOAD = "upload", _("Tải lên")
        FOLDER = "folder", _("Thư mục")

    class Split(models.TextChoices):
        FILE = "file", _("Mỗi tệp một văn bản")
        BLANK = "blank", _("Tách theo trang trắng")

    class Status(models.TextChoices):
        WAITING = "waiting", _("chờ xử lý")
        RUNNING = "running", _("đang xử lý")
        PAUSED = "paused", _("tạm dừng")
        DONE = "done", _("hoàn thành")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="scan_batches"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    # The folder walked (CLI) or the private staging folder of an upload.
    source_path = models.CharField(max_length=1000)
    label = models.CharField(_("tên lô"), max_length=255, blank=True)
    split = models.CharField(max_length=10, choices=Split.choices, default=Split.FILE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    paused = models.BooleanField(default=False)
    pages_total = models.PositiveIntegerField(default=0)
    pages_done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    access = AccessSpec(secrecy_field=None, participants=("created_by",))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lô quét")
        verbose_name_plural = _("lô quét")

    def __str__(self) -> str:
        return self.label or f"Lô {self.pk}"

    @property
    def percent(self) -> int:
        if not self.pages_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.pages_done / self.pages_total))


class ScanItem(models.Model):
    """One document cut from one source file (``part`` > 0 when split by blank pages).

    (organization, sha256, part) is the idempotency key: re-running a batch, or importing the
    same folder again, never makes a second document from the same scan."""

    class Status(models.TextChoices):
        DONE = "done", _("đã tạo văn bản chờ vào sổ")
        FAILED = "failed", _("lỗi")

    batch = models.ForeignKey(ScanBatch, on_delete=models.PROTECT, related_name="items")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    source_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    part = models.PositiveSmallIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices)
    error = models.CharField(max_length=500, blank=True)
    document = models.OneToOneField(
        "registry.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scan_item",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the clerk registers the item from the scan queue (registration.py): per field,
    # what the scan suggested and what was registered, so accuracy in real use is reported.
    suggested = models.JSONField(default=dict, blank=True)
    registered = models.JSONField(default=dict, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    access = AccessSpec(secrecy_field=None, participants=("batch__created_by",))

    class Meta:
        ordering = ["batch", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "sha256", "part"], name="scanitem_once_per_org"
            ),
            models.CheckConstraint(
                condition=Q(status="failed") | Q(document__isnull=False),
                name="scanitem_done_has_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_name}#{self.part}"


class PageImage(models.Model):
    """A rendered page (PNG blob) of a plain file, keyed by (file sha, page, width)."""

    file_sha256 = models.CharField(max_length=64)
    page = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    png_sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["file_sha256", "page", "width"], name="pageimage_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_sha256[:12]} p{self.page} w{self.width}"


class OcrRange(models.Model):
    """One page range of a large scan OCR'd by its own job (spread.py); merged when all done."""

    file = models.ForeignKey("registry.DocumentFile", on_delete=models.CASCADE, related_name="+")
    first = models.PositiveIntegerField()
    last = models.PositiveIntegerField()
    done = models.BooleanField(default=False)
    pdfa = models.BooleanField(default=True)
    measures = models.JSONField(default=dict, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["file", "first"]
        constraints = [
            models.UniqueConstraint(fields=["file", "first"], name="ocrrange_once_per_file")
        ]

    def __str__(self) -> str:
        return f"{self.file_id} p{self.first}-{self.last}"


class QualityCheck(models.Model):
    """A clerk looked at a file's quality flags ("Đã kiểm tra"): it leaves the verification
    queue (issue 4 §5). The flags seen are kept, as the audit event keeps them."""

    file = models.OneToOneField(
        "registry.DocumentFile", on_delete=models.CASCADE, related_name="quality_check"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(auto_now_add=True)
    flags = models.JSONField(default=list, blank=True)  # the codes shown when it was checked

    def __str__(self) -> str:
        return f"{self.file_id} {self.checked_at:%d/%m/%Y}"
