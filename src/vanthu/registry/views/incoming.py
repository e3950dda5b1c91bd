"""Văn bản đến pages: the list and the "chờ vào sổ" queue, fast registration, the detail with
presenting, direction (bút phê) and completion. Thin: parse, call one service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vanthu.core.enums import Role, Urgency
from vanthu.registry import selectors, sending, services
from vanthu.registry.forms import (
    AssignForm,
    CompleteForm,
    FileForm,
    IncomingForm,
    PresentForm,
    ReturnForm,
)
from vanthu.registry.models import Assignment, Direction, Document, Status, TextStatus
from vanthu.registry.views import reads, urgent_pages
from vanthu.registry.views.common import (
    SIGNATURE_CHOICES,
    actor,
    audit_read,
    history_rows,
    query_without_page,
    run_action,
    service_errors,
    show_denied,
    signature_choice,
)

INCOMING_STATUSES = [
    (s.value, s.label)
    for s in (
        Status.PENDING_REGISTRATION,
        Status.NEW,
        Status.AWAITING_DIRECTION,
        Status.IN_PROGRESS,
        Status.DONE,
        Status.RETURNED,
    )
]


@login_required
@require_GET
def incoming_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    filters = {
        key: (request.GET.get(key) or "").strip()[:100]
        for key in ("nam", "trang_thai", "do_khan", "q", "chu_ky")
    }
    signature, signature_error = signature_choice(filters["chu_ky"])
    rows = reads.incoming_page(
        user,
        year=filters["nam"],
        status=filters["trang_thai"],
        urgency=filters["do_khan"],
        q=filters["q"],
        signature=signature,
    )
    listing = urgent_pages.Listing(rows, urgent_pages.INCOMING)
    page, notice = urgent_pages.list_page(request, listing)
    return render(
        request,
        "registry/incoming_list.html",
        {
            "page": page,
            "page_notice": notice,
            "nav": urgent_pages.navigation(page, urgent_pages.INCOMING),
            "filters": filters,
            "statuses": INCOMING_STATUSES,
            "urgencies": Urgency.choices,
            "signature_filters": SIGNATURE_CHOICES,
            "signature_error": signature_error,
            "queue": list(reads.pending_queue(user)[:100]),
            "return_form": ReturnForm(),
            "page_query": query_without_page(request, "after", "before"),
        },
    )


@login_required
def incoming_new(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    form = IncomingForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if user.organization is None:
            form.add_error(None, _("Tài khoản chưa thuộc tổ chức nào; không thể vào sổ."))
        else:
            try:
                # Registration and its files commit together: an upload refused rolls the
                # number back too, so nothing is stored and no number is lost.
                with transaction.atomic():
                    document = services.register_incoming(
                        actor=user, organization=user.organization, data=form.service_data()
                    )
                    for upload in form.cleaned_data["attachments"]:
                        services.add_file(actor=user, document=document, upload=upload)
            except ValidationError as exc:
                service_errors(form, exc)
            except PermissionDenied as exc:
                show_denied(form, exc)
                status = 403
            else:
                url = reverse("registry:incoming-new") + f"?vua-vao-so={document.pk}"
                return HttpResponseRedirect(url)
    if form.errors and status == 200:
        status = 400
    just = None
    duplicates: list[Document] = []
    raw = request.GET.get("vua-vao-so", "")
    if raw.isdigit():
        just = selectors.get_document(user, int(raw), Direction.INCOMING)
        ids = selectors.possible_duplicates(user, just)
        duplicates = list(selectors.visible_documents(user).filter(pk__in=ids))
    return render(
        request,
        "registry/incoming_form.html",
        {
            "form": form,
            "expected": reads.expected_arrival_numbers(user),
            "just": just,
            "duplicates": duplicates,
        },
        status=status,
    )


@login_required
@require_GET
def suggest(request: HttpRequest, field: str) -> HttpResponse:
    """An htmx fragment: <option>s for the sender or signer box (this organisation's history)."""
    user = actor(request)
    query = (request.GET.get(field) or request.GET.get("q") or "")[:100]
    return render(
        request,
        "registry/_suggestions.html",
        {"names": reads.sender_suggestions(user, field, query)},
    )


def _detail_context(request: HttpRequest, document: Document) -> dict[str, Any]:
    user = actor(request)
    org = document.organization
    roles = services.roles_in(user, org)
    is_clerk = user.is_superuser or bool(roles & {Role.CLERK, Role.ADMIN})
    is_leader = services.leads(user, org)
    assignments = list(document.assignments.select_related("user").order_by("role", "pk"))
    is_lead = any(a.user_id == user.pk and a.role == Assignment.Role.LEAD for a in assignments)
    files = selectors.files_of(document)
    status = document.status
    return {
        "doc": document,
        "files": files,
        "text_status_label": TextStatus(selectors.text_status(files)).label,
        "history": history_rows(selectors.history(document)),
        "assignments": assignments,
        "can_present": is_clerk and status in (Status.NEW, Status.AWAITING_DIRECTION),
        "can_assign": is_leader
        and status in (Status.NEW, Status.AWAITING_DIRECTION, Status.IN_PROGRESS),
        "can_complete": (is_lead or is_leader) and status == Status.IN_PROGRESS,
        "can_register": is_clerk and status == Status.PENDING_REGISTRATION,
        "can_add_files": services.may_add_files(user, document),
    }


def _render_detail(
    request: HttpRequest, document: Document, status: int = 200, **forms_: forms.Form
) -> HttpResponse:
    context = _detail_context(request, document)
    context["present_form"] = forms_.get("present_form") or PresentForm(
        leaders=reads.leaders_for(document)
    )
    context["assign_form"] = forms_.get("assign_form") or AssignForm(
        people=reads.colleagues_for(document)
    )
    context["complete_form"] = forms_.get("complete_form") or CompleteForm()
    context["file_form"] = forms_.get("file_form") or FileForm()
    context["return_form"] = forms_.get("return_form") or ReturnForm()
    # A refused action's form may not be on the page for this user: say why on top.
    context["action_error"] = next(iter(forms_.values())) if status == 403 else None
    # A refused organisation signature (signatures.views) says why on top too.
    if forms_.get("signing_form") is not None:
        context["action_error"] = forms_["signing_form"]
    return render(request, "registry/incoming_detail.html", context, status=status)


# The page a refused signing action re-renders (signatures.views).
render_detail = _render_detail


@login_required
@require_GET
def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    document = selectors.get_document(user, pk, Direction.INCOMING)
    audit_read(user, document)
    return _render_detail(request, document)


def _act(
    request: HttpRequest,
    document: Document,
    form: forms.Form,
    form_name: str,
    call: Any,
    done: str,
) -> HttpResponse:
    """Run one service for a posted action form; errors re-render the detail (400/403)."""
    return run_action(
        request,
        document,
        form,
        call,
        done,
        detail="registry:incoming-detail",
        render_errors=lambda status: _render_detail(request, document, status, **{form_name: form}),
    )


@login_required
@require_POST
def incoming_present(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    document = selectors.get_document(user, pk, Direction.INCOMING)
    form = PresentForm(request.POST, leaders=reads.leaders_for(document))
    return _act(
        request,
        document,
        form,
        "present_form",
        lambda d: services.present(actor=user, document=document, leader=d["leader"]),
        _("Đã trình lãnh đạo."),
    )


@login_required
@require_POST
def incoming_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    document = selectors.get_document(user, pk, Direction.INCOMING)
    form = AssignForm(request.POST, people=reads.colleagues_for(document))
    return _act(
        request,
        document,
        form,
        "assign_form",
        lambda d: services.assign(
            actor=user,
            document=document,
            lead=d["lead"],
            support=list(d["support"]),
            inform=list(d["inform"]),
            deadline=d["deadline"],
            note=d["note"],
            deadline_working_days=d["deadline_working_days"],
            deadlines={u.pk: d["support_deadline"] for u in d["support"]}
            if d["support_deadline"]
            else None,
        ),
        _("Đã ghi ý kiến chỉ đạo và giao xử lý."),
    )


@login_required
@require_POST
def incoming_complete(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    document = selectors.get_document(user, pk, Direction.INCOMING)
    return _act(
        request,
        document,
        CompleteForm(request.POST),
        "complete_form",
        lambda d: services.complete(actor=user, document=document, note=d["note"]),
        _("Đã hoàn thành xử lý văn bản."),
    )


def _add_files(user: Any, document: Document, uploads: list[Any]) -> None:
    # All files of one upload are stored together or not at all.
    with transaction.atomic():
        for upload in uploads:
            services.add_file(actor=user, document=document, upload=upload)


@login_required
@require_POST
def document_files(request: HttpRequest, pk: int) -> HttpResponse:
    """Thêm tệp to an incoming or outgoing document the user may see."""
    user = actor(request)
    document = selectors.get_document(user, pk)
    form = FileForm(request.POST, request.FILES)
    if document.direction == Direction.OUTGOING:
        from vanthu.registry.views.outgoing import act_outgoing

        return act_outgoing(
            request,
            document,
            form,
            "file_form",
            lambda d: _add_files(user, document, d["attachments"]),
            _("Đã thêm tệp."),
        )
    return _act(
        request,
        document,
        form,
        "file_form",
        lambda d: _add_files(user, document, d["attachments"]),
        _("Đã thêm tệp."),
    )


@login_required
@require_POST
def incoming_register(request: HttpRequest, pk: int) -> HttpResponse:
    """Vào sổ a delivery with one click: the fields come prefilled from the sender."""
    user = actor(request)
    document = selectors.get_document(user, pk, Direction.INCOMING)
    try:
        document = sending.register_delivered(actor=user, document=document)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("registry:incoming-detail", args=[pk]))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("registry:incoming-detail", args=[pk]))
    messages.success(request, _("Đã vào sổ văn bản đến, số đến %(n)s.") % {"n": document.number})
    return HttpResponseRedirect(reverse("registry:incoming-detail", args=[pk]))


@login_required
@require_POST
def incoming_return(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    document = selectors.get_document(user, pk, Direction.INCOMING)
    return _act(
        request,
        document,
        ReturnForm(request.POST),
        "return_form",
        lambda d: sending.return_delivered(actor=user, document=document, reason=d["reason"]),
        _("Đã trả lại văn bản cho nơi gửi."),
    )
