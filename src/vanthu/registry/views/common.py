"""Helpers shared by the registry pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanthu.audit.services import record
from vanthu.core.enums import Secrecy
from vanthu.orgs.models import User
from vanthu.registry.models import Document
from vanthu.registry.paging import CappedCountPaginator
from vanthu.signatures import selectors as signature_selectors
from vanthu.web.forms import add_service_errors

PAGE_SIZE = 50
# The lists' "Chữ ký số" filter (``?chu_ky=``, the API's ``?signature=``; docs/signatures.md).
SIGNATURE_CHOICES = list(signature_selectors.FILTERS.items())


def actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def show_denied(form: forms.Form, exc: PermissionDenied) -> None:
    form.add_error(None, str(exc) or _("Bạn không có quyền thực hiện thao tác này."))


def service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's field errors on the form; the services name the upload "file", the
    forms' input is "attachments"."""
    if hasattr(exc, "error_dict") and "file" in exc.error_dict and "attachments" in form.fields:
        exc.error_dict["attachments"] = exc.error_dict.pop("file")
    add_service_errors(form, exc)


def run_action(
    request: HttpRequest,
    document: Document,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    done: str,
    *,
    detail: str,
    render_errors: Callable[[int], HttpResponse],
) -> HttpResponse:
    """Run one service for a posted action form: on success back to the detail page ``detail``
    with a message; on refusal ``render_errors(status)`` (400 field errors, 403 denied)."""
    status = 400
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            service_errors(form, exc)
        except PermissionDenied as exc:
            show_denied(form, exc)
            status = 403
        else:
            messages.success(request, done)
            return HttpResponseRedirect(reverse(detail, args=[document.pk]))
    return render_errors(status)


def audit_read(user: User, document: Document) -> None:
    # architecture.md invariant 3: every read of a classified document leaves an event.
    if document.secrecy == Secrecy.NONE:
        return
    with transaction.atomic():
        record(
            action="document.view",
            actor=user,
            organization=document.organization,
            obj=document,
            details={"via": "web"},
        )


def signature_choice(raw: str) -> tuple[str, str]:
    """The list's signature filter and, for a value the page never offers, the message shown
    instead of filtering (the list is then shown unfiltered)."""
    if not raw or raw in signature_selectors.FILTERS:
        return raw, ""
    return "", _("Bộ lọc chữ ký số không hợp lệ; danh sách hiển thị không lọc theo chữ ký số.")


def paginate(
    request: HttpRequest,
    rows: QuerySet[Any] | Any,
    counted: QuerySet[Any] | None = None,
    *,
    number: int | None = None,
) -> Page[Any]:
    """Page ``trang`` (or ``number``) of ``rows``. The count is capped (``registry.paging``):
    exact up to 10.000 visible documents, above that "hơn 10.000" (``paginator.count_exact``
    false) — counting a million through the access policy cost more than the page
    (docs/benchmarks.md). ``counted``: what to count when ``rows`` is not a queryset."""
    if number is None:
        raw = request.GET.get("trang", "1")
        number = min(int(raw), 100_000) if raw.isdigit() and int(raw) > 0 else 1
    return CappedCountPaginator(rows, PAGE_SIZE, counted=counted).get_page(number)


def query_without_page(request: HttpRequest, *others: str) -> str:
    """The list's query string without its page (``trang``, and ``others``: cursors)."""
    params = request.GET.copy()
    for name in ("trang", *others):
        params.pop(name, None)
    return params.urlencode()


HISTORY_LABELS: dict[str, Any] = {
    "registry.incoming.register": gettext_lazy("Vào sổ"),
    "registry.incoming.present": gettext_lazy("Trình lãnh đạo"),
    "registry.incoming.assign": gettext_lazy("Bút phê, giao xử lý"),
    "registry.incoming.complete": gettext_lazy("Hoàn thành"),
    "registry.incoming.return": gettext_lazy("Trả lại"),
    "registry.delivery.receive": gettext_lazy("Nhận liên thông (chờ vào sổ)"),
    "registry.outgoing.create": gettext_lazy("Tạo dự thảo"),
    "registry.outgoing.issue": gettext_lazy("Ban hành, cấp số"),
    "registry.outgoing.send": gettext_lazy("Gửi"),
    "registry.recipient.status": gettext_lazy("Nơi nhận cập nhật trạng thái"),
    "registry.file.add": gettext_lazy("Thêm tệp"),
    "signatures.file.verify": gettext_lazy("Kiểm tra chữ ký số"),
    "document.view": gettext_lazy("Xem văn bản"),
    "document.download": gettext_lazy("Tải tệp"),
}


def history_rows(events: QuerySet[Any]) -> list[dict[str, Any]]:
    # Action, time and who only: details could carry what a reader may not see.
    return [
        {
            "label": HISTORY_LABELS.get(e.action, e.action),
            "time": e.created_at,
            "actor": e.actor_name,
        }
        for e in events[:500]
    ]
