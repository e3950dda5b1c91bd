"""A protected model for testing the access policy on its own, before any domain app."""

from django.conf import settings
from django.db import models

from vanthu.access.policy import AccessSpec
from vanthu.core.enums import Secrecy


class Sample(models.Model):
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE)
    secrecy = models.CharField(max_length=20, choices=Secrecy.choices, default=Secrecy.NONE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    title = models.CharField(max_length=100, default="")

    access = AccessSpec(participants=("created_by",), clerks_need_to_know=True)

    class Meta:
        app_label = "testapp"

    def __str__(self) -> str:
        return self.title
