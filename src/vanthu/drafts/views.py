"""Web actions of the drafts panels (outgoing and incoming detail pages). Each POST gets the
document through the access policy (404 otherwise), calls one service, and goes back to the
detail page with a message: the service's Vietnamese error, or what was done. A refusal stores
nothing (the services check before they write)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanthu.drafts import selectors, services
from vanthu.orgs.models import User
from vanthu.registry import selectors as registry_selectors


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(str(m) for ms in exc.message_dict.values() for m in ms)
    return " ".join(str(m) for m in exc.messages)


def _run(
    request: HttpRequest, pk: int, call: Callable[[User, Any], Any], done: str
) -> HttpResponse:
    user = _actor(request)
    document = selectors.outgoing_or_404(user, pk)
    status = 303
    try:
        call(user, document)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Bạn không có quyền thực hiện thao tác này."))
    else:
        messages.success(request, done)
    answer = HttpResponseRedirect(reverse("registry:outgoing-detail", args=[document.pk]))
    answer.status_code = status
    return answer


@login_required
@require_POST
def add_version(request: HttpRequest, pk: int) -> HttpResponse:
    upload = request.FILES.get("file")

    def call(user: User, document: Any) -> None:
        if upload is None:
            raise ValidationError({"file": [_("Phải chọn tệp dự thảo.")]})
        services.add_version(
            actor=user, document=document, upload=upload, comment=request.POST.get("comment", "")
        )

    return _run(request, pk, call, _("Đã lưu dự thảo mới."))


@login_required
@require_POST
def add_review(request: HttpRequest, pk: int) -> HttpResponse:
    def call(user: User, document: Any) -> None:
        services.add_review(
            actor=user,
            document=document,
            verdict=request.POST.get("verdict", ""),
            opinion=request.POST.get("opinion", ""),
        )

    return _run(request, pk, call, _("Đã ghi ý kiến góp ý."))


@login_required
@require_POST
def initial(request: HttpRequest, pk: int) -> HttpResponse:
    def call(user: User, document: Any) -> None:
        services.initial(actor=user, document=document, role=request.POST.get("role", ""))

    return _run(request, pk, call, _("Đã ký nháy dự thảo."))


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    def call(user: User, document: Any) -> None:
        services.approve(actor=user, document=document, comment=request.POST.get("comment", ""))

    return _run(request, pk, call, _("Đã duyệt dự thảo."))


def _by(user: User, raw: str) -> Any:
    if not raw.strip().isdigit():
        raise ValidationError({"by": [_("Phải ghi mã số văn bản thay thế hoặc đính chính.")]})
    try:
        return registry_selectors.get_document(user, int(raw))
    except Http404 as exc:
        raise ValidationError({"by": [_("Không có văn bản mã số %s.") % raw.strip()]}) from exc


@login_required
@require_POST
def relate(request: HttpRequest, pk: int) -> HttpResponse:
    kind = request.POST.get("kind", "")

    def call(user: User, document: Any) -> None:
        reason = request.POST.get("reason", "")
        if kind == "recall":
            services.recall(actor=user, document=document, reason=reason)
        elif kind in ("replace", "correct"):
            act = services.replace if kind == "replace" else services.correct
            act(
                actor=user,
                document=document,
                by=_by(user, request.POST.get("by", "")),
                reason=reason,
            )
        else:
            raise ValidationError({"kind": [_("Thao tác không hợp lệ.")]})

    return _run(request, pk, call, _("Đã ghi nhận."))
