"""Login (password, then TOTP for cleared users), lockout and the TOTP steps."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import django_otp
import segno
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from vanthu.audit.services import record
from vanthu.web import otp, throttle
from vanthu.web.forms import LoginForm, TokenForm

BAD_TOKEN = _("Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã mới trên ứng dụng.")


def lockout(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this when a username or address has failed too often."""
    return render(
        request,
        "web/login.html",
        {
            "form": LoginForm(request),
            "lockout": _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút."),
        },
        status=429,
    )


def too_many_attempts(request: HttpRequest, wait: int) -> HttpResponse:
    """The login form again, refused before any password check (vanthu.web.throttle)."""
    minutes = max(1, -(-wait // 60))
    response = render(
        request,
        "web/login.html",
        {
            "form": LoginForm(request),
            "lockout": _(
                "Có quá nhiều lần đăng nhập từ địa chỉ này. Vui lòng thử lại sau %(minutes)d phút."
            )
            % {"minutes": minutes},
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = throttle.login_attempt(request, request.POST.get("username", ""))
        if wait is not None:
            return too_many_attempts(request, wait)
        return super().post(request, *args, **kwargs)

    def get_success_url(self) -> str:
        url = super().get_success_url()
        user = self.request.user
        # The password is only the first step for cleared users: straight on to the TOTP step.
        if otp.needs_verification(user):
            return otp.step_url(user, url)
        return url


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("web:home")


def _qr_svg(device: TOTPDevice) -> str:
    # segno escapes nothing it does not generate: the SVG holds only paths built from the URL.
    svg: str = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)
    return mark_safe(svg)  # noqa: S308 -- generated markup, no user text inside


@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """First TOTP device: scan the QR code, then confirm with a code from the app."""
    user = request.user
    if not otp.otp_required(user):
        return HttpResponseRedirect(reverse("web:home"))
    if otp.confirmed_device(user) is not None:
        return HttpResponseRedirect(otp.step_url(user, _next_url(request)))
    # One pending device per user, kept across reloads so the QR code stays the same.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Vanthu", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            if device.verify_token(form.cleaned_data["token"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                # Enrolling a second factor is a security event: audited like every change.
                record(
                    action="user.otp_enrol",
                    actor=user,  # type: ignore[arg-type]
                    organization=user.organization,  # type: ignore[union-attr]
                    obj=user,  # type: ignore[arg-type]
                )
                django_otp.login(request, device)
                return HttpResponseRedirect(_next_url(request))
        form.add_error("token", BAD_TOKEN)
    return render(
        request,
        "web/otp/enrol.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device),
            "secret": _grouped_secret(device),
            "next": _next_url(request),
        },
        status=400 if form.errors else 200,
    )


def _grouped_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not otp.needs_verification(user):
        return HttpResponseRedirect(_next_url(request))
    device = otp.confirmed_device(user)
    if device is None:
        return HttpResponseRedirect(otp.step_url(user, _next_url(request)))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified = django_otp.verify_token(user, device.persistent_id, form.cleaned_data["token"])
        if verified is not None:
            django_otp.login(request, verified)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", BAD_TOKEN)
    return render(
        request,
        "web/otp/verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )
