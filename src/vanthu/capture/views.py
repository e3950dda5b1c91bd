"""Web UI of batch scanning: upload, batches with progress, the "chờ vào sổ" queue, and the
verification queue (cần kiểm tra chất lượng)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vanthu.access.policy import roles_in
from vanthu.core.enums import Role, Secrecy, Urgency
from vanthu.orgs.models import DocumentType, User
from vanthu.registry import selectors as registry_selectors
from vanthu.registry.models import Document, DocumentFile

from . import batches, registration, selectors, services
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


def _form_rows(
    documents: list[Document], posted: dict[int, dict[str, str]], errors: dict[int, Any]
) -> list[dict[str, Any]]:
    rows = []
    for document in documents:
        suggested = registration.suggested_values(document)
        first = next(iter(document.files.all()), None)
        values = posted.get(document.pk, {})
        row_errors = errors.get(document.pk, {})
        fields = [
            {
                "name": f.name,
                "label": f.label,
                "value": values.get(f.name, suggested[f.name]["value"]),
                "confidence": suggested[f.name]["confidence"],
                "percent": _percent(suggested[f.name]["confidence"]),
                "errors": row_errors.get(f.name, []),
            }
            for f in registration.FIELDS
        ]
        rows.append(
            {
                "id": document.pk,
                "source_name": document.scan_item.source_name,
                "page_count": document.page_count,
                "file_id": first.pk if first else None,
                "file": first,
                "text_status": first.get_text_status_display() if first else "",
                "flags": first.quality_flags if first else [],
                "fields": {f["name"]: f for f in fields},
                "other_errors": [
                    m for k, ms in row_errors.items() if k not in registration.NAMES for m in ms
                ],
            }
        )
    return rows


def _percent(confidence: Any) -> int | None:
    return round(100 * float(confidence)) if confidence is not None else None


@login_required
@require_http_methods(["GET", "POST"])
def register_queue(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The queue as an editable table: correct the suggested fields, register row by row
    (Enter) or every complete row at once (issues 4 and 12)."""
    user = _user(request)
    batch = selectors.get_batch(user, pk) if pk is not None else None
    queryset = selectors.pending_scans(user)
    if batch is not None:
        queryset = queryset.filter(scan_item__batch=batch)
    posted: dict[int, dict[str, str]] = {}
    errors: dict[int, Any] = {}
    if request.method == "POST":
        for raw in request.POST.getlist("ids"):
            if raw.isdigit():
                posted[int(raw)] = {
                    name: request.POST.get(f"f-{raw}-{name}", "") for name in registration.NAMES
                }
        only = request.POST.get("only", "")
        if only.isdigit():
            chosen = [int(only)] if int(only) in posted else []
        else:
            chosen = [i for i, v in posted.items() if registration.is_complete(v)]
            if not chosen:
                messages.warning(request, _("Không có dòng nào đủ trường bắt buộc để vào sổ."))
        results = registration.register_many(
            actor=user, rows=[{"id": i, **posted[i]} for i in chosen]
        )
        done = [r for r in results if r["status"] == 201]
        for r in results:
            if r["status"] != 201:
                errors[int(r["id"])] = r["errors"]
        if done:
            numbers = ", ".join(str(r["number"]) for r in done)
            messages.success(
                request,
                _("Đã vào sổ %(count)d văn bản, số đến: %(numbers)s.")
                % {"count": len(done), "numbers": numbers},
            )
        if errors:
            messages.error(
                request,
                _("%(count)d dòng chưa vào sổ được: xem lỗi ở từng dòng.") % {"count": len(errors)},
            )
    documents = list(queryset[:200])
    return render(
        request,
        "capture/register.html",
        {
            "batch": batch,
            "rows": _form_rows(documents, posted, errors),
            "document_types": DocumentType.objects.filter(active=True).order_by("code"),
            "secrecies": Secrecy.choices,
            "urgencies": Urgency.choices,
        },
    )


@login_required
@require_GET
def accuracy(request: HttpRequest) -> HttpResponse:
    """Per field, the share of suggestions the clerks registered unchanged."""
    return render(request, "capture/accuracy.html", {"rows": registration.accuracy(_user(request))})


# Page links shown per flag in the verification queue; the viewer pages on from there.
QUEUE_PAGE_LINKS = 12
QUEUE_ROWS = 200


def _queue_rows(user: User, files: list[DocumentFile]) -> list[dict[str, Any]]:
    may_check: dict[int, bool] = {}
    rows = []
    for f in files:
        org = f.document.organization_id
        if org not in may_check:
            may_check[org] = user.is_superuser or bool(
                roles_in(user, f.document.organization) & {Role.CLERK, Role.ADMIN}
            )
        flags = [
            {
                "code": flag.get("code", ""),
                "label": flag.get("label", ""),
                "pages": list(flag.get("pages") or [])[:QUEUE_PAGE_LINKS],
                "more": max(len(flag.get("pages") or []) - QUEUE_PAGE_LINKS, 0),
            }
            for flag in f.quality_flags
        ]
        rows.append(
            {"file": f, "document": f.document, "flags": flags, "may_check": may_check[org]}
        )
    return rows


def _queue(request: HttpRequest, template: str) -> HttpResponse:
    user = _user(request)
    files = list(
        selectors.quality_queue(user).select_related("document__organization")[: QUEUE_ROWS + 1]
    )
    return render(
        request,
        template,
        {"rows": _queue_rows(user, files[:QUEUE_ROWS]), "more": len(files) > QUEUE_ROWS},
    )


@login_required
@require_GET
def quality_queue(request: HttpRequest) -> HttpResponse:
    """Cần kiểm tra chất lượng: files with quality flags nobody has checked yet (issue 4 §5)."""
    return _queue(request, "capture/quality.html")


@login_required
@require_POST
def quality_checked(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    """ "Đã kiểm tra": the file leaves the queue. A document the user may not see is 404."""
    user = _user(request)
    file = registry_selectors.get_file(user, pk, file_id)
    try:
        services.mark_quality_checked(actor=user, file=file)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Chỉ văn thư của tổ chức mới đánh dấu đã kiểm tra."))
    else:
        messages.success(
            request, _("Đã đánh dấu đã kiểm tra tệp “%(name)s”.") % {"name": file.original_name}
        )
    if request.headers.get("HX-Request"):
        return _queue(request, "capture/_quality_rows.html")
    return HttpResponseRedirect(reverse("capture:quality"))
