"""The second factor (TOTP) for users whose clearance requires it.

``VANTHU_OTP_REQUIRED_CLEARANCE`` (settings) names the lowest clearance that must pass a TOTP
step after the password; "" turns the step off. Until ``request.user.is_verified()`` (set by
``django_otp.login``), ``OtpRequiredMiddleware`` sends every page to that step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from vanthu.core.enums import Secrecy

# Pages a half-logged-in user may still reach: the steps themselves, logout, language, assets.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/favicon.ico")


def otp_required(user: Any) -> bool:
    """Must ``user`` pass the TOTP step? Only authenticated users with enough clearance do."""
    level = getattr(settings, "VANTHU_OTP_REQUIRED_CLEARANCE", "")
    if not level or not getattr(user, "is_authenticated", False):
        return False
    return bool(Secrecy.rank(user.clearance) >= Secrecy.rank(level))


def needs_verification(user: Any) -> bool:
    # Right after auth.login the request holds the plain user, not yet wrapped by
    # django_otp's middleware: such a user has passed no second factor.
    is_verified = getattr(user, "is_verified", None)
    return otp_required(user) and not (callable(is_verified) and is_verified())


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def step_url(user: Any, next_url: str = "") -> str:
    """Where an unverified user goes: enrolment without a device, else verification."""
    name = "web:otp-verify" if confirmed_device(user) else "web:otp-enrol"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class OtpRequiredMiddleware:
    """Holds back every page until the TOTP step is passed (after django_otp's middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and needs_verification(user) and not self._open(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Cần xác thực hai lớp trước khi dùng phiên đăng nhập này.")},
                    status=403,
                )
            return HttpResponseRedirect(step_url(user, request.get_full_path()))
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        path = request.path
        if path.startswith(_OPEN_PREFIXES):
            return True
        open_paths = {
            reverse("web:login"),
            reverse("web:logout"),
            reverse("web:otp-enrol"),
            reverse("web:otp-verify"),
        }
        return path in open_paths
