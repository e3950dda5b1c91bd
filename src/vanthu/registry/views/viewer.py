"""Xem tệp: a file's pages one at a time on the document's own site (issue 4, item 7).

Thin: the file is found through ``selectors.get_file`` (the access policy: a document the user
may not see is 404), and the page image itself comes from the capture app's
``api-file-page`` endpoint, which checks again, watermarks and audits classified pages and
never caches them (docs/capture.md, "Ảnh trang"). This page only names the file and steps
through its pages.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from vanthu.registry import selectors
from vanthu.registry.models import Direction

from .common import actor

# What has pages to show: PDFs and scans (office files are downloaded instead).
VIEWABLE = ("application/pdf", "image/jpeg", "image/png", "image/tiff")
WIDTH = 1000


def _page(raw: str | None, pages: int) -> tuple[int, str]:
    """The 1-based page asked for, or the first with a Vietnamese notice."""
    if raw is None or raw == "":
        return 1, ""
    if raw.isascii() and raw.isdigit() and len(raw) < 7 and 1 <= int(raw) <= pages:
        return int(raw), ""
    return 1, _("Không có trang “%(raw)s”: tệp có %(n)d trang; đang hiển thị trang 1.") % {
        "raw": raw[:20],
        "n": pages,
    }


@login_required
def file_viewer(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    user = actor(request)
    file = selectors.get_file(user, pk, file_id)
    document = file.document
    viewable = bool(file.pdfa_sha256) or file.content_type.split(";")[0] in VIEWABLE
    pages = file.page_count or 1
    page, notice = _page(request.GET.get("trang"), pages)
    detail = (
        "registry:outgoing-detail"
        if document.direction == Direction.OUTGOING
        else "registry:incoming-detail"
    )
    base = reverse("registry:file-viewer", args=[document.pk, file.pk])
    context = {
        "doc": document,
        "file": file,
        "viewable": viewable,
        "page": page,
        "pages": pages,
        "known": file.page_count is not None,
        "notice": notice,
        "back": reverse(detail, args=[document.pk]) + "#tep",
        "image": reverse("api-file-page", args=[document.pk, file.pk, page]) + f"?width={WIDTH}",
        "previous": f"{base}?trang={page - 1}" if page > 1 else "",
        "next": f"{base}?trang={page + 1}" if page < pages else "",
        "download": reverse("api-document-download", args=[document.pk, file.pk]),
    }
    return render(request, "registry/file_viewer.html", context, status=200)
