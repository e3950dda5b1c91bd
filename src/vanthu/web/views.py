"""Web UI shell: login, logout, home."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this when a username or address has failed too often."""
    return render(
        request,
        "web/login.html",
        {"lockout": _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.")},
        status=429,
    )


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")
