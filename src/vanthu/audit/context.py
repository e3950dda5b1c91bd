"""Who is acting from where, for the audit log, without passing requests into services."""

from __future__ import annotations

import contextvars
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "vanthu_client_address", default=None
)


def request_address(request: HttpRequest) -> str | None:
    # Behind our own nginx the real address is in X-Real-IP (docs/deploy.md sets it); the
    # header is trusted only when VANTHU_TRUST_PROXY is on.
    from django.conf import settings

    if getattr(settings, "VANTHU_TRUST_PROXY", False):
        forwarded = request.META.get("HTTP_X_REAL_IP")
        if forwarded:
            return str(forwarded)
    addr = request.META.get("REMOTE_ADDR")
    return str(addr) if addr else None


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_address.set(request_address(request))
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
