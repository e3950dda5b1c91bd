"""What is known about each organisation's trained suggestion model (the model is a file)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainedModel(models.Model):
    """The last model trained for one organisation from its own history (docs/suggest.md).

    The model itself (a vectoriser and the index of handled, non-classified documents) is a
    joblib file in the data folder, named by this row; nothing leaves the machine.
    """

    organization = models.OneToOneField(
        "orgs.Organization", on_delete=models.CASCADE, related_name="suggestion_model"
    )
    trained_at = models.DateTimeField(_("thời điểm huấn luyện"))
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    incoming_examples = models.PositiveIntegerField(_("số văn bản đến đã học"), default=0)
    dossier_examples = models.PositiveIntegerField(_("số hồ sơ đã học"), default=0)
    # Top-1/top-3 accuracy on the newest 20 % of the history, measured at training time.
    metrics = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("mô hình gợi ý")
        verbose_name_plural = _("mô hình gợi ý")

    def __str__(self) -> str:
        return f"{self.organization_id} @ {self.trained_at:%Y-%m-%d %H:%M}"
