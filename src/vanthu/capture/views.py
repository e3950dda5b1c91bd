"""Web UI of batch scanning: upload, batches with progress, the "chờ vào sổ" queue."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vanthu.orgs.models import User

from . import batches, selectors
from .api import pending_scan_data
from .models import ScanBatch


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def scan_home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        try:
            if user.organization is None:
                raise PermissionDenied(_("Bạn chưa thuộc tổ chức nào."))
            batches.start_upload_batch(
                actor=user,
                organization=user.organization,
                uploads=request.FILES.getlist("files"),
                split=request.POST.get("split") or ScanBatch.Split.FILE,
            )
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("Bạn không có quyền nhập bản quét."))
        else:
            messages.success(request, _("Đã nhận lô quét; hệ thống đang xử lý."))
        return HttpResponseRedirect(reverse("capture:home"))
    pending = [pending_scan_data(d) for d in selectors.pending_scans(user)[:200]]
    return render(
        request,
        "capture/home.html",
        {
            "batches": selectors.batches(user)[:50],
            "pending": pending,
            "splits": ScanBatch.Split.choices,
        },
    )


@login_required
@require_GET
def batch_rows(request: HttpRequest) -> HttpResponse:
    """The batch table alone, polled by htmx every 2 s."""
    return _rows(request)


def _rows(request: HttpRequest) -> HttpResponse:
    return render(
        request, "capture/_batches.html", {"batches": selectors.batches(_user(request))[:50]}
    )


def _set_paused(request: HttpRequest, pk: int, paused: bool) -> HttpResponse:
    user = _user(request)
    batch = selectors.get_batch(user, pk)
    try:
        batches.set_paused(actor=user, batch=batch, paused=paused)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    except PermissionDenied:
        messages.error(request, _("Chỉ văn thư của tổ chức mới tạm dừng hoặc tiếp tục lô quét."))
    if request.headers.get("HX-Request"):
        return _rows(request)
    return HttpResponseRedirect(reverse("capture:home"))


@login_required
@require_POST
def batch_pause(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_paused(request, pk, True)


@login_required
@require_POST
def batch_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_paused(request, pk, False)
