"""Saved filters (bộ lọc đã lưu): a user's named query strings for one list page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedFilter(models.Model):
    """NĐ 30 Phụ lục VI: the system lets a user save queries. Private to its owner."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    # The URL name of the list page, e.g. "registry:incoming-list".
    page = models.CharField(_("trang"), max_length=100)
    name = models.CharField(_("tên bộ lọc"), max_length=100)
    # Without the leading "?"; never holds a page number.
    query = models.CharField(_("điều kiện lọc"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager["SavedFilter"]()

    class Meta:
        ordering = ["page", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "page", "name"], name="saved_filter_unique"),
        ]
        verbose_name = _("bộ lọc đã lưu")
        verbose_name_plural = _("bộ lọc đã lưu")

    def __str__(self) -> str:
        return self.name
