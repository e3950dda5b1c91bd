"""Content-Security-Policy for every response (Django 5.2 has no built-in CSP).

The pages load only our own scripts and styles (htmx is configured by a <meta> tag, not an
inline script), so a stored XSS that slipped past escaping still could not run: no inline
script, no inline style, no foreign origin, no framing (docs/security-testing.md).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)

# drf-spectacular's Swagger UI page configures itself with an inline <script> and <style>: that
# page alone (a developer tool showing our own schema, no user data) allows inline code. Its
# split view (SpectacularSwaggerSplitView) would not need this, at the cost of a urls.py change.
SWAGGER_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"
)
SWAGGER_PATH = "/api/docs/"


def policy_for(path: str) -> str:
    """The Content-Security-Policy header value for a request path."""
    return SWAGGER_POLICY if path == SWAGGER_PATH else POLICY


class ContentSecurityPolicyMiddleware:
    """Adds Content-Security-Policy unless the view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy_for(request.path)
        return response


class RejectNulMiddleware:
    """Answers 400 to a query string holding a NUL character.

    No text the application takes may hold one: PostgreSQL cannot store or compare it, so a
    ``?q=%00`` reaching a filter was a 500 (tests/hostile/test_injection.py). Form and JSON
    fields are already refused by Django's and DRF's CharField; query parameters are read raw.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = sorted({k for k, values in request.GET.lists() for v in [k, *values] if "\x00" in v})
        if not bad:
            return self.get_response(request)
        message = _("Không được chứa ký tự NUL.")
        if request.path.startswith("/api/"):
            return JsonResponse({name.replace("\x00", ""): [message] for name in bad}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
