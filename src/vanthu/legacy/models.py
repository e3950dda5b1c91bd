"""What the legacy import remembers: column mappings per source and the batches it ran.

docs/legacy-import.md describes the import; the documents themselves are registry Documents.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vanthu.registry.models import Direction


class ImportProfile(models.Model):
    """A column mapping remembered for one source: the organisation + its header fingerprint.

    The same old system exports the same header row every year, so a mapping corrected once
    (``--mapping``) is used again for the next file with that header.
    """

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+"
    )
    direction = models.CharField(_("loại sổ"), max_length=10, choices=Direction.choices)
    fingerprint = models.CharField(max_length=64)
    headers = models.JSONField(_("tiêu đề cột"), default=list)
    # field name -> 0-based column index
    mapping = models.JSONField(_("ánh xạ cột"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "direction", "fingerprint"],
                name="legacy_profile_unique_source",
            )
        ]
        verbose_name = _("mẫu nhập sổ cũ")
        verbose_name_plural = _("mẫu nhập sổ cũ")

    def __str__(self) -> str:
        return f"{self.organization_id} {self.direction} {self.fingerprint[:8]}"


class ImportBatch(models.Model):
    """One real (not dry) run: which file, by whom, into which register, with what result."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    direction = models.CharField(_("loại sổ"), max_length=10, choices=Direction.choices)
    register = models.OneToOneField(
        "registry.Register", on_delete=models.PROTECT, related_name="legacy_batch"
    )
    file_name = models.CharField(_("tên tệp"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rows_total = models.PositiveIntegerField(default=0)
    rows_taken = models.PositiveIntegerField(default=0)
    rows_refused = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lần nhập sổ cũ")
        verbose_name_plural = _("lần nhập sổ cũ")

    def __str__(self) -> str:
        return self.file_name
