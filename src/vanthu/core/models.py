"""Background jobs: their state lives here, the queue only carries triggers (docs/running.md)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    WAITING = "waiting", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")


class Job(models.Model):
    """One unit of background work (OCR a file, index a document, send a package...).

    A job is created in the caller's transaction, so it exists exactly when the change that
    asked for it was committed; the Celery message is only a nudge and may be lost or repeated.
    """

    kind = models.CharField(_("loại việc"), max_length=100)
    payload = models.JSONField(_("dữ liệu vào"), default=dict)
    queue = models.CharField(_("hàng đợi"), max_length=40, default="default")
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=JobStatus.choices, default=JobStatus.WAITING
    )
    attempts = models.PositiveIntegerField(_("số lần chạy"), default=0)
    max_attempts = models.PositiveIntegerField(_("số lần chạy tối đa"), default=3)
    error = models.TextField(_("lỗi"), blank=True)
    result = models.JSONField(_("kết quả"), null=True, blank=True)
    # Enqueueing the same key again while a job with it is waiting or running returns that job.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Not claimed before this time (retry backoff).
    run_after = models.DateTimeField(default=timezone.now)
    # When a trigger was last sent and how many so far: the sweep re-sends with backoff.
    sent_at = models.DateTimeField(null=True, blank=True)
    sends = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Refreshed while the handler runs; a stale one means the worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("việc nền")
        verbose_name_plural = _("việc nền")
        indexes = [
            # The sweep's two questions: waiting jobs due long ago, running jobs gone quiet.
            models.Index(fields=["status", "run_after"], name="job_status_run_after"),
            models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat"),
            models.Index(fields=["kind", "status"], name="job_kind_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(status__in=["waiting", "running"]) & Q(dedupe_key__isnull=False),
                name="job_unique_live_dedupe_key",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["waiting", "running", "done", "failed"]),
                name="job_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class CalendarDay(models.Model):
    """A day the government (or the office) moves: an extra day off or a make-up working day.

    The public holidays themselves (lunar Tết and Giỗ Tổ Hùng Vương included) come from the
    ``holidays`` package; each year the government also announces swaps (nghỉ bù, làm bù),
    and an office may add its own. Those are data, edited in the admin (docs/notify.md).
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại ngày"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("tên, lý do"), max_length=200)
    basis = models.CharField(_("căn cứ (văn bản)"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["day_off", "working_day"]), name="calendar_day_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}: {self.name}"
