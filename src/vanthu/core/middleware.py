"""A blob store that cannot be reached answers a clear page, not a server error."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from vanthu.core.blobstore import STORAGE_UNAVAILABLE, BlobStoreUnavailable

log = logging.getLogger("vanthu.storage")


class StorageUnavailableMiddleware:
    """Web pages: ``BlobStoreUnavailable`` (wrong endpoint, missing bucket, refused keys)
    becomes a 503 page in Vietnamese; the details go to the log. The API has the same rule in
    ``core.api.exception_handler``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, BlobStoreUnavailable):
            return None
        log.error("%s (%s %s)", exception, request.method, request.path)
        html = render_to_string(
            "core/storage_unavailable.html", {"message": STORAGE_UNAVAILABLE}, request=request
        )
        return HttpResponse(html, status=503, headers={"Retry-After": "60"})
