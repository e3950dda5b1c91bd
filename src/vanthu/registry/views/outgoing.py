"""Văn bản đi pages: the list, the draft form with nơi nhận, the detail with Ban hành and Gửi
and what each recipient did (edXML status). Thin: parse, call one service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vanthu.core.enums import Role
from vanthu.orgs.models import Organization
from vanthu.registry import selectors, sending, services
from vanthu.registry.forms import FileForm, OutgoingForm, add_service_errors
from vanthu.registry.models import Direction, Document, Status, TextStatus
from vanthu.registry.views import reads, urgent_pages
from vanthu.registry.views.common import (
    SIGNATURE_CHOICES,
    actor,
    audit_read,
    history_rows,
    query_without_page,
    run_action,
    show_denied,
    signature_choice,
)
from vanthu.signatures import selectors as signature_selectors

OUTGOING_STATUSES = [(s.value, s.label) for s in (Status.DRAFT, Status.ISSUED, Status.SENT)]


@login_required
@require_GET
def outgoing_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    status = (request.GET.get("trang_thai") or "").strip()[:30]
    chosen = (request.GET.get("chu_ky") or "").strip()[:30]
    signature, signature_error = signature_choice(chosen)
    qs = selectors.outgoing_list(user, status=status or None, signature=signature or None)
    # The row's badge "Chữ ký số không đạt" (docs/signatures.md, "Lists").
    qs = qs.annotate(signature_failed=signature_selectors.failed_flag())
    # Numbered pages 1–20, then cursors (the same pages as the sổ đến; docs/registry.md).
    listing = urgent_pages.Listing(urgent_pages.OneBlock(qs), urgent_pages.OUTGOING)
    page, notice = urgent_pages.list_page(request, listing)
    return render(
        request,
        "registry/outgoing_list.html",
        {
            "page": page,
            "page_notice": notice,
            "nav": urgent_pages.navigation(page, urgent_pages.OUTGOING),
            "status": status,
            "statuses": OUTGOING_STATUSES,
            "signature": chosen,
            "signature_filters": SIGNATURE_CHOICES,
            "signature_error": signature_error,
            "page_query": query_without_page(request, "after", "before"),
        },
    )


def _chosen(form: OutgoingForm) -> list[Organization]:
    raw = form.data.getlist("recipient_orgs") if form.is_bound else []  # type: ignore[attr-defined]
    ids = [int(x) for x in raw if str(x).isdigit()][:500]
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


@login_required
def outgoing_new(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    form = OutgoingForm(request.POST or None)
    org = user.organization
    subordinates = reads.subordinate_committees(org) if org is not None else []
    status = 200
    if request.method == "POST" and form.is_valid():
        if org is None:
            form.add_error(None, _("Tài khoản chưa thuộc tổ chức nào; không thể tạo văn bản."))
        else:
            try:
                document = services.create_outgoing(
                    actor=user, organization=org, data=form.service_data(subordinates)
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                show_denied(form, exc)
                status = 403
            else:
                messages.success(request, _("Đã lưu dự thảo văn bản đi."))
                return HttpResponseRedirect(reverse("registry:outgoing-detail", args=[document.pk]))
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "registry/outgoing_form.html",
        {"form": form, "chosen": _chosen(form), "subordinate_count": len(subordinates)},
        status=status,
    )


@login_required
@require_GET
def organization_lookup(request: HttpRequest) -> HttpResponse:
    """An htmx fragment: checkboxes for organisations matching the typed name (≤ 20)."""
    user = actor(request)
    query = (request.GET.get("recipient_q") or request.GET.get("q") or "")[:100].strip()
    exclude = user.organization.pk if user.organization else None
    return render(
        request,
        "registry/_org_lookup.html",
        {
            "results": reads.organization_lookup(query, exclude=exclude),
            "query": query,
            "limit": reads.LOOKUP_LIMIT,
        },
    )


def _render_detail(
    request: HttpRequest, document: Document, status: int = 200, **forms_: forms.Form
) -> HttpResponse:
    user = actor(request)
    roles = services.roles_in(user, document.organization)
    is_clerk = user.is_superuser or bool(roles & {Role.CLERK, Role.ADMIN})
    files = selectors.files_of(document)
    context: dict[str, Any] = {
        "doc": document,
        "files": files,
        "text_status_label": TextStatus(selectors.text_status(files)).label,
        "history": history_rows(selectors.history(document)),
        "recipients": list(document.recipients.select_related("organization").order_by("pk")),
        "can_issue": is_clerk and document.status == Status.DRAFT,
        "can_send": is_clerk and document.status in (Status.ISSUED, Status.SENT),
        "can_add_files": services.may_add_files(user, document),
        "file_form": forms_.get("file_form") or FileForm(),
        "action_error": forms_.get("action_error"),
    }
    return render(request, "registry/outgoing_detail.html", context, status=status)


# The page a refused signing action re-renders (signatures.views).
render_detail = _render_detail


@login_required
@require_GET
def outgoing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    document = selectors.get_document(user, pk, Direction.OUTGOING)
    audit_read(user, document)
    return _render_detail(request, document)


def act_outgoing(
    request: HttpRequest,
    document: Document,
    form: forms.Form,
    form_name: str,
    call: Any,
    done: str,
) -> HttpResponse:
    return run_action(
        request,
        document,
        form,
        call,
        done,
        detail="registry:outgoing-detail",
        render_errors=lambda status: _render_detail(request, document, status, **{form_name: form}),
    )


class _Empty(forms.Form):
    """Issue and send take no input; the form carries their errors back to the page."""


@login_required
@require_POST
def outgoing_issue(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    document = selectors.get_document(user, pk, Direction.OUTGOING)
    issued: list[Document] = []
    form = _Empty(request.POST)
    answer = act_outgoing(
        request,
        document,
        form,
        "action_error",
        lambda d: issued.append(services.issue_outgoing(actor=user, document=document)),
        _("Đã ban hành văn bản."),
    )
    if issued:
        messages.info(request, _("Số, ký hiệu được cấp: %(s)s.") % {"s": issued[0].number_symbol})
    return answer


@login_required
@require_POST
def outgoing_send(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    document = selectors.get_document(user, pk, Direction.OUTGOING)
    return act_outgoing(
        request,
        document,
        _Empty(request.POST),
        "action_error",
        lambda d: sending.send_outgoing(actor=user, document=document),
        _("Đã gửi văn bản đến các nơi nhận trong hệ thống."),
    )
