"""The last signature check of one stored file (docs/signatures.md)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from vanthu.access.policy import AccessSpec
from vanthu.exchange.verify import FAILED, State
from vanthu.registry.models import DocumentFile


class FileSignature(models.Model):
    """A PREMIS event of type "digital signature validation" on one DocumentFile, kept as its
    current verdict: one row per file, replaced when the file is checked again."""

    file = models.OneToOneField(
        DocumentFile, on_delete=models.CASCADE, related_name="signature_check"
    )
    event_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(_("chữ ký số"), max_length=10, choices=State.choices)
    signer_name = models.CharField(_("người ký"), max_length=255, blank=True)
    signing_time = models.DateTimeField(_("thời gian ký"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    # One entry per signature: {"state", "signer", "signing_time", "summary"}.
    signatures = models.JSONField(default=list, blank=True)
    # Which bytes were checked (the plaintext's SHA-256): a re-run on the same bytes is a no-op.
    checked_sha256 = models.CharField(max_length=64)
    checked_at = models.DateTimeField(_("thời điểm kiểm tra"))

    access = AccessSpec(
        org_field="file__document__organization",
        secrecy_field="file__document__secrecy",
        participants=(
            "file__document__created_by",
            "file__document__directed_by",
            "file__document__assignments__user",
        ),
    )

    objects = models.Manager["FileSignature"]()

    class Meta:
        indexes = [models.Index(fields=["state"], name="signature_by_state")]
        verbose_name = _("kiểm tra chữ ký số")
        verbose_name_plural = _("kiểm tra chữ ký số")

    def __str__(self) -> str:
        return f"{self.file_id} {self.state}"

    @property
    def failed(self) -> bool:
        return self.state in FAILED
