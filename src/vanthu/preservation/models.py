"""Fixity checks (kiểm tra toàn vẹn): one row per re-read of a blob, a PREMIS-style event.

TT 05/2025 Điều 26–31: every record's integrity is checked in full within the cycle; each
check is kept as evidence (PREMIS eventType "fixity check").
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    PASS = "pass", _("Khớp")
    FAIL = "fail", _("Không khớp")
    MISSING = "missing", _("Mất tệp")


class FixityCheck(models.Model):
    """A PREMIS event of type "fixity check" on one content-addressed blob."""

    event_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    checked_at = models.DateTimeField(_("thời điểm kiểm tra"))
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    # Never a document title: the hash, the size read and the actual hash on a mismatch.
    detail = models.CharField(_("chi tiết"), max_length=500, blank=True)

    objects = models.Manager["FixityCheck"]()

    class Meta:
        ordering = ["-checked_at", "-pk"]
        indexes = [
            models.Index(fields=["sha256", "checked_at"], name="fixity_by_blob"),
            models.Index(fields=["outcome", "checked_at"], name="fixity_by_outcome"),
        ]
        verbose_name = _("kiểm tra toàn vẹn")
        verbose_name_plural = _("kiểm tra toàn vẹn")

    def __str__(self) -> str:
        return f"{self.sha256[:12]} {self.outcome} {self.checked_at:%Y-%m-%d}"
