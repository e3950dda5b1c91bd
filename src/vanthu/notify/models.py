"""Notifications (thông báo) to one user: what arrived for them, and deadlines (docs/notify.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PRESENTED = "presented", _("Văn bản trình xin ý kiến")
    ASSIGNED = "assigned", _("Được giao xử lý")
    RETURNED = "returned", _("Văn bản bị trả lại")
    DELIVERED = "delivered", _("Văn bản chờ vào sổ")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    FIXITY = "fixity", _("Lỗi kiểm tra toàn vẹn tệp")
    PROTECTION = "protection", _("Thay đổi độ mật, thời hạn bảo vệ")
    DECLASSIFIED = "declassified", _("Văn bản được giải mật")
    TRANSFER_DUE = "transfer_due", _("Hồ sơ sắp đến hạn nộp lưu")


class EmailMode(models.TextChoices):
    """How a user wants a kind of notification by e-mail (docs/notify.md, "Cài đặt")."""

    NONE = "none", _("Không gửi")
    IMMEDIATE = "immediate", _("Gửi ngay")
    DAILY = "daily", _("Tổng hợp hằng ngày")


class Notification(models.Model):
    """One message to one user. The text never carries a classified summary (notify.text)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    text = models.CharField(_("nội dung"), max_length=500)
    link = models.CharField(_("liên kết"), max_length=300, blank=True)
    document = models.ForeignKey(
        "registry.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignment = models.ForeignKey(
        "registry.Assignment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The day a reminder is for: one reminder per assignment, kind and day.
    day = models.DateField(null=True, blank=True)
    # Nộp lưu reminders (transfer_due): the organisation whose dossiers are due and how many
    # the recipient may see; the next reminder is sent only when that count grows.
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    count = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # False: the recipient turned this kind off in the app and wants it by e-mail only (the row
    # is kept for the daily digest); the list and the bell show only shown rows.
    shown = models.BooleanField(_("hiện trong ứng dụng"), default=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notify_recipient_list"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True, shown=True),
                name="notify_recipient_unread",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "day"],
                condition=Q(assignment__isnull=False, day__isnull=False),
                name="notify_one_reminder_a_day",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "organization", "day"],
                condition=Q(organization__isnull=False, day__isnull=False),
                name="notify_one_org_reminder_a_day",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values),
                name="notify_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """One user's choice for one kind: shown in the app or not, and e-mail none / at once /
    in the daily digest. No row means the default: in the app, e-mail at once (sent only when
    the installation sends e-mail at all, VANTHU_NOTIFY_EMAIL)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preferences"
    )
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    in_app = models.BooleanField(_("hiện trong ứng dụng"), default=True)
    email = models.CharField(
        _("e-mail"), max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cài đặt thông báo")
        verbose_name_plural = _("cài đặt thông báo")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notify_one_preference"),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="notify_preference_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(email__in=EmailMode.values), name="notify_preference_email_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} ({self.email})"
