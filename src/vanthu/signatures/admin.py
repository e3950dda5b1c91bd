"""The seal image is set here by an administrator: the form takes a PNG file and the seal's
diameter, and saving calls ``seals.set_seal_image`` (checked, audited); the image is never
edited in place."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vanthu.exchange.signing import SigningError, png_image
from vanthu.orgs.models import User

from .models import SealImage
from .seals import DEFAULT_DIAMETER_MM, set_seal_image


class SealImageForm(forms.ModelForm[SealImage]):
    upload = forms.FileField(label=_("tệp PNG ảnh con dấu"))

    class Meta:
        model = SealImage
        fields = ("organization", "diameter_mm")

    def clean_upload(self) -> bytes:
        data = bytes(self.cleaned_data["upload"].read())
        try:
            png_image(data, str(_("con dấu")))
        except SigningError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(SealImage)
class SealImageAdmin(admin.ModelAdmin[SealImage]):
    form = SealImageForm
    list_display = ("organization", "diameter_mm", "uploaded_by", "uploaded_at")

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"diameter_mm": DEFAULT_DIAMETER_MM}

    def save_model(self, request: HttpRequest, obj: SealImage, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = set_seal_image(
            actor=cast(User, request.user),
            organization=data["organization"],
            png=data["upload"],
            diameter_mm=Decimal(data["diameter_mm"]),
        )
        obj.pk = saved.pk
